"""All SQL for digests, digest items, spikes, urgent alerts and source health.

Digest life cycle (``digests.status``)::

    pending --claim attempt--> sending --server accepted--> sent
       ^                          |  \\--permanent refusal (5xx)--> failed
       '----retriable error-------'
    skipped: an empty day with ``send_when_empty = false`` and every source healthy.

``sending`` is a lease: ``next_attempt_at`` then holds the time after which a crashed attempt may be
taken over. ``digest_items`` has a unique ``mention_id``, so a mention is linked to one digest only.

Alerts (``alerts.status``): ``sending`` -> ``sent`` | ``pending`` (retry) | ``failed``; or
``suppressed`` (over the hourly limit: the digest carries it). While an alert is ``sending`` its
``sent_at`` holds the time the attempt started (the lease); once ``sent``, the time it was accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, not_, or_, select, update

from monitor.db import (
    alerts,
    connector_runs,
    connector_state,
    dialect_insert,
    digest_items,
    digests,
    mentions,
    spikes,
    verdicts,
)
from monitor.models import Spike
from monitor.store.triage import is_open

FLAGGED_SEVERITIES = ("info", "attention", "urgent")
OPEN_SECTIONS = ("urgent", "attention")


@dataclass(frozen=True, slots=True)
class DigestRecord:
    id: int
    digest_date: date
    audience: str
    status: str
    message_id: str
    subject: str | None
    recipients: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    item_count: int = 0


@dataclass(frozen=True, slots=True)
class ConnectorStatus:
    name: str
    kind: str
    consecutive_failures: int
    last_success_at: datetime | None
    last_new_at: datetime | None
    first_run_at: datetime | None
    updated_at: datetime
    last_error: str | None
    last_status: int | None = None
    not_before: datetime | None = None  # rate-limited: the source asked to wait until then


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: int
    mention_id: int
    status: str
    message_id: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


# --- selection --------------------------------------------------------------------------------

def undigested_flagged_ids(conn: Connection, collected_before: datetime | None = None
                           ) -> list[int]:
    """Flagged mentions (info and up) that are in no digest yet and were news when collected
    (not stale), oldest first; with ``collected_before``, only those collected earlier."""
    v, m = verdicts.c, mentions.c
    in_digest = exists().where(digest_items.c.mention_id == v.mention_id)
    stmt = (select(v.mention_id).join(mentions, m.id == v.mention_id)
            .where(v.severity.in_(FLAGGED_SEVERITIES), not_(in_digest), m.stale.is_(False))
            .order_by(v.mention_id))
    if collected_before is not None:
        stmt = stmt.where(m.collected_at < collected_before)
    return list(conn.execute(stmt).scalars())


def digest_item_sections(conn: Connection, digest_id: int) -> dict[int, str]:
    rows = conn.execute(select(digest_items.c.mention_id, digest_items.c.section)
                        .where(digest_items.c.digest_id == digest_id)
                        .order_by(digest_items.c.mention_id))
    return {r.mention_id: r.section for r in rows}


def still_open(conn: Connection, before: date, audience: str,
               sent_before: datetime) -> list[tuple[int, date]]:
    """(mention id, digest date) of urgent/attention items from earlier digests, not closed.

    Earlier means: dated before ``before`` and either delivered before ``sent_before`` (so people
    have seen it) or failed for good (so they have not, and must not lose it).
    """
    di, d = digest_items.c, digests.c
    delivered = or_(and_(d.status == "sent", d.sent_at < sent_before), d.status == "failed")
    stmt = (select(di.mention_id, d.digest_date)
            .join(digests, d.id == di.digest_id)
            .where(d.digest_date < before, d.audience == audience, delivered,
                   di.section.in_(OPEN_SECTIONS), is_open(di.mention_id))
            .order_by(d.digest_date, di.mention_id))
    return [(r.mention_id, r.digest_date) for r in conn.execute(stmt)]


def previous_digest_at(conn: Connection, audience: str, before: datetime) -> datetime | None:
    """When the latest digest for ``audience`` created before ``before`` was created."""
    d = digests.c
    return conn.execute(select(func.max(d.created_at))
                        .where(d.audience == audience, d.created_at < before)).scalar()


def quiet_counts(conn: Connection, since: datetime | None, until: datetime | None
                 ) -> dict[str, int]:
    """Per source: mentions collected in ``[since, until)`` that no section lists (not flagged:
    no verdict, or severity none) and that were news (not stale). So every one is counted."""
    m, v = mentions.c, verdicts.c
    flagged = exists().where(v.mention_id == m.id, v.severity.in_(FLAGGED_SEVERITIES))
    stmt = (select(m.source, func.count()).where(m.stale.is_(False), not_(flagged))
            .group_by(m.source))
    if since is not None:
        stmt = stmt.where(m.collected_at >= since)
    if until is not None:
        stmt = stmt.where(m.collected_at < until)
    return {source: int(n) for source, n in conn.execute(stmt)}


def cluster_members(conn: Connection, cluster_ids: Iterable[int]) -> dict[int, tuple[int, tuple[str, ...]]]:
    """cluster id -> (number of mentions, their sources), over all stored mentions."""
    ids = sorted(set(cluster_ids))
    if not ids:
        return {}
    m = mentions.c
    rows = conn.execute(select(m.cluster_id, m.source, func.count().label("n"))
                        .where(m.cluster_id.in_(ids)).group_by(m.cluster_id, m.source)
                        .order_by(m.cluster_id, m.source))
    found: dict[int, tuple[int, tuple[str, ...]]] = {}
    for r in rows:
        size, sources = found.get(r.cluster_id, (0, ()))
        found[r.cluster_id] = (size + r.n, (*sources, r.source))
    return found


def _spike(row: Any) -> Spike:
    return Spike(id=row.id, window_start=row.window_start, window_end=row.window_end,
                 count=row.count, baseline=row.baseline,
                 top_terms=_counted(row.top_terms), sources=_counted(row.sources))


def _counted(pairs: Any) -> tuple[str, ...]:
    """Stored ``[["nieuws", 30], ...]`` as ``("nieuws (30)", ...)``; a bare word stays itself."""
    return tuple(f"{p[0]} ({p[1]})" if isinstance(p, list | tuple) and len(p) == 2 else str(p)
                 for p in pairs or ())


def spikes_for(conn: Connection, digest_id: int | None) -> list[Spike]:
    """Spikes linked to ``digest_id``; with None, the spikes not yet in any digest."""
    s = spikes.c
    cond = s.digest_id.is_(None) if digest_id is None else s.digest_id == digest_id
    return [_spike(r) for r in conn.execute(select(spikes).where(cond).order_by(s.window_start))]


def spikes_between(conn: Connection, start: datetime, end: datetime) -> list[Spike]:
    s = spikes.c
    return [_spike(r) for r in conn.execute(select(spikes).where(s.window_start >= start,
                                                                 s.window_start < end)
                                            .order_by(s.window_start))]


def spike_by_id(conn: Connection, spike_id: int) -> Spike | None:
    row = conn.execute(select(spikes).where(spikes.c.id == spike_id)).first()
    return _spike(row) if row is not None else None


def connector_statuses(conn: Connection) -> list[ConnectorStatus]:
    cs, cr = connector_state.c, connector_runs.c
    first_run = (select(func.min(cr.started_at)).where(cr.connector == cs.name)
                 .scalar_subquery().label("first_run_at"))
    rows = conn.execute(select(connector_state, first_run).order_by(cs.name))
    return [ConnectorStatus(name=r.name, kind=r.kind,
                            consecutive_failures=r.consecutive_failures or 0,
                            last_success_at=r.last_success_at, last_new_at=r.last_new_at,
                            first_run_at=r.first_run_at, updated_at=r.updated_at,
                            last_error=r.last_error, last_status=r.last_status,
                            not_before=r.not_before) for r in rows]


# --- digests -----------------------------------------------------------------------------------

def _digest(row: Any, item_count: int = 0) -> DigestRecord:
    return DigestRecord(
        id=row.id, digest_date=row.digest_date, audience=row.audience, status=row.status,
        message_id=row.message_id, subject=row.subject,
        recipients=tuple(row.recipients or ()), created_at=row.created_at, sent_at=row.sent_at,
        attempts=row.attempts or 0, next_attempt_at=row.next_attempt_at,
        last_error=row.last_error, item_count=item_count)


def find_digest(conn: Connection, digest_date: date, audience: str) -> DigestRecord | None:
    row = conn.execute(select(digests).where(digests.c.digest_date == digest_date,
                                             digests.c.audience == audience)).first()
    return _digest(row) if row else None


def get_digest(conn: Connection, digest_id: int) -> DigestRecord:
    return _digest(conn.execute(select(digests).where(digests.c.id == digest_id)).one())


def create_digest(conn: Connection, *, digest_date: date, audience: str, message_id: str,
                  recipients: Sequence[str], now: datetime, status: str = "pending"
                  ) -> DigestRecord | None:
    """Claim (date, audience). None when another run claimed it first."""
    stmt = (dialect_insert(conn, digests)
            .values(digest_date=digest_date, audience=audience, status=status,
                    message_id=message_id, recipients=list(recipients), created_at=now,
                    attempts=0)
            .on_conflict_do_nothing(index_elements=["digest_date", "audience"])
            .returning(digests.c.id))
    new_id = conn.execute(stmt).scalar()
    return get_digest(conn, new_id) if new_id is not None else None


def link_items(conn: Connection, digest_id: int, sections: Mapping[int, str]) -> None:
    """Link mentions to the digest; a mention already in another digest is left there."""
    if not sections:
        return
    rows = [{"digest_id": digest_id, "mention_id": mid, "section": sec}
            for mid, sec in sections.items()]
    conn.execute(dialect_insert(conn, digest_items).on_conflict_do_nothing(), rows)


def link_spikes(conn: Connection, digest_id: int, spike_ids: Sequence[int]) -> None:
    if spike_ids:
        conn.execute(update(spikes).where(spikes.c.id.in_(list(spike_ids)),
                                          spikes.c.digest_id.is_(None))
                     .values(digest_id=digest_id))


def set_subject(conn: Connection, digest_id: int, subject: str) -> None:
    conn.execute(update(digests).where(digests.c.id == digest_id).values(subject=subject))


def begin_attempt(conn: Connection, digest_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take the send lease if the digest is due (pending) or a crashed attempt's lease expired."""
    d = digests.c
    due = or_(d.next_attempt_at.is_(None), d.next_attempt_at <= now)
    stmt = (update(digests)
            .where(d.id == digest_id, d.status.in_(("pending", "sending")),
                   or_(and_(d.status == "pending", due),
                       and_(d.status == "sending", d.next_attempt_at <= now)))
            .values(status="sending", attempts=d.attempts + 1, next_attempt_at=lease_until))
    return conn.execute(stmt).rowcount == 1


