"""Bugs the hostile-input corpus found in ``connectors.http``, each pinned by a small test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from connectors.http import Http, HttpPolicy, HttpResponse
from monitor.errors import RetriableFetchError


def dripping_server(first: bytes, unit: bytes) -> Iterator[str]:
    """A server that sends ``first``, then ``unit`` every 0.1 s, for 30 s."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                try:
                    conn.sendall(first)
                    for _ in range(300):
                        if stop.is_set():
                            break
                        conn.sendall(unit)
                        time.sleep(0.1)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/feed"
    stop.set()
    server.close()


@pytest.fixture
def drip_headers() -> Iterator[str]:
    yield from dripping_server(b"HTTP/1.1 200 OK\r\n", b"X-Drip: 1\r\n")


@pytest.fixture
def drip_close_delimited_body() -> Iterator[str]:
    """No Content-Length: the body ends when the connection does."""
    yield from dripping_server(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<rss>", b" ")


def test_a_close_delimited_body_cut_by_the_deadline_is_not_a_complete_response(
        drip_close_delimited_body: str) -> None:
    """The watchdog's shutdown looks like a clean end of such a body; it must still be an error,
    not a truncated document (which parsed as an empty feed)."""
    with Http("rss:drip", HttpPolicy(timeout=1.0, deadline=1.0, retries=0)) as http, \
            pytest.raises(RetriableFetchError, match=r"not complete after 1s"):
        http.get(drip_close_delimited_body)


def test_headers_dripped_slowly_are_bounded_by_the_deadline(drip_headers: str) -> None:
    """Each header line came well within the read timeout, so only a deadline over the whole
    response stops this. Before the watchdog, the request lasted as long as the server liked."""
    started = time.monotonic()
    with Http("rss:drip", HttpPolicy(timeout=1.0, deadline=1.0, retries=0)) as http, \
            pytest.raises(RetriableFetchError, match=r"rss:drip: GET .* not complete after 1s"):
        http.get(drip_headers)
    assert time.monotonic() - started < 20  # generous: the server would drip for 30 s


def test_deeply_nested_json_is_a_fetch_error() -> None:
    """``json.loads`` raises RecursionError (not ValueError) for deep nesting."""
    headers = httpx.Headers({"content-type": "application/json"})
    resp = HttpResponse(200, "http://127.0.0.1/api", headers, b"[" * 100_000, "mastodon:deep")
    with pytest.raises(RetriableFetchError, match=r"mastodon:deep: GET .* expected JSON"):
        resp.json()
