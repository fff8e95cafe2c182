"""A real SMTP server on loopback (aiosmtpd in a thread) that records and misbehaves on request."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None
        return body.get_content()


@dataclass
class Recorder:
    """Handler: ``plan`` is consumed one entry per DATA: None (accept), an SMTP reply such as
    "451 4.3.0 try later", or "drop" (close the connection without answering)."""

    received: list[Received] = field(default_factory=list)
    plan: list[str | None] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    data_attempts: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_attempts += 1
        action = self.plan.pop(0) if self.plan else None
        if action == "drop":
            server.transport.abort()
            return "250 never seen"
        if action:
            return action
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
        return "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == user.encode() \
            and data.password == password.encode()
        return AuthResult(success=ok, handled=False)
    return check


@contextmanager
def smtp_server(handler: Recorder | None = None, port: int | None = None,
                **kwargs: Any) -> Iterator[tuple[Recorder, int]]:
    handler = handler or Recorder()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def server_tls_context(ca: Any) -> ssl.SSLContext:
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context
