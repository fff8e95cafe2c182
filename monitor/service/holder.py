"""What both lock backends share: the advisory-lock key and who holds the lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

LOCK_NAME = "signaleer"


def lock_key(schema: str | None = None) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``: from "signaleer" (schema public)."""
    name = LOCK_NAME if schema in (None, "", "public") else f"{LOCK_NAME}:{schema}"
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds the lock, as far as we can tell (for messages and ``status``)."""

    purpose: str
    host: str
    pid: int | None
    since: str | None

    def describe(self) -> str:
        pid = f" pid {self.pid}" if self.pid else ""
        since = f" since {self.since}" if self.since else ""
        return f"{self.purpose} on {self.host}{pid}{since}"