def finish_sent(conn: Connection, digest_id: int, now: datetime, note: str | None = None) -> None:
    conn.execute(update(digests).where(digests.c.id == digest_id)
                 .values(status="sent", sent_at=now, next_attempt_at=None, last_error=note))


def finish_failed(conn: Connection, digest_id: int, error: str,
                  next_attempt_at: datetime | None) -> None:
    """Back to ``pending`` with a retry time; or ``failed`` when ``next_attempt_at`` is None."""
    status = "failed" if next_attempt_at is None else "pending"
    conn.execute(update(digests).where(digests.c.id == digest_id)
                 .values(status=status, next_attempt_at=next_attempt_at, last_error=error[:1000]))


def due_digests(conn: Connection, audience: str, now: datetime) -> list[DigestRecord]:
    """Digests to (re)try now: pending and due, or sending with an expired lease; oldest first."""
    d = digests.c
    stmt = (select(digests)
            .where(d.audience == audience, d.status.in_(("pending", "sending")),
                   or_(and_(d.status == "pending", or_(d.next_attempt_at.is_(None),
                                                        d.next_attempt_at <= now)),
                       and_(d.status == "sending", d.next_attempt_at <= now)))
            .order_by(d.digest_date))
    return [_digest(r) for r in conn.execute(stmt)]


