"""Chat alerts: route urgent mentions and spikes to the configured channels, at most once each.

After each collect (and with ``signaleer alerts send``), for every channel in turn:

1. leases that ran out are settled: a claim that never reached the hand-over is pending again; a
   message that was being handed over when its sender died is ``uncertain`` and is not sent again;
2. each mention or spike the channel wants and has no row for gets a ``pending`` row;
3. each due row is held until the quiet hours end (unless it is an urgent crisis or threat),
   ``suppressed`` when the channel's hourly cap is used up, or claimed, rendered and handed to
   Apprise — ``sending`` being committed just before — and then marked ``sent``, or ``pending``
   again with back-off (``failed`` after the last attempt);
4. suppressed rows not yet summarised get one overflow summary per channel per hour.

So a message reaches a channel at most once, even if the process is killed mid-send; one that may
not have arrived is shown as such in ``status`` and in the digest's health section, and the digest
lists every urgent mention anyway. See :mod:`monitor.store.chat_outbox` for the states.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monitor.config import Settings
from monitor.config.alerts import ChannelSettings
from monitor.digest import chat_compose
from monitor.digest.chat_message import ChatMessage, ChatTransport
from monitor.digest.chat_policy import always_through, quiet_until, severities_for, wants
from monitor.digest.delivery import retry_delay
from monitor.errors import ChatError
from monitor.store import Store
from monitor.store import chat_outbox as db

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MAX_AGE = timedelta(hours=24)  # older news is not worth a chat message; the digest has it
MAX_ATTEMPTS = 5
RATE_WINDOW = timedelta(hours=1)
CAPPED = ("mention", "spike")  # overflow summaries and the weekly post do not use up the cap


@dataclass(frozen=True, slots=True)
class ChannelReport:
    """What happened on one channel in one pass: counts by outcome, and the errors."""

    channel: str
    counts: tuple[tuple[str, int], ...] = ()
    errors: tuple[str, ...] = ()

    def count(self, outcome: str) -> int:
        return dict(self.counts).get(outcome, 0)


def send_chat_alerts(store: Store, settings: Settings, now: datetime, *,
                     transport: ChatTransport | None = None) -> tuple[ChannelReport, ...]:
    """The after-collect hook: one pass over every configured channel."""
    if not settings.alerts.channels:
        return ()
    if transport is None:  # Apprise is loaded only where channels are configured
        from monitor.digest.channels import AppriseTransport

        transport = AppriseTransport()
    reports = []
    for channel in settings.alerts.channels:
        counts: Counter[str] = Counter()
        errors: list[str] = []
        try:
            _channel_pass(store, settings, channel, now, transport, counts, errors)
        except ChatError as exc:  # rendering or a transport that gives up on the channel
            errors.append(str(exc))
        reports.append(ChannelReport(channel.name, tuple(sorted(counts.items())), tuple(errors)))
    return tuple(reports)


def _channel_pass(store: Store, settings: Settings, channel: ChannelSettings, now: datetime,
                  transport: ChatTransport, counts: Counter[str], errors: list[str]) -> None:
    with store.transaction() as conn:
        _, stuck = db.expire_leases(conn, channel.name, now)
        _enqueue(conn, channel, now)
    for row in stuck:
        counts["uncertain"] += 1
        log.warning("chat message %d to %s was interrupted while sending; it may not have "
                    "arrived and is not sent again", row.id, channel.name)
    quiet_end = quiet_until(channel, now, settings.institution.tz)
    with store.reading() as conn:
        due = db.due_rows(conn, channel.name, now)
    for row in due:
        counts[_one(store, settings, channel, row, now, transport, quiet_end, errors)] += 1
    overflow = _overflow(store, channel, now)
    if overflow is not None:
        counts["summary-" + _one(store, settings, channel, overflow, now, transport, quiet_end,
                                 errors)] += 1


def _enqueue(conn: Connection, channel: ChannelSettings, now: datetime) -> None:
    for found in db.mention_candidates(conn, channel.name, severities_for(channel), now - MAX_AGE):
        if wants(channel, found.severity, found.categories):
            db.enqueue(conn, channel.name, "mention", str(found.mention_id), now,
                       mention_id=found.mention_id)
    if channel.spikes:
        for spike_id in db.spike_candidates(conn, channel.name, now - MAX_AGE):
            db.enqueue(conn, channel.name, "spike", str(spike_id), now, spike_id=spike_id)


def _one(store: Store, settings: Settings, channel: ChannelSettings, row: db.OutboxRow,
         now: datetime, transport: ChatTransport, quiet_end: datetime | None,
         errors: list[str]) -> str:
    """Hold, suppress, expire or send one due row; returns what happened."""
    if quiet_end is not None and not always_through(row.severity, row.categories):
        with store.transaction() as conn:
            db.hold(conn, row.id, quiet_end)
        return "held"
    with store.transaction() as conn:
        if now - row.created_at > MAX_AGE:
            db.finish(conn, row.id, "failed", now, error="too old to alert; the digest has it")
            return "expired"
        first = row.started_at is None and row.kind in CAPPED
        if first and db.started_since(conn, channel.name, now - RATE_WINDOW) >= channel.max_per_hour:
            return "suppressed" if db.suppress(conn, row.id) else "busy"
        if not db.claim(conn, row, now, now + LEASE):
            return "busy"
    return _deliver(store, settings, channel, row, now, transport, errors)


def _deliver(store: Store, settings: Settings, channel: ChannelSettings, row: db.OutboxRow,
             now: datetime, transport: ChatTransport, errors: list[str]) -> str:
    """Render and get ready; record ``sending``; hand over; record the result."""
    attempts = row.attempts + 1
    message, problem = _ready(store, settings, channel, row, transport)
    with store.transaction() as conn:
        if message is None:
            db.finish(conn, row.id, "failed", now, error=problem)
            return "failed"
        if not db.begin_send(conn, row.id, attempts, now + LEASE):
            return "busy"
    try:
        transport.send(channel, message)
    except ChatError as exc:
        retry = exc.retriable and attempts < MAX_ATTEMPTS
        with store.transaction() as conn:
            db.finish(conn, row.id, "pending" if retry else "failed", now, error=str(exc),
                      due_at=now + retry_delay(attempts) if retry else None)
        log.warning("chat message %d to %s not sent (attempt %d of %d): %s", row.id,
                    channel.name, attempts, MAX_ATTEMPTS, exc)
        errors.append(str(exc))
        return "retrying" if retry else "failed"
    with store.transaction() as conn:
        db.finish(conn, row.id, "sent", now)
    log.info("chat %s sent to %s", row.kind, channel.name)
    return "sent"


def _ready(store: Store, settings: Settings, channel: ChannelSettings, row: db.OutboxRow,
           transport: ChatTransport) -> tuple[ChatMessage | None, str | None]:
    """(message, None), or (None, why it cannot be sent). Everything but the hand-over happens
    here, before ``sending`` is recorded, so a crash in that state is as unlikely as can be."""
    with store.reading() as conn:
        message = chat_compose.compose(conn, settings, channel, row)
    if message is None:
        return None, "no longer stored (retention or erasure)"
    try:
        transport.prepare(channel)
    except ChatError as exc:
        return None, str(exc)
    return message, None


def _overflow(store: Store, channel: ChannelSettings, now: datetime) -> db.OutboxRow | None:
    """One summary per channel per hour of the alerts the cap held back."""
    with store.transaction() as conn:
        rows = db.uncovered_suppressed(conn, channel.name)
        last = db.last_overflow_at(conn, channel.name)
        if not rows or (last is not None and last > now - RATE_WINDOW):
            return None
        new_id = db.enqueue(conn, channel.name, "overflow", now.isoformat(timespec="seconds"), now)
        if new_id is None:
            return None
        db.cover(conn, [r.id for r in rows], new_id)
        return db.get(conn, new_id)
