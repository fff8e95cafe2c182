"""The audit log: who did what, when. Never personal data in ``details``."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from monitor.db import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str | None
    details: Mapping[str, Any] | None


def current_actor(explicit: str | None = None) -> str:
    """``--by`` if given, else the OS user."""
    if explicit and explicit.strip():
        return explicit.strip()[:128]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def record(conn: Connection, *, actor: str, action: str, target: str | None = None,
           details: Mapping[str, Any] | None = None, at: datetime) -> None:
    conn.execute(insert(audit_log).values(at=at, actor=actor, action=action, target=target,
                                          details=dict(details) if details else None))


def entries(conn: Connection, *, since: datetime | None = None, action: str | None = None,
            limit: int = 1000) -> list[AuditEntry]:
    a = audit_log.c
    stmt = select(audit_log).order_by(a.at.desc(), a.id.desc()).limit(limit)
    if since is not None:
        stmt = stmt.where(a.at >= since)
    if action:
        stmt = stmt.where(a.action == action)
    return [AuditEntry(r.at, r.actor, r.action, r.target, r.details) for r in conn.execute(stmt)]
