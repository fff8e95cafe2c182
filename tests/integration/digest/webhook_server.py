"""A loopback server that receives chat webhooks, over plain HTTP or as an HTTPS proxy.

Mattermost's URL names its own host, so ``mmost://127.0.0.1:PORT/token`` posts straight here.
Slack and Teams Workflows post to fixed hosts (``hooks.slack.com``, ``*.logic.azure.com``) over
HTTPS: with ``HTTPS_PROXY`` pointing here, the client asks to ``CONNECT`` to that host, and this
server answers the TLS handshake itself with a certificate for that host from a test CA
(``REQUESTS_CA_BUNDLE``). Nothing leaves the machine, and the client code runs unchanged.
"""

from __future__ import annotations

import io
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme


@dataclass(frozen=True)
class Hook:
    host: str
    path: str
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _Writer(io.BufferedIOBase):
    """Writes straight to the TLS socket (as the server's own writer does to a plain one)."""

    def __init__(self, sock: ssl.SSLSocket) -> None:
        self.sock = sock

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sock.sendall(data)
        return len(data)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: WebhookServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_CONNECT(self) -> None:
        host = self.path.rsplit(":", 1)[0]
        self.send_response(200, "Connection established")
        self.end_headers()
        tls = self.server.context_for(host).wrap_socket(self.connection, server_side=True)
        self.connection, self.tunnel = tls, host
        self.rfile, self.wfile = tls.makefile("rb"), _Writer(tls)  # type: ignore[assignment]
        self.close_connection = False  # CONNECT came as HTTP/1.0; the tunnel stays open

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        host = getattr(self, "tunnel", None) or (self.headers.get("Host") or "").split(":")[0]
        status = self.server.record(Hook(host, self.path, body))
        time.sleep(self.server.delay)  # the service has the message; the sender does not know yet
        reply = b"ok" if status < 300 else b"no"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class WebhookServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ca: trustme.CA) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.ca = ca
        self.hooks: list[Hook] = []
        self.plan: list[int] = []  # statuses to answer, in order; then 200
        self.delay = 0.0  # seconds between receiving a message and answering
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def record(self, hook: Hook) -> int:
        with self._lock:
            self.hooks.append(hook)
            return self.plan.pop(0) if self.plan else 200

    def context_for(self, host: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(host).configure_cert(context)
        return context


@contextmanager
def webhook_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookServer]:
    """Serve on a free loopback port; HTTPS requests of this process go through it."""
    ca = trustme.CA()
    bundle = tmp_path / "webhook-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server = WebhookServer(ca)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
