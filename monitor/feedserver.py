"""Serve a directory of feed files on 127.0.0.1, with ETag / Last-Modified / 304 support.

For the demo, the benchmarks and tests: point an ``rss`` connector's ``url`` (or a preset's
``base_url``) at it and the whole collect path runs without the internet::

    with FeedServer(Path("monitor/demo_data/feeds")) as server:
        url = server.url("curio-nieuws.xml")

Only files directly inside (or below) the directory are served; ``..`` and absolute paths are
refused. Query strings are ignored except for presets, whose paths are mapped to files: see
:attr:`FeedServer.routes`.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["FeedServer"]

_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html",
    ".txt": "text/plain",
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        self.server.hits.append(self.path)
        path = self.server.resolve(self.path)
        if path is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", {"Content-Type": "text/plain"}, head)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = email.utils.formatdate(int(path.stat().st_mtime), usegmt=True)
        headers = {
            "Content-Type": _TYPES.get(path.suffix.lower(), "application/octet-stream"),
            "ETag": etag,
            "Last-Modified": modified,
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, path.stat().st_mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", headers, head=True)
            return
        self._send(HTTPStatus.OK, body, headers, head)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                parsed = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return int(mtime) <= parsed.timestamp()
        return False

    def _send(self, status: HTTPStatus, body: bytes, headers: Mapping[str, str],
              head: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connections: the client then waits 1 s

    def __init__(self, root: Path, routes: Mapping[str, str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.routes = dict(routes)
        self.hits: list[str] = []

    def resolve(self, raw_path: str) -> Path | None:
        parts = urlsplit(raw_path)
        target = self.routes.get(parts.path) or self.routes.get(raw_path)
        if target is None and parts.query:
            target = self.routes.get(f"{parts.path}?{parts.query}")
        relative = target or unquote(parts.path).lstrip("/")
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate


class FeedServer:
    """A background HTTP server for ``root``. Use as a context manager, or start()/stop()."""

    def __init__(self, root: Path | str, routes: Mapping[str, str] | None = None) -> None:
        """``routes`` maps a URL path (optionally with query) to a file name under ``root``,
        e.g. ``{"/rss/search": "google-news.xml", "/feeds/videos.xml": "youtube.xml"}``."""
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"feed directory not found: {self.root}")
        self._server = _Server(self.root, routes or {})
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name.lstrip('/')}"

    @property
    def hits(self) -> list[str]:
        """Request paths served so far, in order (for tests and benchmarks)."""
        return list(self._server.hits)

    def start(self) -> FeedServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                name="signaleer-feedserver", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
