"""The Mastodon connector against a loopback server speaking the documented REST API."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from connectors.mastodon import MastodonConnector
from monitor.errors import ConfigError, FatalFetchError, RetriableFetchError

from .conftest import API, CURIO, kept, truncated_response

TAG_PATH = "/api/v1/timelines/tag/curio"


def load(name: str) -> Any:
    return json.loads((API / "mastodon" / name).read_text(encoding="utf-8"))


def make(httpserver: HTTPServer, **options: Any) -> MastodonConnector:
    base = httpserver.url_for("/").rstrip("/")
    conn = MastodonConnector.from_config(
        "fedi", {"instances": [base], "hashtags": ["#curio"], **options}, CURIO)
    conn.sleep = lambda _s: None
    return conn


@pytest.fixture(autouse=True)
def _no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALEER_MASTODON_TOKEN", raising=False)


def test_first_run_reads_the_newest_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request(TAG_PATH, query_string={"limit": "40"}).respond_with_json(
        load("tag-curio-page1.json"))
    conn = make(httpserver)
    result = kept(conn, conn.fetch(None))
    ids = [m.external_id for m in result.mentions]
    assert ids == ["https://mastodon.nl/users/jan/statuses/1135000000000000059",
                   "https://social.example/users/fleur/statuses/1135000000000000049"]
    first, second = result.mentions
    assert first.source == "mastodon"
    assert first.text.startswith("Weer geen wifi in het gebouw van #curio in Breda.")
    assert first.author == f"@jan@{httpserver.host}:{httpserver.port}"
    assert first.author_followers == 152
    assert first.lang == "nl"
    assert first.published_at.isoformat() == "2026-11-25T08:10:00+00:00"
    assert first.extra == {"reblogs": 5, "favourites": 11, "replies": 2,
                           "matched_alias": "#curio"}
    assert second.author == "@fleur@social.example"
    assert "alert" not in second.text and "<" not in second.text
    host = f"{httpserver.host}:{httpserver.port}"
    assert result.new_cursor == {f"tag:{host}:curio": "113500000000000005"}


def test_reblogs_and_unmatched_posts_are_skipped(httpserver: HTTPServer) -> None:
    httpserver.expect_request(TAG_PATH).respond_with_json(load("tag-curio-page1.json"))
    texts = [m.text for m in make(httpserver, require_match=False).fetch(None).mentions]
    assert len(texts) == 3  # the reblog is gone, the unmatched post stays
    assert not any("opent campus" in t for t in texts)


def test_since_id_and_link_pagination(httpserver: HTTPServer) -> None:
    host = f"{httpserver.host}:{httpserver.port}"
    page1 = load("tag-curio-page1.json")
    link = f'<{httpserver.url_for(TAG_PATH)}?max_id=113500000000000002>; rel="next", ' \
           f'<{httpserver.url_for(TAG_PATH)}?min_id=113500000000000005>; rel="prev"'
    httpserver.expect_ordered_request(
        TAG_PATH, query_string={"limit": "4", "since_id": "113499999999999990"}
    ).respond_with_json(page1, headers={"Link": link})
    httpserver.expect_ordered_request(
        TAG_PATH,
        query_string={"limit": "4", "since_id": "113499999999999990",
                      "max_id": "113500000000000002"},
    ).respond_with_json(load("tag-curio-page2.json"))
    cursor = {f"tag:{host}:curio": "113499999999999990", "other": "kept"}
    conn = make(httpserver, limit=4)
    result = kept(conn, conn.fetch(cursor))
    assert len(result.mentions) == 4
    assert result.new_cursor == {f"tag:{host}:curio": "113500000000000005", "other": "kept"}
    assert result.warnings == ()


def test_page_cap_warns(httpserver: HTTPServer) -> None:
    link = f'<{httpserver.url_for(TAG_PATH)}?max_id=1>; rel="next"'
    httpserver.expect_request(TAG_PATH).respond_with_json(
        load("tag-curio-page1.json"), headers={"Link": link})
    host = f"{httpserver.host}:{httpserver.port}"
    result = make(httpserver, limit=4, max_pages=2).fetch({f"tag:{host}:curio": "5"})
    assert len(httpserver.log) == 2
    assert "stopped after 2 pages" in result.warnings[0]


def test_empty_timeline_keeps_cursor(httpserver: HTTPServer) -> None:
    httpserver.expect_request(TAG_PATH).respond_with_json([])
    host = f"{httpserver.host}:{httpserver.port}"
    result = make(httpserver).fetch({f"tag:{host}:curio": "77"})
    assert result.mentions == () and result.new_cursor == {f"tag:{host}:curio": "77"}


def test_search_with_token(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_MASTODON_TOKEN", "tok-123")
    httpserver.expect_request(TAG_PATH).respond_with_json([])
    httpserver.expect_request(
        "/api/v2/search", headers={"Authorization": "Bearer tok-123"},
        query_string={"q": "Curio mbo", "type": "statuses", "resolve": "false",
                      "limit": "40", "offset": "0"},
    ).respond_with_json(load("search-statuses.json"))
    (mention,) = make(httpserver, search=["Curio mbo"]).fetch(None).mentions
    assert mention.text == "Incident op school: Docent van Curio mbo geschorst na incident"


def test_token_file(tmp_path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "token"
    secret.write_text("from-file\n")
    conn = make(httpserver, token_file=str(secret), search=["Curio"])
    assert conn.settings.token == "from-file"
    assert "from-file" not in repr(conn.settings)


@pytest.mark.parametrize(
    ("respond", "error", "text"),
    [
        ({"response_data": "<html>Bad Gateway</html>", "status": 200,
          "content_type": "text/html"}, RetriableFetchError, "expected JSON"),
        ({"response_data": '{"error": "Record not found"}', "status": 404}, FatalFetchError,
         "404"),
        ({"response_data": '{"error": "Too many requests"}', "status": 429,
          "headers": {"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"}}, RetriableFetchError,
         "429"),
        ({"response_data": '{"statuses": []}', "status": 200}, RetriableFetchError,
         "expected a list"),
        ({"response_data": '[{"id": ', "status": 200}, RetriableFetchError, "expected JSON"),
    ],
)
def test_errors(httpserver: HTTPServer, respond: dict[str, Any], error: type[Exception],
                text: str) -> None:
    httpserver.expect_request(TAG_PATH).respond_with_data(**respond)
    with pytest.raises(error, match=text) as info:
        make(httpserver).fetch(None)
    assert str(info.value).startswith("mastodon:fedi: GET ")


def test_rate_limit_reset_far_away_is_left_to_the_scheduler(httpserver: HTTPServer) -> None:
    httpserver.expect_request(TAG_PATH).respond_with_data(
        "{}", status=429, headers={"X-RateLimit-Reset": "2099-01-01T00:00:00.000Z"})
    with pytest.raises(RetriableFetchError) as info:
        make(httpserver).fetch(None)
    assert info.value.retry_after is not None and info.value.retry_after > 3600
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"instances": []}, "connectors.fedi.options.instances: required"),
        ({"instances": ["mastodon.social"]}, "expected http(s) URLs"),
        ({"instances": ["https://m.example"], "token": "x"},
         "connectors.fedi.options.token: secrets are not read from the config file"),
        ({"instances": ["https://m.example"], "limit": 80}, "options.limit: must be at most 40"),
    ],
)
def test_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        MastodonConnector.from_config("fedi", options, CURIO)
    assert message in str(info.value)


def test_truncated_response_is_retriable(raw_server) -> None:
    server = raw_server(truncated_response)
    conn = MastodonConnector.from_config(
        "fedi", {"instances": [f"http://127.0.0.1:{server.port}"], "hashtags": ["curio"],
                 "retries": 0}, CURIO)
    with pytest.raises(RetriableFetchError, match="mastodon:fedi: GET "):
        conn.fetch(None)


def test_timeout_is_retriable(raw_server) -> None:
    server = raw_server(lambda conn: time.sleep(1.0))
    conn = MastodonConnector.from_config(
        "fedi", {"instances": [f"http://127.0.0.1:{server.port}"], "hashtags": ["curio"],
                 "retries": 0, "timeout": 0.2}, CURIO)
    with pytest.raises(RetriableFetchError, match=r"timed out after 0\.2s"):
        conn.fetch(None)
