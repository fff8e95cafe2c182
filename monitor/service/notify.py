"""The systemd notify protocol (``sd_notify``), on a plain unix datagram socket.

``$NOTIFY_SOCKET`` names the socket; a leading ``@`` means a Linux abstract socket. Without it every
call is a cheap no-op, so the same code runs under systemd, cron and in tests. ``$WATCHDOG_USEC``
(and ``$WATCHDOG_PID``, when set, must be ours) asks for ``WATCHDOG=1`` at least that often.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping

log = logging.getLogger("monitor.service")


class Notifier:
    """Sends ``KEY=value`` lines to the service manager. Never raises."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = _address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds = _watchdog_seconds(env)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, **fields: str | int) -> bool:
        """``send(READY=1, STATUS="collecting")``; True if the message went out."""
        if self.address is None or not fields:
            return False
        payload = "\n".join(f"{k}={_one_line(v)}" for k, v in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(payload, self.address)
        except OSError as exc:
            log.debug("sd_notify failed: %s", exc)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send(READY=1, **({"STATUS": status} if status else {}))

    def stopping(self, status: str = "") -> bool:
        return self.send(STOPPING=1, **({"STATUS": status} if status else {}))

    def status(self, text: str) -> bool:
        return self.send(STATUS=text)

    def watchdog(self) -> bool:
        return self.send(WATCHDOG=1) if self.watchdog_seconds else False

    def reloading(self) -> bool:
        """``RELOADING=1`` with the ``CLOCK_MONOTONIC`` time it started (``MONOTONIC_USEC``), which
        ``Type=notify-reload`` requires and ``Type=notify`` accepts; ``READY=1`` ends the reload."""
        return self.send(RELOADING=1, MONOTONIC_USEC=monotonic_usec())


def monotonic_usec() -> int:
    """Microseconds on ``CLOCK_MONOTONIC``, the clock systemd compares ``MONOTONIC_USEC`` with."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def _address(raw: str) -> str | bytes | None:
    if not raw:
        return None
    if raw.startswith("@"):
        return b"\0" + raw[1:].encode()
    if raw.startswith("/"):
        return raw
    log.debug("ignoring NOTIFY_SOCKET %r: not an absolute path or abstract name", raw)
    return None


def _watchdog_seconds(env: Mapping[str, str]) -> float | None:
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None
    return int(usec) / 1_000_000


def _one_line(value: str | int) -> str:
    return str(value).replace("\n", " ")
