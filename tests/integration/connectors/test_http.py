"""The shared HTTP helper against loopback servers."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.http import USER_AGENT, Http, HttpPolicy, retry_after_seconds
from monitor.errors import FatalFetchError, RetriableFetchError

from .conftest import slow_drip, truncated_response

FAST = HttpPolicy(timeout=1.0, deadline=2.0, retries=2, backoff=0.01, max_sleep=1.0)


def make(policy: HttpPolicy = FAST, sleeps: list[float] | None = None) -> Http:
    return Http("rss:test", policy, sleep=(sleeps.append if sleeps is not None else time.sleep))


def test_user_agent_and_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x", headers={"User-Agent": USER_AGENT}).respond_with_json({"a": 1})
    with make() as http:
        resp = http.get(httpserver.url_for("/x"))
    assert resp.status == 200
    assert resp.json() == {"a": 1}
    assert USER_AGENT.startswith("Signaleer/")


def test_retries_5xx_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/x").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    sleeps: list[float] = []
    with make(sleeps=sleeps) as http:
        assert http.get(httpserver.url_for("/x")).body == b"ok"
    assert sleeps == [0.01, 0.02]


def test_5xx_exhausts_retries_with_context(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("down", status=503)
    with make(sleeps=[]) as http, pytest.raises(RetriableFetchError) as info:
        http.get(httpserver.url_for("/x"))
    assert str(info.value) == f"rss:test: GET {httpserver.url_for('/x')} -> 503"
    assert info.value.status == 503
    assert len(httpserver.log) == 3


def test_short_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    sleeps: list[float] = []
    with make(sleeps=sleeps) as http:
        assert http.get(httpserver.url_for("/x")).status == 200
    assert sleeps == [1.0]


def test_long_retry_after_goes_to_the_scheduler(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "900"})
    sleeps: list[float] = []
    with make(sleeps=sleeps) as http, pytest.raises(RetriableFetchError) as info:
        http.get(httpserver.url_for("/x"))
    assert info.value.retry_after == 900
    assert info.value.status == 429
    assert sleeps == []
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(("status", "hint"), [(401, "credentials"), (403, "denied"),
                                              (404, "check the URL"), (400, "")])
def test_client_errors_are_fatal_without_retry(httpserver: HTTPServer, status: int,
                                               hint: str) -> None:
    httpserver.expect_request("/x").respond_with_data("nope", status=status)
    with make(sleeps=[]) as http, pytest.raises(FatalFetchError) as info:
        http.get(httpserver.url_for("/x"))
    assert f"-> {status}" in str(info.value)
    assert hint in str(info.value)
    assert len(httpserver.log) == 1


def test_accepted_statuses_are_returned(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("", status=304)
    with make() as http:
        assert http.get(httpserver.url_for("/x"), accept=(200, 304)).status == 304


def test_timeout_is_retriable(httpserver: HTTPServer) -> None:
    def sleepy(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    httpserver.expect_request("/x").respond_with_handler(sleepy)
    policy = HttpPolicy(timeout=0.2, retries=0)
    with make(policy) as http, pytest.raises(RetriableFetchError, match=r"timed out after 0\.2s"):
        http.get(httpserver.url_for("/x"))


def test_endless_redirects_are_fatal(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"})
    with make() as http, pytest.raises(FatalFetchError, match="more than 5 redirects"):
        http.get(httpserver.url_for("/loop"))
    assert sum(1 for req, _ in httpserver.log if req.path == "/loop") == 6


def test_declared_size_over_cap_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 2048)
    policy = HttpPolicy(max_bytes=1024)
    with make(policy) as http, pytest.raises(FatalFetchError, match=r"exceeds the .* MB cap"):
        http.get(httpserver.url_for("/big"))


def test_streamed_size_over_cap_stops_reading(httpserver: HTTPServer) -> None:
    sent: list[int] = []

    def stream(request: Request) -> Response:
        def chunks():
            for _ in range(1000):
                sent.append(1)
                yield b"y" * 1024
        return Response(chunks(), mimetype="application/xml")  # chunked, no Content-Length

    httpserver.expect_request("/big").respond_with_handler(stream)
    with make(HttpPolicy(max_bytes=16 * 1024)) as http, pytest.raises(
            FatalFetchError, match="stopped reading"):
        http.get(httpserver.url_for("/big"))


def test_truncated_body_is_retriable(raw_server) -> None:
    server = raw_server(truncated_response)
    with make(HttpPolicy(retries=0)) as http, pytest.raises(RetriableFetchError):
        http.get(server.url)


def test_slow_drip_hits_the_deadline(raw_server) -> None:
    server = raw_server(slow_drip)
    policy = HttpPolicy(timeout=1.0, deadline=0.5, retries=0)
    started = time.monotonic()
    with make(policy) as http, pytest.raises(RetriableFetchError, match="not complete after"):
        http.get(server.url)
    assert time.monotonic() - started < 3


def test_connection_refused_is_retriable() -> None:
    with make(HttpPolicy(retries=0)) as http, pytest.raises(RetriableFetchError):
        http.get("http://127.0.0.1:9/nothing")


def test_html_instead_of_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api").respond_with_data(
        "<html><body>Bad gateway</body></html>", content_type="text/html")
    with make() as http:
        resp = http.get(httpserver.url_for("/api"))
    with pytest.raises(RetriableFetchError, match="expected JSON, got text/html"):
        resp.json()


def test_json_body_is_posted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p", method="POST", json={"k": "v"}).respond_with_json({})
    with make() as http:
        assert http.post(httpserver.url_for("/p"), json_body={"k": "v"}).json() == {}
    assert json.loads(httpserver.log[0][0].data) == {"k": "v"}


def test_retry_after_parsing() -> None:
    now = 1_800_000_000.0
    assert retry_after_seconds({"retry-after": "30"}, now) == 30
    assert retry_after_seconds({"retry-after": "Thu, 01 Jan 2027 00:00:30 GMT"},
                               1798761600.0) == 30
    assert retry_after_seconds({"retry-after": "soon"}, now) is None
    assert retry_after_seconds({"x-rate-limit-reset": str(int(now) + 60)}, now) == 60
    assert retry_after_seconds({"x-ratelimit-reset": "2027-01-15T08:00:30Z"},
                               1800000000.0) == 30.0
    assert retry_after_seconds({"ratelimit-reset": "15"}, now) == 15
    assert retry_after_seconds({}, now) is None
