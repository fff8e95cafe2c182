"""All SQL for the chat outbox: one row per (alert channel, message).

Life cycle (``chat_outbox.status``)::

    pending --claim (lease)--> claimed --about to hand over--> sending --accepted--> sent
       ^  ^                      |                               |  \\--refused, retries left--> pending
       |  '--lease ran out-------'                               |   \\--refused for good--> failed
       |                                                         '--lease ran out--> uncertain
       '-- held for quiet hours (due_at moves on)
    suppressed: over the channel's hourly cap; ``covered_by`` names the overflow summary.

``claimed`` means nothing was handed to the chat service yet, so an expired claim is simply
pending again. ``sending`` is written (and committed) just before the hand-over; a row still
``sending`` after its lease may have arrived or not, so it becomes ``uncertain`` and is never sent
again: a message goes out at most once per channel. Every state change is a compare-and-swap on the
state that was read, so two processes never both send a row. Rows hold ids only, no text: the
message is rendered from the mention or spike when it is sent, and goes when they go (cascade).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, func, not_, select, update
from sqlalchemy.orm import aliased

from monitor.db import chat_outbox, dialect_insert, digest_items, digests, mentions, spikes, verdicts

FAILED_STATES = ("failed", "uncertain")


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    channel: str
    kind: str  # mention | spike | overflow | weekly
    ref: str
    mention_id: int | None
    spike_id: int | None
    status: str
    created_at: datetime
    due_at: datetime
    attempts: int
    started_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    severity: str | None = None  # the mention's, for the quiet-hours rule
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A flagged mention no row of the channel covers yet."""

    mention_id: int
    severity: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChannelSummary:
    """One channel's messages created since some time: how many in each state, and the newest
    error of those that failed or may not have arrived."""

    channel: str
    counts: tuple[tuple[str, int], ...]
    last_error: str | None
    last_sent_at: datetime | None

    def count(self, status: str) -> int:
        return dict(self.counts).get(status, 0)

    @property
    def troubled(self) -> int:
        return sum(self.count(s) for s in FAILED_STATES)


_c = chat_outbox.c


def _row(r: Any) -> OutboxRow:
    return OutboxRow(id=r.id, channel=r.channel, kind=r.kind, ref=r.ref, mention_id=r.mention_id,
                     spike_id=r.spike_id, status=r.status, created_at=r.created_at,
                     due_at=r.due_at, attempts=r.attempts or 0, started_at=r.started_at,
                     sent_at=r.sent_at, last_error=r.last_error,
                     severity=getattr(r, "severity", None),
                     categories=tuple(getattr(r, "categories", None) or ()))


def _has_row(channel: str, kind: str, column: Any) -> Any:
    return exists().where(_c.channel == channel, _c.kind == kind, column)


def mention_candidates(conn: Connection, channel: str, severities: Sequence[str],
                       collected_since: datetime) -> list[Candidate]:
    """Flagged mentions of these severities, collected since then (and news then), that the
    channel has no row for and that are in no digest already sent, oldest first."""
    v, m = verdicts.c, mentions.c
    in_sent_digest = (exists().where(digest_items.c.mention_id == v.mention_id)
                      .where(digests.c.id == digest_items.c.digest_id, digests.c.status == "sent"))
    stmt = (select(v.mention_id, v.severity, v.categories).join(mentions, m.id == v.mention_id)
            .where(v.severity.in_(tuple(severities)), m.collected_at >= collected_since,
                   m.stale.is_(False), not_(in_sent_digest),
                   not_(_has_row(channel, "mention", _c.mention_id == v.mention_id)))
            .order_by(m.published_at, v.mention_id))
    return [Candidate(r.mention_id, r.severity, tuple(r.categories or ())) for r in conn.execute(stmt)]


def spike_candidates(conn: Connection, channel: str, detected_since: datetime) -> list[int]:
    """Spikes detected since then that the channel has no row for. An hour that continues a spike
    of the hour before is the same spike: it is not announced again."""
    s = spikes.c
    before = aliased(spikes)
    continues = exists().where(before.c.window_end == s.window_start)
    stmt = (select(s.id).where(s.detected_at >= detected_since, not_(continues),
                               not_(_has_row(channel, "spike", _c.spike_id == s.id)))
            .order_by(s.window_start))
    return list(conn.execute(stmt).scalars())


def enqueue(conn: Connection, channel: str, kind: str, ref: str, now: datetime, *,
            mention_id: int | None = None, spike_id: int | None = None,
            status: str = "pending") -> int | None:
    """Insert a row; None if the channel already has one for this message."""
    stmt = (dialect_insert(conn, chat_outbox)
            .values(channel=channel, kind=kind, ref=ref, mention_id=mention_id, spike_id=spike_id,
                    status=status, created_at=now, due_at=now, attempts=0)
            .on_conflict_do_nothing(index_elements=["channel", "kind", "ref"])
            .returning(_c.id))
    return conn.execute(stmt).scalar()


def expire_leases(conn: Connection, channel: str, now: datetime) -> tuple[int, list[OutboxRow]]:
    """An expired claim is pending again; an expired send is uncertain. Returns (requeued, the rows
    that became uncertain)."""
    requeued = conn.execute(update(chat_outbox)
                            .where(_c.channel == channel, _c.status == "claimed",
                                   _c.lease_until < now)
                            .values(status="pending", lease_until=None)).rowcount
    stuck = [_row(r) for r in conn.execute(
        select(chat_outbox).where(_c.channel == channel, _c.status == "sending",
                                  _c.lease_until < now))]
    for row in stuck:
        conn.execute(update(chat_outbox).where(_c.id == row.id, _c.status == "sending")
                     .values(status="uncertain", lease_until=None,
                             last_error="interrupted while sending; not sent again (at most once)"))
    return requeued, stuck


