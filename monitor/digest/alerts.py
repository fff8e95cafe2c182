"""Urgent alerts: a short email as soon as a mention is classified ``urgent``.

The pipeline calls :func:`send_pending_alerts` after each collect. Each urgent mention gets at most
one row in ``alerts`` (unique ``mention_id``), inserted as ``sending`` *before* the email goes out,
so two runs never both alert about the same mention. At most ``digest.alerts_per_hour`` alerts start
in any 60 minutes; the rest are recorded as ``suppressed`` and wait for the digest, which includes
every urgent mention whether or not it was alerted.

A failed attempt is retried on later calls (``pending``) for ``RETRY_WINDOW`` and at most
``MAX_ATTEMPTS`` times; a permanent refusal (5xx) marks it ``failed``. As with the digest, a crash
after the SMTP server accepted an alert but before ``sent`` was committed leads to one more attempt
once the lease has expired: at most one duplicate, never a silent loss — and the digest is the
backstop either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import Settings
from monitor.digest.mailer import Outgoing, SmtpTransport, Transport, check_addresses, make_message_id
from monitor.digest.model import DigestItem
from monitor.digest.render import render_alert
from monitor.digest.selection import to_item
from monitor.digest.text import alias_pattern
from monitor.errors import MailError
from monitor.store import Store
from monitor.store import digests as db
from monitor.store.reading import stored_mentions

log = logging.getLogger(__name__)
MAX_AGE = timedelta(hours=24)  # only mentions collected this recently are worth an alert
RETRY_WINDOW = timedelta(hours=6)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class AlertReport:
    """Mention ids by what happened to their alert in this call."""

    sent: tuple[int, ...] = ()
    suppressed: tuple[int, ...] = ()
    retrying: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    errors: tuple[str, ...] = ()
    skipped_reason: str | None = None


def alert_recipients(settings: Settings) -> tuple[str, ...]:
    return settings.digest.alert_recipients or settings.digest.recipients


def send_pending_alerts(store: Store, settings: Settings, now: datetime, *,
                        transport: Transport | None = None) -> AlertReport:
    """Retry due alerts, then alert new urgent mentions within the hourly limit."""
    if not alert_recipients(settings):
        return AlertReport(skipped_reason="no digest.alert_recipients or digest.recipients")
    recipients = check_addresses(alert_recipients(settings), "digest.alert_recipients")
    transport = transport or SmtpTransport(settings.smtp)
    results: dict[str, list[int]] = {"sent": [], "retrying": [], "failed": []}
    errors: list[str] = []
    claimed, suppressed = _claim(store, settings, now)
    for alert, attempts in [*_retries(store, now), *((a, 1) for a in claimed)]:
        status, error = _attempt(store, settings, alert, attempts, now, transport, recipients)
        results["retrying" if status == "pending" else status].append(alert.mention_id)
        if error:
            errors.append(error)
    return AlertReport(sent=tuple(results["sent"]), suppressed=tuple(suppressed),
                       retrying=tuple(results["retrying"]), failed=tuple(results["failed"]),
                       errors=tuple(errors))


def _retries(store: Store, now: datetime) -> list[tuple[db.AlertRecord, int]]:
    with store.reading() as conn:
        due = db.retryable_alerts(conn, created_since=now - RETRY_WINDOW,
                                  lease_expired_before=now - LEASE)
    taken = []
    for alert in due:
        with store.transaction() as conn:
            if db.begin_alert_attempt(conn, alert, now):
                taken.append((alert, alert.attempts + 1))
    return taken


def _claim(store: Store, settings: Settings,
           now: datetime) -> tuple[list[db.AlertRecord], list[int]]:
    """Insert ``sending`` rows for the new urgent mentions within budget, ``suppressed`` for the rest."""
    sender = settings.digest.sender
    with store.transaction() as conn:
        ids = db.urgent_without_alert(conn, now - MAX_AGE)
        budget = max(0, settings.digest.alerts_per_hour
                     - db.alerts_started_since(conn, now - RATE_WINDOW))
        claimed, suppressed = [], []
        for i, mention_id in enumerate(ids):
            status = "sending" if i < budget else "suppressed"
            row = db.create_alert(conn, mention_id, status=status, now=now,
                                  message_id=make_message_id("alert", str(mention_id), sender))
            if row is not None and status == "sending":
                claimed.append(row)
            elif row is not None:
                suppressed.append(mention_id)
    if suppressed:
        log.warning("%d urgent alert(s) over the limit of %d per hour; they wait for the digest",
                    len(suppressed), settings.digest.alerts_per_hour)
    return claimed, suppressed


def _item(store: Store, settings: Settings, mention_id: int) -> DigestItem | None:
    with store.reading() as conn:
        found = stored_mentions(conn, [mention_id])
    if not found:
        return None
    return to_item(found[0], alias_pattern(settings.institution.all_names), {})


def _attempt(store: Store, settings: Settings, alert: db.AlertRecord, attempts: int,
             now: datetime, transport: Transport,
             recipients: tuple[str, ...]) -> tuple[str, str | None]:
    """Send one claimed alert and record the result: (status, error)."""
    item = _item(store, settings, alert.mention_id)
    if item is None:  # deleted meanwhile (retention)
        with store.transaction() as conn:
            db.finish_alert(conn, alert.id, "failed", None, "mention no longer stored")
        return "failed", None
    d = settings.digest
    rendered = render_alert(item, language=d.language, timezone=settings.institution.timezone,
                            institution=settings.institution.name, subject_prefix=d.subject_prefix)
    message = Outgoing(sender=d.sender, recipients=recipients, subject=rendered.subject,
                       text=rendered.text, html=rendered.html, message_id=alert.message_id,
                       date=now, language=d.language)
    try:
        transport.send(message)
    except MailError as exc:
        status = "pending" if exc.retriable and attempts < MAX_ATTEMPTS else "failed"
        with store.transaction() as conn:
            db.finish_alert(conn, alert.id, status, None, str(exc))
        log.warning("alert for mention %d not sent (attempt %d): %s", alert.mention_id,
                    attempts, exc)
        return status, str(exc)
    with store.transaction() as conn:
        db.finish_alert(conn, alert.id, "sent", now)
    return "sent", None
