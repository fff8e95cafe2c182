"""The X connector: tweepy hard-codes api.twitter.com, so mock at the transport with responses."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from connectors.twitter import XConnector, build_query
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, FatalFetchError, RetriableFetchError

from .conftest import API, CURIO, kept

SEARCH = "https://api.twitter.com/2/tweets/search/recent"
MENTIONS = re.compile(r"https://api\.twitter\.com/2/users/(\d+)/mentions")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def load(name: str) -> Any:
    return json.loads((API / "x" / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_X_BEARER_TOKEN", "AAAA-test-bearer")


@pytest.fixture
def mocked() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def make(**options: Any) -> XConnector:
    conn = XConnector.from_config("x", options, CURIO)
    conn.clock = lambda: NOW
    conn.sleep = lambda _s: None
    return conn


def params_of(call: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_query_is_built_from_the_institution() -> None:
    assert build_query(CURIO) == ('(Curio OR "ROC West-Brabant" OR "Curio mbo" OR @curio_mbo '
                                  'OR @curio OR #curio OR #curiombo) -is:retweet')
    assert build_query(CURIO, "nl").endswith("-is:retweet lang:nl")


def test_first_run(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-page1.json"), match=[
        matchers.header_matcher({"Authorization": "Bearer AAAA-test-bearer"})])
    conn = make()
    result = kept(conn, conn.fetch(None))
    assert len(mocked.calls) == 1  # first run: newest page only
    sent = params_of(mocked.calls[0])
    assert sent["query"] == build_query(CURIO)
    assert sent["expansions"] == "author_id"
    assert sent["user.fields"] == "username,public_metrics"
    assert sent["max_results"] == "100"
    assert "since_id" not in sent
    assert mocked.calls[0].request.headers["User-Agent"].startswith("Signaleer/")
    # The flea-market curio is kept in doubt (no context word, no exclusion word); the
    # classifier, not matching, says it is not about the institution.
    first, second, curio = result.mentions
    assert "flea market" in curio.text
    assert first.source == "x" and first.external_id == "1861000000000000003"
    assert first.url == "https://x.com/sem_breda/status/1861000000000000003"
    assert first.author == "@sem_breda" and first.author_followers == 312
    assert first.published_at == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert first.extra["like"] == 22 and first.extra["matched_alias"] == "@curio_mbo"
    assert second.author_followers == 48210
    assert result.new_cursor == {"since_id": "1861000000000000003", "month": "2026-11",
                                 "reads": "3"}


def test_since_id_and_pagination(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-page1.json"))
    mocked.get(SEARCH, json=load("search-recent-page2.json"))
    result = make().fetch({"since_id": "1860000000000000000", "month": "2026-11", "reads": "40"})
    first, second = (params_of(c) for c in mocked.calls)
    assert first["since_id"] == second["since_id"] == "1860000000000000000"
    assert second["next_token"] == "b26v89c19zqg8o3fpzbm2dgrd1wr5tf0o4pzyo5qpnk8t"
    assert len(result.mentions) == 4  # the flea-market curio kept in doubt, as above
    assert result.new_cursor == {"since_id": "1861000000000000003", "month": "2026-11",
                                 "reads": "44"}


def test_page_cap(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-page1.json"))
    result = make(max_pages=1).fetch({"since_id": "1"})
    assert len(mocked.calls) == 1
    assert "stopped after 1 pages" in result.warnings[0]


def test_own_account_mentions(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-empty.json"))
    mocked.get(MENTIONS, json=load("users-mentions.json"))
    result = make(account_ids=["99887766"]).fetch({"since_id:99887766": "1861000000000000000"})
    assert mocked.calls[1].request.url.startswith("https://api.twitter.com/2/users/99887766/")
    assert params_of(mocked.calls[1])["since_id"] == "1861000000000000000"
    (mention,) = result.mentions
    assert mention.text == "@curio_mbo wanneer komen de cijfers online?"
    assert (result.new_cursor or {})["since_id:99887766"] == "1861000000000000010"


def test_budget_limits_page_size_and_then_stops(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-page1.json"))
    conn = make(monthly_read_budget=100)
    result = conn.fetch({"month": "2026-11", "reads": "75"})
    assert params_of(mocked.calls[0])["max_results"] == "25"
    assert (result.new_cursor or {})["reads"] == "78"
    spent = conn.fetch({"month": "2026-11", "reads": "95"})
    assert len(mocked.calls) == 1  # nothing asked
    assert spent.mentions == ()
    assert "monthly read budget of 100 posts is spent" in spent.warnings[0]


def test_budget_resets_with_the_month(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("search-recent-empty.json"))
    result = make(monthly_read_budget=100).fetch({"month": "2026-10", "reads": "100"})
    assert len(mocked.calls) == 1
    assert (result.new_cursor or {})["month"] == "2026-11"
    assert (result.new_cursor or {})["reads"] == "0"


def test_429_uses_the_reset_header_and_never_sleeps(mocked: responses.RequestsMock) -> None:
    reset = int(time.time()) + 900
    mocked.get(SEARCH, json=load("error-429.json"), status=429,
               headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
    slept: list[float] = []
    conn = make()
    conn.sleep = slept.append
    with pytest.raises(RetriableFetchError) as info:
        conn.fetch(None)
    assert info.value.status == 429
    assert 800 < (info.value.retry_after or 0) <= 900
    assert slept == [] and len(mocked.calls) == 1


@pytest.mark.parametrize(("status", "name"), [(401, "error-401.json"), (403, "error-403.json")])
def test_auth_errors_are_fatal(mocked: responses.RequestsMock, status: int, name: str) -> None:
    mocked.get(SEARCH, json=load(name), status=status)
    with pytest.raises(FatalFetchError, match=f"-> {status} .check the bearer token") as info:
        make().fetch(None)
    assert "AAAA" not in str(info.value)
    assert info.value.status == status


def test_server_errors_are_retried_then_retriable(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, status=503, body="over capacity")
    with pytest.raises(RetriableFetchError, match="-> 503"):
        make().fetch(None)
    assert len(mocked.calls) == 3


def test_server_error_then_success(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, status=500, body="oops")
    mocked.get(SEARCH, json=load("search-recent-empty.json"))
    assert make().fetch(None).mentions == ()


def test_since_id_too_old_starts_afresh(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, json=load("error-400-since-id.json"), status=400)
    mocked.get(SEARCH, json=load("search-recent-page1.json"))
    result = make().fetch({"since_id": "1700000000000000000"})
    assert "since_id" not in params_of(mocked.calls[1])
    assert len(result.mentions) == 3  # the flea-market curio kept in doubt, as above
    assert "started afresh" in result.warnings[0]


@pytest.mark.parametrize(
    "body",
    [requests.exceptions.ConnectTimeout("slow"), requests.exceptions.ConnectionError("down"),
     requests.exceptions.ChunkedEncodingError("truncated")],
)
def test_network_errors_are_retriable(mocked: responses.RequestsMock, body: Exception) -> None:
    mocked.get(SEARCH, body=body)
    with pytest.raises(RetriableFetchError, match=r"x:x: GET api\.twitter\.com"):
        make().fetch(None)


@pytest.mark.parametrize("body", ["<html><body>Something went wrong</body></html>",
                                  '{"data": [{"id": "1", "text": "Cur'])
def test_html_or_truncated_json_is_retriable(mocked: responses.RequestsMock, body: str) -> None:
    mocked.get(SEARCH, body=body, status=200, content_type="text/html")
    with pytest.raises(RetriableFetchError, match="not valid JSON"):
        make().fetch(None)


def test_oversized_response_is_refused(mocked: responses.RequestsMock) -> None:
    mocked.get(SEARCH, body="x" * (2 * 1024 * 1024))
    with pytest.raises(FatalFetchError, match="size cap"):
        make(max_mb=1).fetch(None)


def test_config(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    with pytest.raises(ConfigError, match="secrets are not read"):
        XConnector.from_config("x", {"bearer_token": "AAAA"}, CURIO)
    with pytest.raises(ConfigError, match="numeric X user ids"):
        XConnector.from_config("x", {"account_ids": ["@curio_mbo"]}, CURIO)
    long = InstitutionSettings(name="Curio", aliases=tuple(f"alias nummer {i}" for i in range(40)))
    with pytest.raises(ConfigError, match="X allows 512"):
        XConnector.from_config("x", {}, long)
    monkeypatch.delenv("SIGNALEER_X_BEARER_TOKEN")
    with pytest.raises(ConfigError, match="bearer_token_file: required"):
        XConnector.from_config("x", {}, CURIO)
    token = tmp_path / "x.token"
    token.write_text("from-file\n")
    conn = XConnector.from_config("x", {"bearer_token_file": str(token)}, CURIO)
    assert conn.settings.token == "from-file" and "from-file" not in repr(conn.settings)


def test_429_reset_years_ahead_is_capped_at_a_day(mocked: responses.RequestsMock) -> None:
    """Issue 18.5: a reset time in 10 years must not silence the source for 10 years."""
    mocked.get(SEARCH, json=load("error-429.json"), status=429,
               headers={"x-rate-limit-reset": str(int(time.time()) + 315_360_000)})
    with pytest.raises(RetriableFetchError) as info:
        make().fetch(None)
    assert info.value.retry_after == 24 * 3600
