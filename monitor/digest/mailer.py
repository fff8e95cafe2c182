"""Building and sending email: multipart text + HTML over SMTP (STARTTLS, implicit TLS or plain).

``SmtpTransport.send`` either returns (the server accepted the message for at least one recipient)
or raises :class:`MailError` whose ``retriable`` says whether a later attempt may succeed:

* connection refused, time-outs, dropped connections, TLS errors, any 4xx reply: retriable;
* 5xx replies (550 mailbox unknown, 535 bad credentials, 554 rejected): not retriable;
* STARTTLS not offered by the server, or a password about to travel unencrypted to a non-loopback
  host: not retriable (a configuration problem).

The password is never logged and never part of an error message.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from monitor.config import SmtpSettings
from monitor.errors import MailError

log = logging.getLogger(__name__)
# said in the error when the connection was lost during DATA (see MailError.maybe_delivered)
MAYBE_DELIVERED = "lost during DATA: the server may have stored the message already"
_DOMAIN_CHARS = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One email to send. ``subject`` must already be a single line (see ``text.header_safe``)."""

    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str
    date: datetime
    language: str = "nl"
    headers: Mapping[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def send(self, message: Outgoing) -> dict[str, tuple[int, bytes]]:
        """Send; return the refused recipients (empty when all were accepted)."""
        ...


def message_id_domain(sender: str) -> str:
    """The domain for Message-IDs: the sender address's domain, else this host's name."""
    _, address = email.utils.parseaddr(sender)
    domain = address.rpartition("@")[2] if "@" in address else ""
    if not domain or domain == "localhost":
        domain = socket.gethostname() or "localhost"
    return _DOMAIN_CHARS.sub("-", domain).strip(".-").lower() or "localhost"


def make_message_id(kind: str, key: str, sender: str) -> str:
    """Deterministic: ``<digest-2026-03-02-mc@signaleer.example.nl>``, the same on every retry."""
    local = _DOMAIN_CHARS.sub("-", f"{kind}-{key}").strip("-").lower()
    return f"<{local}@signaleer.{message_id_domain(sender)}>"


def check_addresses(addresses: Sequence[str], what: str) -> tuple[str, ...]:
    """Plain ``user@host`` addresses; anything with CR/LF, commas or no '@' is refused."""
    result = []
    for raw in addresses:
        _, address = email.utils.parseaddr(raw)
        if (not address or "@" not in address or any(c in raw for c in "\r\n,;")
                or any(c.isspace() for c in address)):
            raise MailError(f"{what}: not a usable email address: {raw[:80]!r}", retriable=False)
        result.append(address)
    if not result:
        raise MailError(f"{what}: no recipients configured", retriable=False)
    return tuple(result)


def build_message(out: Outgoing) -> EmailMessage:
    """A multipart/alternative message (text first, HTML preferred) with safe headers."""
    msg = EmailMessage()
    msg["From"] = out.sender
    msg["To"] = ", ".join(out.recipients)
    msg["Subject"] = out.subject
    msg["Date"] = email.utils.format_datetime(out.date)
    msg["Message-ID"] = out.message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    msg["X-Auto-Response-Suppress"] = "All"
    for name, value in out.headers.items():
        msg[name] = value
    msg.set_content(out.text)
    msg.add_alternative(out.html, subtype="html")
    msg["Content-Language"] = out.language  # after the parts: set_content moves Content-* headers
    return msg


class SmtpTransport:
    """Sends one message per connection, with time-outs, TLS and optional AUTH."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._in_data = False  # the last send was inside DATA when it failed

    def send(self, message: Outgoing) -> dict[str, tuple[int, bytes]]:
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            return self._send(message)
        except MailError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailError(f"SMTP {where} refused every recipient: {_refusals(exc.recipients)}",
                            retriable=any(400 <= c < 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            raise MailError(f"SMTP {where} replied {exc.smtp_code} {text.strip()[:200]}",
                            retriable=not 500 <= exc.smtp_code < 600) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(f"SMTP {where}: {exc} (check smtp.security)", retriable=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            during = self._in_data
            raise MailError(f"SMTP {where}: {type(exc).__name__}: {exc}".rstrip(": ")
                            + (f" ({MAYBE_DELIVERED})" if during else ""),
                            retriable=True, maybe_delivered=during) from None

    def _send(self, message: Outgoing) -> dict[str, tuple[int, bytes]]:
        self._check_auth_policy()
        self._in_data = False
        smtp = self._connect()
        data = smtp.data

        def tracked_data(msg: Any) -> tuple[int, bytes]:
            self._in_data = True  # from here on, a lost connection leaves the outcome unknown
            reply = data(msg)
            self._in_data = False
            return reply

        smtp.data = tracked_data  # type: ignore[method-assign]
        try:
            self._login(smtp)
            refused = smtp.send_message(build_message(message), from_addr=message.sender,
                                        to_addrs=list(message.recipients))
        except BaseException:
            with suppress(Exception):
                smtp.close()
            raise
        with suppress(Exception):  # accepted already: a failing QUIT changes nothing
            smtp.quit()
        if refused:
            log.warning("SMTP server refused some recipients: %s", _refusals(refused))
        return dict(refused)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        local = socket.gethostname() or "localhost"
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, local_hostname=local, timeout=s.timeout,
                                    context=self._tls())
        smtp = smtplib.SMTP(s.host, s.port, local_hostname=local, timeout=s.timeout)
        if s.security == "starttls":
            try:
                smtp.ehlo()
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            except BaseException:
                with suppress(Exception):
                    smtp.close()
                raise
        return smtp

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _check_auth_policy(self) -> None:
        s = self.settings
        if s.username and s.security == "none" and not _is_loopback(s.host):
            raise MailError(f"smtp.username is set but smtp.security is 'none': refusing to send "
                            f"the password unencrypted to {s.host}", retriable=False)

    def _login(self, smtp: smtplib.SMTP) -> None:
        if self.settings.username:
            smtp.login(self.settings.username, self.settings.password or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr}: {code} {msg.decode('utf-8', 'replace')[:80]}"
                     for addr, (code, msg) in refused.items())
