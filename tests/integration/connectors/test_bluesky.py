"""The Bluesky connector against a loopback XRPC server (createSession, refreshSession, search)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from connectors.bluesky import BlueskyConnector, forget_sessions, jwt_expiry, post_web_url
from monitor.errors import ConfigError, FatalFetchError, RetriableFetchError

from .conftest import API, CURIO, kept

CREATE = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
DID = "did:plc:signaleerdemo000000000001"


def load(name: str) -> Any:
    return json.loads((API / "bluesky" / name).read_text(encoding="utf-8"))


def jwt(exp: float, tag: str) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    return f"{part({'alg': 'ES256K'})}.{part({'exp': int(exp), 'sub': DID, 'tag': tag})}.sig"


def session_body(access: str, refresh: str, name: str = "createSession.json") -> Any:
    return {**load(name), "accessJwt": access, "refreshJwt": refresh}


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    forget_sessions()  # every test starts as a new process
    yield
    forget_sessions()


def make(httpserver: HTTPServer, **options: Any) -> BlueskyConnector:
    conn = BlueskyConnector.from_config("bsky", {
        "handle": "signaleer-curio.bsky.social", "base_url": httpserver.url_for("/"),
        "queries": ["Curio"], **options}, CURIO)
    conn.sleep = lambda _s: None
    return conn


def test_first_run_logs_in_and_searches(httpserver: HTTPServer) -> None:
    access, refresh = jwt(time.time() + 7200, "a1"), jwt(time.time() + 86400 * 60, "r1")
    httpserver.expect_request(
        CREATE, method="POST",
        json={"identifier": "signaleer-curio.bsky.social", "password": "abcd-efgh-ijkl-mnop"},
    ).respond_with_json(session_body(access, refresh))
    httpserver.expect_request(
        SEARCH, headers={"Authorization": f"Bearer {access}"},
        query_string={"q": "Curio", "limit": "50", "sort": "latest"},
    ).respond_with_json(load("searchPosts-page1.json"))
    conn = make(httpserver)
    result = kept(conn, conn.fetch(None))
    # The snuff-box "curio" is kept in doubt; the classifier says it is not about us.
    first, second, snuff_box = result.mentions
    assert snuff_box.extra["matched_alias"] == "Curio"
    assert first.source == "bluesky"
    assert first.external_id == "at://did:plc:student0000000000000001/app.bsky.feed.post/3lbq2dxkxwc2a"
    assert first.url == "https://bsky.app/profile/noor.bsky.social/post/3lbq2dxkxwc2a"
    assert first.author == "@noor.bsky.social"
    assert first.lang == "nl"
    assert first.extra["like"] == 14 and first.extra["matched_alias"] == "Curio"
    assert first.published_at.isoformat() == "2026-11-25T08:01:00+00:00"
    assert second.url == \
        "https://bsky.app/profile/did:plc:ouder00000000000000000002/post/3lbq2bbbbbbb2"
    cursor = result.new_cursor or {}
    assert cursor == {"q:Curio": "2026-11-25T08:01:02.431000Z"}


def test_session_tokens_are_not_stored_but_reused_in_the_process(httpserver: HTTPServer) -> None:
    """Issue 18.12: the JWTs were stored in plain text in ``connector_state.cursor``."""
    access, refresh = jwt(time.time() + 7200, "a1"), jwt(time.time() + 86400 * 60, "r1")
    httpserver.expect_request(CREATE, method="POST").respond_with_json(
        session_body(access, refresh))
    httpserver.expect_request(SEARCH, headers={"Authorization": f"Bearer {access}"}) \
        .respond_with_json({"posts": []})
    first = make(httpserver).fetch(None)
    second = make(httpserver).fetch(first.new_cursor)  # a new run of the daemon: no new login
    for result in (first, second):
        stored = json.dumps(result.new_cursor)
        assert access not in stored and refresh not in stored and "session" not in stored
    assert [r.path for r, _ in httpserver.log] == [CREATE, SEARCH, SEARCH]
    forget_sessions()  # a new process: logs in again
    make(httpserver).fetch(second.new_cursor)
    assert [r.path for r, _ in httpserver.log][-2:] == [CREATE, SEARCH]


def test_valid_session_is_reused_and_pages_stop_at_the_cursor(httpserver: HTTPServer) -> None:
    access = jwt(time.time() + 3600, "a")
    cursor = {"session_did": DID, "session_access": access, "session_refresh": jwt(0, "r"),
              "q:Curio": "2026-11-24T12:00:00Z"}
    httpserver.expect_ordered_request(
        SEARCH, query_string={"q": "Curio", "limit": "50", "sort": "latest",
                              "since": "2026-11-24T12:00:00Z"},
    ).respond_with_json(load("searchPosts-page1.json"))
    httpserver.expect_ordered_request(
        SEARCH, query_string={"q": "Curio", "limit": "50", "sort": "latest",
                              "since": "2026-11-24T12:00:00Z", "cursor": "2"},
    ).respond_with_json(load("searchPosts-page2.json"))
    result = make(httpserver).fetch(cursor)
    assert len(httpserver.log) == 2  # no login, no third page
    assert len(result.mentions) == 5  # the snuff-box curio kept in doubt
    assert not any(k.startswith("session_") for k in result.new_cursor or {})  # cleared


def test_expired_access_token_is_refreshed_not_relogged(httpserver: HTTPServer) -> None:
    old_refresh = jwt(time.time() + 86400, "r-old")
    new_access, new_refresh = jwt(time.time() + 7200, "a-new"), jwt(time.time() + 86400, "r-new")
    httpserver.expect_request(
        REFRESH, method="POST", headers={"Authorization": f"Bearer {old_refresh}"}
    ).respond_with_json(session_body(new_access, new_refresh, "refreshSession.json"))
    httpserver.expect_request(SEARCH, headers={"Authorization": f"Bearer {new_access}"}) \
        .respond_with_json({"posts": []})
    cursor = {"session_did": DID, "session_access": jwt(time.time() - 10, "a-old"),
              "session_refresh": old_refresh}
    result = make(httpserver).fetch(cursor)
    make(httpserver).fetch(result.new_cursor)  # the renewed session is remembered
    assert [r.path for r, _ in httpserver.log] == [REFRESH, SEARCH, SEARCH]


def test_server_side_expiry_triggers_refresh_then_retry(httpserver: HTTPServer) -> None:
    stale, fresh = jwt(time.time() + 3600, "stale"), jwt(time.time() + 7200, "fresh")
    httpserver.expect_request(SEARCH, headers={"Authorization": f"Bearer {stale}"}) \
        .respond_with_json(load("error-ExpiredToken.json"), status=400)
    httpserver.expect_request(REFRESH, method="POST").respond_with_json(
        session_body(fresh, jwt(time.time() + 86400, "r2"), "refreshSession.json"))
    httpserver.expect_request(SEARCH, headers={"Authorization": f"Bearer {fresh}"}) \
        .respond_with_json(load("searchPosts-page1.json"))
    cursor = {"session_did": DID, "session_access": stale, "session_refresh": "r1"}
    assert len(make(httpserver).fetch(cursor).mentions) == 3  # snuff-box curio kept in doubt


def test_dead_refresh_token_falls_back_to_login(httpserver: HTTPServer) -> None:
    access = jwt(time.time() + 7200, "a")
    httpserver.expect_request(REFRESH, method="POST").respond_with_json(
        load("error-ExpiredToken.json"), status=400)
    httpserver.expect_request(CREATE, method="POST").respond_with_json(
        session_body(access, jwt(time.time() + 86400, "r")))
    httpserver.expect_request(SEARCH).respond_with_json({"posts": []})
    cursor = {"session_did": DID, "session_access": jwt(1, "x"), "session_refresh": "dead"}
    result = make(httpserver).fetch(cursor)
    make(httpserver).fetch(result.new_cursor)
    assert [r.path for r, _ in httpserver.log] == [REFRESH, CREATE, SEARCH, SEARCH]


def test_wrong_password_is_fatal(httpserver: HTTPServer) -> None:
    httpserver.expect_request(CREATE, method="POST").respond_with_json(
        load("error-AuthenticationRequired.json"), status=401)
    with pytest.raises(FatalFetchError, match="login as signaleer-curio.bsky.social refused "
                                              r"\(AuthenticationRequired\)") as info:
        make(httpserver).fetch(None)
    assert "abcd" not in str(info.value)


def test_login_rate_limit_is_retriable(httpserver: HTTPServer) -> None:
    httpserver.expect_request(CREATE, method="POST").respond_with_json(
        {"error": "RateLimitExceeded"}, status=429,
        headers={"ratelimit-reset": str(int(time.time()) + 3000)})
    with pytest.raises(RetriableFetchError) as info:
        make(httpserver).fetch(None)
    assert info.value.retry_after is not None and info.value.retry_after > 2000


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("<html>Service Unavailable</html>", "text/html"), ('{"posts": "nope"}', "application/json"),
     ('{"posts": [', "application/json")],
)
def test_bad_search_bodies(httpserver: HTTPServer, body: str, content_type: str) -> None:
    cursor = {"session_did": DID, "session_access": jwt(time.time() + 3600, "a"),
              "session_refresh": "r"}
    httpserver.expect_request(SEARCH).respond_with_data(body, content_type=content_type)
    with pytest.raises(RetriableFetchError):
        make(httpserver).fetch(cursor)


def test_helpers() -> None:
    assert jwt_expiry(jwt(1234, "x")) == 1234
    assert jwt_expiry("not-a-jwt") is None
    assert post_web_url("at://did:plc:x/app.bsky.feed.post/abc", "a.bsky.social") == \
        "https://bsky.app/profile/a.bsky.social/post/abc"
    assert post_web_url("at://did:plc:x/app.bsky.feed.like/abc", "a") == \
        "at://did:plc:x/app.bsky.feed.like/abc"


def test_config(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"options\.handle: required"):
        BlueskyConnector.from_config("bsky", {}, CURIO)
    with pytest.raises(ConfigError, match="secrets are not read from the config file"):
        BlueskyConnector.from_config("bsky", {"handle": "h", "app_password": "pw"}, CURIO)
    monkeypatch.delenv("SIGNALEER_BLUESKY_APP_PASSWORD")
    with pytest.raises(ConfigError, match="app_password_file: required"):
        BlueskyConnector.from_config("bsky", {"handle": "h"}, CURIO)
    pw = tmp_path / "pw"
    pw.write_text("from-file\n")
    conn = BlueskyConnector.from_config("bsky", {"handle": "@h", "app_password_file": str(pw)},
                                        CURIO)
    assert conn.settings.password == "from-file" and conn.settings.handle == "h"
    assert "from-file" not in repr(conn.settings)
    assert conn.settings.queries == ("Curio", "ROC West-Brabant", "Curio mbo", "#curio",
                                     "#curiombo")