def list_digests(conn: Connection, limit: int = 30) -> list[DigestRecord]:
    counts = (select(digest_items.c.digest_id, func.count().label("n"))
              .group_by(digest_items.c.digest_id).subquery())
    stmt = (select(digests, counts.c.n).outerjoin(counts, counts.c.digest_id == digests.c.id)
            .order_by(digests.c.digest_date.desc(), digests.c.audience).limit(limit))
    return [_digest(r, r.n or 0) for r in conn.execute(stmt)]


# --- alerts ------------------------------------------------------------------------------------

def _alert(row: Any) -> AlertRecord:
    return AlertRecord(id=row.id, mention_id=row.mention_id, status=row.status,
                       message_id=row.message_id, created_at=row.created_at,
                       sent_at=row.sent_at, attempts=row.attempts or 0,
                       last_error=row.last_error)


def urgent_without_alert(conn: Connection, collected_since: datetime) -> list[int]:
    """Urgent mentions collected since then (and news then: not stale) that have no alert row and
    are in no sent digest."""
    v, m = verdicts.c, mentions.c
    has_alert = exists().where(alerts.c.mention_id == v.mention_id)
    in_sent_digest = (exists().where(digest_items.c.mention_id == v.mention_id)
                      .where(digests.c.id == digest_items.c.digest_id, digests.c.status == "sent"))
    stmt = (select(v.mention_id).join(mentions, m.id == v.mention_id)
            .where(v.severity == "urgent", m.collected_at >= collected_since,
                   m.stale.is_(False), not_(has_alert), not_(in_sent_digest))
            .order_by(m.published_at, v.mention_id))
    return list(conn.execute(stmt).scalars())


