"""Health and size queries for ``signaleer status`` and the daemon: runs, counts, database size."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, and_, func, select, text

from monitor.db import connector_runs, mentions, sqlite_path, verdicts
from monitor.models import Severity
from monitor.store.triage import is_open

FLAGGED = (Severity.INFO.value, Severity.ATTENTION.value, Severity.URGENT.value)


def run_bounds(conn: Connection) -> dict[str, tuple[datetime | None, datetime | None]]:
    """``connector -> (first run start, latest run start)`` from ``connector_runs``."""
    c = connector_runs.c
    rows = conn.execute(select(c.connector, func.min(c.started_at), func.max(c.started_at))
                        .group_by(c.connector))
    return {name: (_aware(first), _aware(last)) for name, first, last in rows}


def last_run_times(conn: Connection) -> dict[str, datetime]:
    """The start of each connector's latest run."""
    return {name: last for name, (_first, last) in run_bounds(conn).items() if last is not None}


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def mention_counts(conn: Connection) -> Mapping[str, int]:
    """Mentions in all, flagged ones, and flagged ones still open (the one meaning of "open")."""
    v = verdicts.c
    flagged = v.severity.in_(FLAGGED)
    open_ = and_(flagged, is_open(v.mention_id))
    total = conn.execute(select(func.count()).select_from(mentions)).scalar_one()
    n_flagged = conn.execute(select(func.count()).select_from(verdicts).where(flagged)).scalar_one()
    n_open = conn.execute(select(func.count()).select_from(verdicts).where(open_)).scalar_one()
    return {"mentions": int(total), "flagged": int(n_flagged), "open": int(n_open)}


def database_size(conn: Connection, url: str) -> int | None:
    """SQLite: the file plus its WAL; PostgreSQL: every table of the schema with indexes/TOAST."""
    if conn.dialect.name == "sqlite":
        path = sqlite_path(url)
        if path is None:
            return None
        return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
    if conn.dialect.name == "postgresql":
        value = conn.execute(text(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'm') AND n.nspname = current_schema()")).scalar_one()
        return int(value)
    return None
