"""Redirects (issue 18.4 and 18.11): credentials stay with their origin, feeds stay out of the LAN.

* A ``307`` answer to Bluesky's ``createSession`` re-posted ``{"identifier", "password"}`` to the
  redirect target. Login requests are never redirected; a request with an ``Authorization``
  header is never redirected to another origin.
* Feed URLs followed redirects to loopback and private addresses (PostgreSQL's 5432, Redis'
  6379, cloud metadata) and the error showed the body there in the digest's source health. The
  rule is a pure function (:func:`connectors.redirects.redirect_refusal`), tested here on many
  addresses; the loopback tests tell the client its configured host is public.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from connectors.bluesky import BlueskyConnector, forget_sessions
from connectors.http import Http, HttpPolicy
from connectors.redirects import is_local_address, is_local_host, redirect_refusal
from monitor.config import InstitutionSettings
from monitor.errors import FatalFetchError, FetchError

INSTITUTION = InstitutionSettings(name="Curio", aliases=(), hashtags=("#curio",),
                                  ambiguous_aliases=())
SECRET = "INTERNAL-SECRET-METADATA aws_secret_access_key=abc123"
PUBLIC = {"feeds.example": ["93.184.216.34"], "cdn.example": ["151.101.1.69", "2a04:4e42::69"]}


# ----------------------------------------------------------------------------- the pure rule

@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.1.2.3", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.10",
    "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "255.255.255.255",
    "224.0.0.1", "240.0.0.1", "192.0.2.1", "198.18.0.1", "::1", "::", "fc00::1", "fd12:3456::1",
    "fe80::1", "fe80::1%eth0", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1", "not-an-ip",
])
def test_local_addresses(address: str) -> None:
    assert is_local_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "100.128.0.1",
                                     "172.32.0.1", "2606:4700:4700::1111", "2a04:4e42::69"])
def test_public_addresses(address: str) -> None:
    assert not is_local_address(address)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "db.localhost", "127.0.0.1", "[::1]",
                                  "internal.example", "unresolvable.example", "mixed.example"])
def test_local_hosts(host: str) -> None:
    addresses = {"internal.example": ["10.1.2.3"], "mixed.example": ["93.184.216.34", "10.0.0.1"]}
    assert is_local_host(host, addresses)


def refusal(target: str, configured: str = "https://feeds.example/rss", *,
            current: str | None = None, credentials: bool = False, login: bool = False,
            addresses: dict[str, list[str]] | None = None) -> str | None:
    return redirect_refusal(configured, current or configured, target,
                            {**PUBLIC, **(addresses or {})}, credentials=credentials, login=login)


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:5432/", "http://127.0.0.1:6379/", "http://localhost/admin",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:8080/",
    "http://[fd00::1]/", "http://0.0.0.0:80/", "http://100.64.1.1/", "http://[::ffff:7f00:1]/",
    "http://intranet.example/", "http://nowhere.example/",
])
def test_redirect_from_a_public_feed_into_the_local_network_is_refused(target: str) -> None:
    reason = refusal(target, addresses={"intranet.example": ["192.168.0.2"]})
    assert reason is not None and "local network" in reason


def test_public_redirects_are_followed() -> None:
    assert refusal("https://cdn.example/rss.xml") is None
    assert refusal("http://93.184.216.34/feed") is None
    assert refusal("https://feeds.example/other") is None


def test_a_feed_configured_in_the_local_network_may_redirect_within_it() -> None:
    assert refusal("http://10.0.0.7/feed", "http://10.0.0.5/rss") is None
    assert refusal("http://127.0.0.1:8001/x", "http://localhost:8000/rss") is None
    assert refusal("http://db.intranet/x", "http://intranet/rss",
                   addresses={"intranet": ["192.168.1.1"], "db.intranet": ["192.168.1.2"]}) is None


def test_login_requests_are_never_redirected() -> None:
    for target in ("https://feeds.example/other", "https://evil.example/collect"):
        reason = refusal(target, login=True)
        assert reason is not None and "login" in reason


def test_credentials_stay_with_their_origin() -> None:
    assert refusal("https://feeds.example/page2", credentials=True) is None
    for target in ("https://cdn.example/x", "http://feeds.example/x",
                   "https://feeds.example:8443/x"):
        reason = refusal(target, credentials=True)
        assert reason is not None and "another origin" in reason


# ----------------------------------------------------------------------------- on loopback

@pytest.fixture(autouse=True)
def _new_process() -> Iterator[None]:
    forget_sessions()
    yield
    forget_sessions()


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A second server: another origin (another port) that must never see a credential."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/xrpc/com.atproto.server.createSession").respond_with_json(
        {"did": "did:plc:evil", "accessJwt": "a.b.c", "refreshJwt": "d.e.f"})
    server.expect_request("/steal").respond_with_json([])
    yield server
    server.clear()
    server.stop()


def test_bluesky_login_answered_with_307_does_not_send_the_password(
        httpserver: HTTPServer, elsewhere: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "app-password-1234")
    target = elsewhere.url_for("/xrpc/com.atproto.server.createSession")
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_data(
        "", status=307, headers={"Location": target})
    conn = BlueskyConnector.from_config("sky", {"handle": "me.bsky.social", "queries": ["curio"],
                                                "base_url": httpserver.url_for("")}, INSTITUTION)
    conn.sleep = lambda _s: None
    with pytest.raises(FatalFetchError, match=r"bluesky:sky: POST .* -> 307: a login request is "
                                              r"never redirected") as info:
        conn.fetch(None)
    assert elsewhere.log == []
    assert "app-password-1234" not in str(info.value)


def test_bluesky_refresh_answered_with_307_is_not_followed(
        httpserver: HTTPServer, elsewhere: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "app-password-1234")
    httpserver.expect_request("/xrpc/com.atproto.server.refreshSession").respond_with_data(
        "", status=307, headers={"Location": elsewhere.url_for("/steal")})
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_data(
        "", status=307, headers={"Location": elsewhere.url_for("/steal")})
    conn = BlueskyConnector.from_config("sky", {"handle": "me.bsky.social", "queries": ["curio"],
                                                "base_url": httpserver.url_for("")}, INSTITUTION)
    conn.clock = lambda: 2_000_000_000.0  # the stored access token (exp 1) has expired
    expired = "x.eyJleHAiOiAxfQ.y"
    with pytest.raises(FatalFetchError, match="never redirected"):
        conn.fetch({"session_did": "did:plc:me", "session_access": expired,
                    "session_refresh": "refresh.jwt.token"})
    assert elsewhere.log == []


def test_authorised_request_is_not_redirected_to_another_origin(
        httpserver: HTTPServer, elsewhere: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timelines/tag/curio").respond_with_data(
        "", status=307, headers={"Location": elsewhere.url_for("/steal")})
    with Http("mastodon:social", HttpPolicy(retries=0)) as http, \
            pytest.raises(FatalFetchError, match="not redirected to another origin"):
        http.get(httpserver.url_for("/api/v1/timelines/tag/curio"),
                 headers={"Authorization": "Bearer mastodon-token-5678"})
    assert elsewhere.log == []


def test_authorised_request_follows_a_redirect_on_its_own_origin(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301,
                                                        headers={"Location": "/new"})
    httpserver.expect_request("/new", headers={"Authorization": "Bearer t"}).respond_with_json([1])
    with Http("mastodon:social", HttpPolicy(retries=0)) as http:
        assert http.get(httpserver.url_for("/old"),
                        headers={"Authorization": "Bearer t"}).json() == [1]


def test_public_feed_redirected_to_loopback_is_refused_and_the_body_never_shown(
        httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/internal")})
    httpserver.expect_request("/internal").respond_with_data(SECRET, status=500)
    with Http("rss:news", HttpPolicy(retries=0), origin_local=False) as http, \
            pytest.raises(FatalFetchError, match=r"rss:news: GET .* -> 302: a redirect into the "
                                                 r"local network \(http://localhost:\d+\)"):
        http.get(httpserver.url_for("/feed"))
    assert [req.path for req, _ in httpserver.log] == ["/feed"]


def test_loopback_feed_may_still_redirect_on_loopback(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/moved")})
    httpserver.expect_request("/moved").respond_with_data("<rss/>")
    with Http("rss:news", HttpPolicy(retries=0)) as http:
        assert http.get(httpserver.url_for("/feed")).body == b"<rss/>"


@pytest.mark.parametrize(("status", "ctype", "accept"), [
    (404, "text/plain", (200,)), (400, "text/html", (200,)), (500, "text/plain", (200,)),
    (200, "text/html", (200,)), (401, "application/json", (200, 401)),
])
def test_error_texts_never_carry_the_response_body(httpserver: HTTPServer, status: int,
                                                   ctype: str, accept: tuple[int, ...]) -> None:
    httpserver.expect_request("/x").respond_with_data(SECRET, status=status, content_type=ctype)
    with Http("rss:news", HttpPolicy(retries=0), sleep=lambda _s: None) as http, \
            pytest.raises(FetchError) as info:
        http.get(httpserver.url_for("/x"), accept=accept).json()
    assert "INTERNAL-SECRET" not in str(info.value)
    assert "abc123" not in str(info.value)
    assert f"{status}" in str(info.value)


def test_bluesky_error_names_are_short_names_not_free_text(
        httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "pw")
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_json(
        {"error": SECRET, "message": SECRET}, status=401)
    conn = BlueskyConnector.from_config("sky", {"handle": "me.bsky.social", "queries": ["curio"],
                                                "base_url": httpserver.url_for("")}, INSTITUTION)
    with pytest.raises(FatalFetchError) as info:
        conn.fetch(None)
    assert "INTERNAL-SECRET" not in str(info.value)
    assert "HTTP 401" in str(info.value)
