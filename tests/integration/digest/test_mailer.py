"""The SMTP transport against aiosmtpd on loopback: STARTTLS, implicit TLS, AUTH, error classes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from monitor.config import SmtpSettings
from monitor.digest.mailer import Outgoing, SmtpTransport, build_message, check_addresses, make_message_id
from monitor.errors import MailError
from tests.integration.digest.smtp_server import (
    authenticator,
    free_port,
    server_tls_context,
    smtp_server,
)

PASSWORD = "s3cret-Pa55word"


def _message(**overrides: object) -> Outgoing:
    fields: dict[str, object] = {
        "sender": "signaleer@curio.example", "recipients": ("mc@curio.example",),
        "subject": "Test", "text": "tekst", "html": "<p>html</p>",
        "message_id": "<t-1@signaleer.curio.example>",
        "date": datetime(2026, 3, 2, 8, tzinfo=UTC)}
    fields.update(overrides)
    return Outgoing(**fields)  # type: ignore[arg-type]


@pytest.fixture
def ca(tmp_path: Path) -> tuple[trustme.CA, str]:
    authority = trustme.CA()
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, str(path)


def _starttls_server(authority: trustme.CA):  # type: ignore[no-untyped-def]
    return smtp_server(tls_context=server_tls_context(authority), require_starttls=True,
                       auth_require_tls=True, auth_required=True,
                       authenticator=authenticator("signaleer", PASSWORD))


def test_starttls_with_private_ca_and_auth(ca: tuple[trustme.CA, str]) -> None:
    authority, ca_file = ca
    with _starttls_server(authority) as (server, port):
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="starttls",
                                   username="signaleer", password=PASSWORD, timeout=5,
                                   ca_file=ca_file)).send(_message())
    assert len(server.received) == 1


def test_wrong_password_is_permanent_and_never_shown(ca: tuple[trustme.CA, str],
                                                     caplog: pytest.LogCaptureFixture) -> None:
    authority, ca_file = ca
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-Pa55word"
    with _starttls_server(authority) as (server, port):
        transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, username="signaleer",
                                               password=wrong, timeout=5, ca_file=ca_file))
        with pytest.raises(MailError) as err:
            transport.send(_message())
    assert not err.value.retriable and "535" in str(err.value)
    assert wrong not in str(err.value) and wrong not in caplog.text
    assert wrong not in repr(transport.settings)
    assert server.received == []


def test_untrusted_certificate_is_refused(ca: tuple[trustme.CA, str]) -> None:
    authority, _ = ca
    with _starttls_server(authority) as (server, port), \
            pytest.raises(MailError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, timeout=5)).send(_message())
    assert server.received == []


def test_implicit_tls(ca: tuple[trustme.CA, str]) -> None:
    authority, ca_file = ca
    with smtp_server(ssl_context=server_tls_context(authority)) as (server, port):
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="tls", timeout=5,
                                   ca_file=ca_file)).send(_message())
    assert len(server.received) == 1


def test_connection_refused_is_retriable() -> None:
    with pytest.raises(MailError) as err:
        SmtpTransport(SmtpSettings(host="127.0.0.1", port=free_port(), security="none",
                                   timeout=5)).send(_message())
    assert err.value.retriable and "127.0.0.1" in str(err.value)


def test_password_is_not_sent_in_clear_to_a_remote_host() -> None:
    transport = SmtpTransport(SmtpSettings(host="mail.curio.example", security="none",
                                           username="u", password=PASSWORD))
    with pytest.raises(MailError, match="unencrypted") as err:
        transport.send(_message())
    assert not err.value.retriable


def test_header_injection_is_impossible() -> None:
    with pytest.raises(MailError):
        check_addresses(["mc@curio.example\r\nBcc: evil@example.com"], "digest.recipients")
    with pytest.raises(ValueError):
        build_message(_message(subject="hi\r\nBcc: evil@example.com"))


def test_message_id_is_deterministic() -> None:
    assert make_message_id("digest", "2026-03-02-mc", "Signaleer <signaleer@curio.nl>") == \
        "<digest-2026-03-02-mc@signaleer.curio.nl>"
    local = make_message_id("alert", "17", "signaleer@localhost")
    assert local.startswith("<alert-17@signaleer.") and "localhost" not in local.split("@")[0]
