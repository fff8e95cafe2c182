"""``signaleer status``: what runs, what ran, what it found, and how big the database is.

A read-only snapshot (:class:`StatusReport`) built from ``connector_state``, ``connector_runs``,
``digests``, ``verdicts`` and ``triage``. Health follows the digest's rule: a source is healthy only
if it runs *and* produces something within ``digest.silent_after_hours``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from monitor.config import ConnectorSettings, Settings, next_collect_at
from monitor.service.lock import current_holder
from monitor.store import Store, safe_url
from monitor.store.chat_outbox import channel_summaries
from monitor.store.digests import list_digests
from monitor.store.health import database_size, mention_counts, run_bounds
from monitor.store.state import SourceHealth, all_states, items_since

CHANNEL_DAYS = 7


@dataclass(frozen=True, slots=True)
class ConnectorLine:
    name: str
    kind: str
    enabled: bool
    every_s: int
    health: str  # ok | failing | failed-<n>x | rate-limited | silent | never-ran | disabled
    last_success: datetime | None
    last_failure: datetime | None
    last_run: datetime | None
    next_run: datetime | None
    items_today: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DigestLine:
    digest_date: date
    status: str
    sent_at: datetime | None
    attempts: int
    items: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DatabaseLine:
    url: str
    dialect: str
    size_bytes: int | None
    mentions: int
    flagged: int
    open: int


@dataclass(frozen=True, slots=True)
class ChannelLine:
    """An alert channel over the last ``CHANNEL_DAYS`` days: messages sent, waiting (pending,
    held or being sent), failed for good, and uncertain (interrupted mid-send, not repeated)."""

    name: str
    sent: int
    waiting: int
    suppressed: int
    failed: int
    uncertain: int
    last_sent: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class StatusReport:
    generated_at: datetime
    timezone: str
    instance: str | None  # who holds the instance lock, if anyone
    connectors: tuple[ConnectorLine, ...]
    digest: DigestLine | None
    database: DatabaseLine
    channels: tuple[ChannelLine, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def build_status(settings: Settings, store: Store, now: datetime | None = None) -> StatusReport:
    now = now or datetime.now(UTC)
    holder = current_holder(settings.database.url)
    with store.reading() as conn:
        lines = connector_lines(conn, settings, now)
        digest = latest_digest(conn)
        database = database_line(conn, settings.database.url)
        channels = channel_lines(conn, settings, now)
    return StatusReport(now, settings.institution.timezone, holder.describe() if holder else None,
                        lines, digest, database, channels)


def channel_lines(conn: Connection, settings: Settings, now: datetime) -> tuple[ChannelLine, ...]:
    found = {s.channel: s for s in channel_summaries(conn, now - timedelta(days=CHANNEL_DAYS))}
    lines = []
    for channel in settings.alerts.channels:
        summary = found.get(channel.name)
        n = Counter(dict(summary.counts) if summary else {})
        lines.append(ChannelLine(
            name=channel.name, sent=n["sent"], waiting=n["pending"] + n["claimed"] + n["sending"],
            suppressed=n["suppressed"], failed=n["failed"], uncertain=n["uncertain"],
            last_sent=summary.last_sent_at if summary else None,
            last_error=summary.last_error if summary else None))
    return tuple(lines)


def start_of_today(settings: Settings, now: datetime) -> datetime:
    local = now.astimezone(settings.institution.tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def connector_lines(conn: Connection, settings: Settings, now: datetime) -> tuple[ConnectorLine, ...]:
    states = {s.name: s for s in all_states(conn)}
    today = items_since(conn, start_of_today(settings, now))
    runs = run_bounds(conn)
    return tuple(_line(c, states.get(c.name), runs.get(c.name, (None, None)), today.get(c.name, 0),
                       settings, now) for c in settings.connectors)


def _line(conf: ConnectorSettings, state: SourceHealth | None,
          runs: tuple[datetime | None, datetime | None], items_today: int, settings: Settings,
          now: datetime) -> ConnectorLine:
    first_run, last_run = runs
    return ConnectorLine(
        name=conf.name, kind=conf.kind, enabled=conf.enabled, every_s=conf.every,
        health=health(conf, state, first_run, settings, now),
        last_success=state.last_success_at if state else None,
        last_failure=state.last_failure_at if state else None,
        last_run=last_run,
        next_run=next_collect_at(last_run, conf.every, now) if conf.enabled else None,
        items_today=items_today, last_error=state.last_error if state else None)


def health(conf: ConnectorSettings, state: SourceHealth | None, first_run: datetime | None,
           settings: Settings, now: datetime) -> str:
    if not conf.enabled:
        return "disabled"
    if state is None:
        return "never-ran"
    if state.consecutive_failures >= settings.digest.failing_after_runs:
        return "failing"
    if state.not_before and state.not_before > now:
        return "rate-limited"
    if state.consecutive_failures:
        return f"failed-{state.consecutive_failures}x"
    since = state.last_new_at or first_run or state.last_success_at
    if since is not None and since <= now - timedelta(hours=settings.digest.silent_after_hours):
        return "silent"
    return "ok"


def latest_digest(conn: Connection) -> DigestLine | None:
    found = list_digests(conn, limit=1)
    if not found:
        return None
    r = found[0]
    return DigestLine(r.digest_date, r.status, r.sent_at, r.attempts, r.item_count, r.last_error)


def database_line(conn: Connection, url: str) -> DatabaseLine:
    counts = mention_counts(conn)
    return DatabaseLine(url=safe_url(url), dialect=conn.dialect.name,
                        size_bytes=database_size(conn, url), **counts)
