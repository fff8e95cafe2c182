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


@pytest.fixture
def drip_headers() -> Iterator[str]:
    """A server that sends a status line, then one header line every 0.1 s, for 30 s."""
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
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    for _ in range(300):
                        if stop.is_set():
                            break
                        conn.sendall(b"X-Drip: 1\r\n")
                        time.sleep(0.1)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/feed"
    stop.set()
    server.close()


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
