"""Configured secrets never appear in an error text we store or print.

Every secret Signaleer reads (``SIGNALEER_*`` variables and ``*_file`` keys, through
:func:`monitor.configschema.read_secret`, and the database URL's password) is remembered here, and
:func:`redact` replaces each one with ``[redacted]``. It is applied at the error boundary: the
error a failed run stores (``connector_state`` / ``connector_runs``, shown in the digest), the run
summary lines, the CLI's one-line errors and every log line. A server that echoes a token back
in its error body (X does, on a 401) can then not get it into the database or the terminal.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote, unquote

__all__ = ["PLACEHOLDER", "RedactingFilter", "redact", "remember_secret"]

PLACEHOLDER = "[redacted]"
MIN_LENGTH = 4  # shorter values would redact ordinary words; such a secret is no secret
_secrets: set[str] = set()
_lock = threading.Lock()


def remember_secret(value: str | None) -> None:
    """From now on, redact ``value`` (and its URL-encoded form) wherever it shows up."""
    if not value or len(value) < MIN_LENGTH:
        return
    with _lock:
        _secrets.update({value, quote(value, safe=""), unquote(value)} - {""})


def redact(text: str) -> str:
    """``text`` with every remembered secret replaced by ``[redacted]`` (longest first)."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if len(secret) >= MIN_LENGTH and secret in text:
            text = text.replace(secret, PLACEHOLDER)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the formatted message (and drops the arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