def alerts_started_since(conn: Connection, since: datetime) -> int:
    """Alert emails started in the window (each alert counts once, however many retries)."""
    a = alerts.c
    return conn.execute(select(func.count()).select_from(alerts)
                        .where(a.created_at >= since, a.status != "suppressed")).scalar_one()


def create_alert(conn: Connection, mention_id: int, *, status: str, message_id: str,
                 now: datetime) -> AlertRecord | None:
    """Insert the alert row (``sending`` claims it). None if the mention already has one."""
    sending = status == "sending"
    stmt = (dialect_insert(conn, alerts)
            .values(mention_id=mention_id, status=status, message_id=message_id, created_at=now,
                    sent_at=now if sending else None, attempts=1 if sending else 0)
            .on_conflict_do_nothing(index_elements=["mention_id"]).returning(alerts.c.id))
    new_id = conn.execute(stmt).scalar()
    if new_id is None:
        return None
    return _alert(conn.execute(select(alerts).where(alerts.c.id == new_id)).one())


def retryable_alerts(conn: Connection, *, created_since: datetime,
                     lease_expired_before: datetime) -> list[AlertRecord]:
    a = alerts.c
    stmt = (select(alerts).where(a.created_at >= created_since,
                                 or_(a.status == "pending",
                                     and_(a.status == "sending",
                                          a.sent_at <= lease_expired_before)))
            .order_by(a.created_at, a.id))
    return [_alert(r) for r in conn.execute(stmt)]


def begin_alert_attempt(conn: Connection, alert: AlertRecord, now: datetime) -> bool:
    """Compare-and-swap: only the run that saw this exact state may start the attempt."""
    a = alerts.c
    stmt = (update(alerts).where(a.id == alert.id, a.status == alert.status,
                                 a.attempts == alert.attempts)
            .values(status="sending", attempts=a.attempts + 1, sent_at=now))
    return conn.execute(stmt).rowcount == 1


def finish_alert(conn: Connection, alert_id: int, status: str, now: datetime | None,
                 error: str | None = None) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id)
                 .values(status=status, sent_at=now if status == "sent" else None,
                         last_error=error[:1000] if error else None))


def make_due(conn: Connection, digest_id: int) -> bool:
    """An operator's explicit retry: pending/failed/skipped become pending and due now."""
    stmt = (update(digests)
            .where(digests.c.id == digest_id,
                   digests.c.status.in_(("pending", "failed", "skipped")))
            .values(status="pending", next_attempt_at=None))
    return conn.execute(stmt).rowcount == 1
