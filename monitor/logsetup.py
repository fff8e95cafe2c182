"""Logging to stderr, as text or JSON lines. Never log secrets.

Under systemd (stderr is the journal: ``$JOURNAL_STREAM`` names its device and inode) each line
starts with its syslog priority (``<4>`` for a warning), so ``journalctl -p warning`` finds the
warnings, and text lines carry no timestamp of their own (the journal stamps every line).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

from monitor.redaction import RedactingFilter

# logging level -> syslog priority, highest first (sd-daemon(3): <2> crit ... <7> debug)
_PRIORITIES = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4), (logging.INFO, 6))


def syslog_priority(levelno: int) -> int:
    """The syslog priority of a logging level: 4 for WARNING, 3 for ERROR, 7 below INFO."""
    return next((prio for level, prio in _PRIORITIES if levelno >= level), 7)


def stderr_is_journal() -> bool:
    """True where systemd connected stderr to the journal (``JOURNAL_STREAM`` = device:inode)."""
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return os.environ.get("JOURNAL_STREAM") == f"{st.st_dev}:{st.st_ino}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            payload.update(extra)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class JournalFormatter(logging.Formatter):
    """Another formatter's output with ``<N>`` before every line (a traceback's lines too, which
    the journal stores as entries of their own)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        prefix = f"<{syslog_priority(record.levelno)}>"
        return "\n".join(prefix + line for line in self.inner.format(record).splitlines())


def make_formatter(fmt: str = "text", *, journal: bool = False) -> logging.Formatter:
    """JSON lines or text; for the journal with priorities and (text) without a timestamp."""
    if fmt == "json":
        inner: logging.Formatter = JsonFormatter()
    elif journal:
        inner = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    else:
        inner = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    return JournalFormatter(inner) if journal else inner


def configure_logging(verbose: int = 0, fmt: str = "text", *, journal: bool | None = None) -> None:
    """Warnings only by default (one-shot commands print their own summary on stdout);
    ``-v`` adds the per-run summary lines, ``-vv`` debug. The daemon logs at INFO at least.
    ``journal``: format for the journal (default: when stderr is the journal)."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(make_formatter(fmt, journal=stderr_is_journal() if journal is None else journal))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
