"""Connector state (cursor, health) and the record of every run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from monitor.db import connector_runs, connector_state


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """What storage knows about one connector."""

    name: str
    kind: str
    cursor: Mapping[str, str] | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_new_at: datetime | None
    consecutive_failures: int
    last_status: int | None
    last_error: str | None
    not_before: datetime | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    connector: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    http_status: int | None = None
    fetched: int = 0
    new: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None


def _health(row: object) -> SourceHealth:
    return SourceHealth(**{f: getattr(row, f) for f in SourceHealth.__dataclass_fields__})


def get_state(conn: Connection, name: str) -> SourceHealth | None:
    row = conn.execute(select(connector_state).where(connector_state.c.name == name)).first()
    return _health(row) if row else None


def all_states(conn: Connection) -> list[SourceHealth]:
    rows = conn.execute(select(connector_state).order_by(connector_state.c.name))
    return [_health(r) for r in rows]


def _ensure(conn: Connection, name: str, kind: str, now: datetime) -> None:
    exists = conn.execute(select(connector_state.c.name).where(connector_state.c.name == name)).first()
    if not exists:
        conn.execute(insert(connector_state).values(name=name, kind=kind, consecutive_failures=0,
                                                    updated_at=now))


def save_success(conn: Connection, name: str, kind: str, *, cursor: Mapping[str, str] | None,
                 status: int | None, new: int, now: datetime) -> None:
    """The run worked: store its cursor (same transaction as its rows) and reset the failures.
    One UPDATE when the connector has run before (the usual case), else one INSERT."""
    values: dict[str, object] = {
        "kind": kind, "last_success_at": now, "consecutive_failures": 0, "last_status": status,
        "last_error": None, "not_before": None, "updated_at": now,
    }
    if cursor is not None:
        values["cursor"] = dict(cursor)
    if new:
        values["last_new_at"] = now
    done = conn.execute(update(connector_state).where(connector_state.c.name == name)
                        .values(**values))
    if done.rowcount == 0:
        conn.execute(insert(connector_state).values(name=name, **values))


def save_failure(conn: Connection, name: str, kind: str, *, status: int | None, error: str,
                 not_before: datetime | None, now: datetime) -> None:
    """The run failed: count it; keep the cursor as it was."""
    _ensure(conn, name, kind, now)
    conn.execute(update(connector_state).where(connector_state.c.name == name).values(
        kind=kind, last_failure_at=now, last_status=status, last_error=error[:2000],
        consecutive_failures=connector_state.c.consecutive_failures + 1,
        not_before=not_before, updated_at=now))


def record_run(conn: Connection, run: RunRecord) -> None:
    conn.execute(insert(connector_runs).values(
        connector=run.connector, started_at=run.started_at, finished_at=run.finished_at,
        ok=run.ok, http_status=run.http_status, fetched=run.fetched, new=run.new,
        warnings=list(run.warnings) or None, error=run.error))


def items_since(conn: Connection, since: datetime) -> dict[str, int]:
    """New items per connector since ``since`` (for ``status``)."""
    c = connector_runs.c
    rows = conn.execute(select(c.connector, func.sum(c.new)).where(c.started_at >= since)
                        .group_by(c.connector))
    return {name: int(total or 0) for name, total in rows}