def due_rows(conn: Connection, channel: str, now: datetime) -> list[OutboxRow]:
    """Pending rows whose time has come, oldest first, with their mention's severity/categories."""
    v = verdicts.c
    stmt = (select(chat_outbox, v.severity, v.categories)
            .outerjoin(verdicts, v.mention_id == _c.mention_id)
            .where(_c.channel == channel, _c.status == "pending", _c.due_at <= now)
            .order_by(_c.created_at, _c.id))
    return [_row(r) for r in conn.execute(stmt)]


def hold(conn: Connection, row_id: int, until: datetime) -> None:
    conn.execute(update(chat_outbox).where(_c.id == row_id, _c.status == "pending")
                 .values(due_at=until))


def started_since(conn: Connection, channel: str, since: datetime) -> int:
    """Alerts (mentions and spikes) first handed to the channel's sender since then."""
    return conn.execute(select(func.count()).select_from(chat_outbox)
                        .where(_c.channel == channel, _c.kind.in_(("mention", "spike")),
                               _c.started_at >= since)).scalar_one()


def suppress(conn: Connection, row_id: int) -> bool:
    return conn.execute(update(chat_outbox).where(_c.id == row_id, _c.status == "pending")
                        .values(status="suppressed")).rowcount == 1


def claim(conn: Connection, row: OutboxRow, now: datetime, lease_until: datetime) -> bool:
    """Compare-and-swap: only the run that saw this row pending with these attempts claims it."""
    stmt = (update(chat_outbox)
            .where(_c.id == row.id, _c.status == "pending", _c.attempts == row.attempts)
            .values(status="claimed", attempts=_c.attempts + 1, lease_until=lease_until,
                    started_at=func.coalesce(_c.started_at, now)))
    return conn.execute(stmt).rowcount == 1


def begin_send(conn: Connection, row_id: int, attempts: int, lease_until: datetime) -> bool:
    """The last word before the hand-over: from here on the message may arrive. ``attempts`` is
    the claim's own count, so a claim that expired and was taken over elsewhere cannot send."""
    return conn.execute(update(chat_outbox)
                        .where(_c.id == row_id, _c.status == "claimed", _c.attempts == attempts)
                        .values(status="sending", lease_until=lease_until)).rowcount == 1


def finish(conn: Connection, row_id: int, status: str, now: datetime, *,
           error: str | None = None, due_at: datetime | None = None) -> None:
    values: dict[str, Any] = {"status": status, "lease_until": None,
                              "last_error": error[:1000] if error else None}
    if status == "sent":
        values["sent_at"] = now
    if due_at is not None:
        values["due_at"] = due_at
    conn.execute(update(chat_outbox).where(_c.id == row_id).values(**values))


def uncovered_suppressed(conn: Connection, channel: str) -> list[OutboxRow]:
    stmt = (select(chat_outbox).where(_c.channel == channel, _c.status == "suppressed",
                                      _c.covered_by.is_(None)).order_by(_c.created_at, _c.id))
    return [_row(r) for r in conn.execute(stmt)]


def last_overflow_at(conn: Connection, channel: str) -> datetime | None:
    return conn.execute(select(func.max(_c.created_at))
                        .where(_c.channel == channel, _c.kind == "overflow")).scalar()


def cover(conn: Connection, row_ids: Sequence[int], overflow_id: int) -> None:
    conn.execute(update(chat_outbox).where(_c.id.in_(list(row_ids)), _c.covered_by.is_(None))
                 .values(covered_by=overflow_id))


def covered_by(conn: Connection, overflow_id: int) -> list[OutboxRow]:
    stmt = select(chat_outbox).where(_c.covered_by == overflow_id).order_by(_c.created_at, _c.id)
    return [_row(r) for r in conn.execute(stmt)]


def get(conn: Connection, row_id: int) -> OutboxRow | None:
    found = conn.execute(select(chat_outbox).where(_c.id == row_id)).first()
    return _row(found) if found is not None else None


def channel_summaries(conn: Connection, since: datetime) -> list[ChannelSummary]:
    """Per channel with messages created since then: counts by state, newest error, last sent."""
    rows = conn.execute(select(_c.channel, _c.status, func.count().label("n"),
                               func.max(_c.sent_at).label("sent"))
                        .where(_c.created_at >= since).group_by(_c.channel, _c.status))
    counts: dict[str, dict[str, int]] = {}
    sent: dict[str, datetime | None] = {}
    for r in rows:
        counts.setdefault(r.channel, {})[r.status] = int(r.n)
        if r.status == "sent":
            sent[r.channel] = r.sent
    result = []
    for channel in sorted(counts):
        last = conn.execute(select(_c.last_error)
                            .where(_c.channel == channel, _c.created_at >= since,
                                   _c.status.in_(FAILED_STATES))
                            .order_by(_c.created_at.desc(), _c.id.desc()).limit(1)).scalar()
        result.append(ChannelSummary(channel, tuple(sorted(counts[channel].items())), last,
                                     sent.get(channel)))
    return result
