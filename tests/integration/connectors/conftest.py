"""Shared fixtures for connector tests: the institution, data files, and raw loopback servers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from monitor.config import InstitutionSettings
from monitor.matching import Matcher
from monitor.models import FetchResult
from monitor.pipeline import relevant

DATA = Path(__file__).resolve().parents[2] / "data"
FEEDS = DATA / "feeds"
API = DATA / "api"

CURIO = InstitutionSettings(
    name="Curio",
    aliases=("ROC West-Brabant", "Curio mbo"),
    handles=("@curio_mbo", "@curio"),
    hashtags=("#curio", "#curiombo"),
    ambiguous_aliases=("Curio",),
    context_words=("mbo", "school", "Breda", "student", "studenten", "Roosendaal", "opleiding",
                   "Bergen op Zoom", "Etten-Leur", "docent", "docenten", "les", "lessen"),
    exclude_words=("curio cabinet", "Curio Collection", "Hilton"),
)


@pytest.fixture
def curio() -> InstitutionSettings:
    return CURIO


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback only: make sure no proxy from the environment gets in the way."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


class RawServer:
    """A one-trick TCP server on 127.0.0.1: every connection gets ``handler(conn)``."""

    def __init__(self, handler: Callable[[socket.socket], None]) -> None:
        self.handler = handler
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    self.handler(conn)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Callable[[socket.socket], None]) -> RawServer:
        server = RawServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def truncated_response(conn: socket.socket) -> None:
    """Promise 5000 bytes, send 100, hang up."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 5000\r\nConnection: close\r\n\r\n" + b'{"a": "' + b"x" * 93)


def slow_drip(conn: socket.socket) -> None:
    """A body that arrives one byte every 50 ms, for ever (until the client leaves)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    for _ in range(400):
        conn.sendall(b"1\r\n \r\n")
        time.sleep(0.05)


def kept(connector: Any, result: FetchResult, institution: InstitutionSettings | None = None
         ) -> FetchResult:
    """``result`` as the pipeline keeps it: matched once against the institution's names (the
    alias in ``extra["matched_alias"]``), unmatched records dropped when the connector
    ``require_match``. The records are otherwise as the connector returned them."""
    matcher = Matcher.from_institution(institution or CURIO)
    extras = {m.external_id: m.extra for m in relevant(result.mentions, matcher, connector)}
    return replace(result, mentions=tuple(replace(m, extra=extras[m.external_id])
                                          for m in result.mentions if m.external_id in extras))
