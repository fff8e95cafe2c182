"""Sending the weekly overview: once the configured day and time have passed, by email (a row in
``digests`` with audience ``<audience>-weekly``, dated the week's first day, so the digest's
claim, lease and back-off apply unchanged) and as a post to each channel with ``weekly = true``
(a ``weekly`` row in the chat outbox, sent after the next collect like any chat alert).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from monitor.config import Settings
from monitor.digest.delivery import lease_for, retry_delay
from monitor.digest.mailer import Outgoing, SmtpTransport, Transport, check_addresses, make_message_id
from monitor.digest.weekly import build_weekly, render_weekly, week_of
from monitor.errors import MailError
from monitor.store import Store
from monitor.store import chat_outbox as chat_db
from monitor.store import digests as db

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WeeklyOutcome:
    week_start: date
    status: str  # sent | pending | failed | already-sent | busy | no-recipients
    error: str | None = None


def weekly_audience(settings: Settings) -> str:
    return f"{settings.digest.audience}-weekly"


def weekly_recipients(settings: Settings) -> tuple[str, ...]:
    return settings.weekly.recipients or settings.digest.recipients


def send_weekly_due(store: Store, settings: Settings, now: datetime, *,
                    transport: Transport | None = None) -> WeeklyOutcome | None:
    """The digest job's weekly part: None when the overview is off or not due yet."""
    if not settings.weekly.enabled:
        return None
    week_start, due = week_of(settings, now)
    if not due:
        return None
    record = _claim(store, settings, week_start, now)
    if not weekly_recipients(settings):
        return WeeklyOutcome(week_start, "no-recipients")
    if record.status in ("sent", "failed"):
        return WeeklyOutcome(week_start, "already-sent" if record.status == "sent" else "failed",
                             record.last_error)
    return _deliver(store, settings, record, now, transport or SmtpTransport(settings.smtp))


def _claim(store: Store, settings: Settings, week_start: date, now: datetime) -> db.DigestRecord:
    """The email's row and each weekly channel's outbox row, once per week."""
    audience = weekly_audience(settings)
    with store.transaction() as conn:
        for channel in settings.alerts.channels:
            if channel.weekly:
                chat_db.enqueue(conn, channel.name, "weekly", week_start.isoformat(), now)
        found = db.find_digest(conn, week_start, audience)
        if found is not None:
            return found
        created = db.create_digest(
            conn, digest_date=week_start, audience=audience, now=now,
            message_id=make_message_id("weekly", f"{week_start.isoformat()}-{audience}",
                                       settings.digest.sender),
            recipients=weekly_recipients(settings))
        found = created or db.find_digest(conn, week_start, audience)
        assert found is not None
        return found


def _deliver(store: Store, settings: Settings, record: db.DigestRecord, now: datetime,
             transport: Transport) -> WeeklyOutcome:
    with store.transaction() as conn:
        if not db.begin_attempt(conn, record.id, now, now + lease_for(settings)):
            return WeeklyOutcome(record.digest_date, "busy")
        rendered = render_weekly(build_weekly(conn, settings, record.digest_date),
                                 settings.digest.subject_prefix)
        db.set_subject(conn, record.id, rendered.subject)
    attempts = record.attempts + 1
    message = Outgoing(sender=settings.digest.sender,
                       recipients=check_addresses(weekly_recipients(settings), "weekly.recipients"),
                       subject=rendered.subject, text=rendered.text, html=rendered.html,
                       message_id=record.message_id, date=now, language=settings.digest.language)
    try:
        transport.send(message)
    except MailError as exc:
        retry_at = now + retry_delay(attempts) if exc.retriable else None
        with store.transaction() as conn:
            db.finish_failed(conn, record.id, str(exc), retry_at)
        log.warning("weekly overview %s not sent (attempt %d): %s", record.digest_date, attempts,
                    exc)
        return WeeklyOutcome(record.digest_date, "pending" if retry_at else "failed", str(exc))
    with store.transaction() as conn:
        db.finish_sent(conn, record.id, now)
    return WeeklyOutcome(record.digest_date, "sent")
