"""Claiming, sending and retrying daily digests.

Delivery guarantee
------------------
A digest is *claimed* before anything is sent: one transaction inserts the ``digests`` row (unique
per date and audience) and links its mentions through ``digest_items`` (unique ``mention_id``, so a
mention goes out in exactly one digest) and its spikes. Each attempt then takes a lease (status
``sending``), renders the email from the linked rows, hands it to SMTP and, in a second transaction,
records ``sent``. A refused or failed attempt puts the digest back to ``pending`` with
``next_attempt_at`` (exponential back-off), ``attempts`` and ``last_error``; a permanent refusal
(5xx) marks it ``failed`` until an operator runs ``signaleer digest send --date D`` again. Its
urgent and attention items also reappear under "Still open" in the next digest.

If the process dies (or the database is unreachable) after the SMTP server accepted the message but
before ``sent`` is committed, the lease expires and the next tick sends the same digest again, with
the same Message-ID: at most one duplicate per such crash, never a loss. Otherwise each digest is
delivered exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from monitor.config import Settings
from monitor.digest.mailer import (
    MAYBE_DELIVERED,
    Outgoing,
    SmtpTransport,
    Transport,
    check_addresses,
    make_message_id,
)
from monitor.digest.model import DigestContent, RenderedDigest
from monitor.digest.render import MAX_HTML_BYTES, render_digest
from monitor.digest.selection import build_content, read_inputs
from monitor.errors import MailError
from monitor.store import Store
from monitor.store import digests as db

log = logging.getLogger(__name__)
FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    """What happened to one digest in this run."""

    digest_date: date
    audience: str
    status: str  # sent | pending | failed | skipped | already-sent | not-due | busy
    message_id: str | None = None
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SendReport:
    outcomes: tuple[DigestOutcome, ...]

    @property
    def ok(self) -> bool:
        return not any(o.status in ("pending", "failed") for o in self.outcomes)


def local_today(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.institution.tz).date()


def is_due(settings: Settings, now: datetime, digest_date: date) -> bool:
    """Has the configured send time (``digest.time``, local) of ``digest_date`` passed?"""
    hour, minute = (int(p) for p in settings.digest.time.split(":"))
    due_at = datetime(digest_date.year, digest_date.month, digest_date.day, hour, minute,
                      tzinfo=settings.institution.tz)
    return now >= due_at


def retry_delay(attempts: int) -> timedelta:
    """5 min, 10, 20, 40, 80, then every 2 h."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY)


def lease_for(settings: Settings) -> timedelta:
    return max(timedelta(minutes=10), timedelta(seconds=4 * settings.smtp.timeout + 60))


def compose(conn: Connection, settings: Settings, digest_date: date, now: datetime,
            digest_id: int | None, claimed_at: datetime | None = None
            ) -> tuple[DigestContent, RenderedDigest]:
    """Read, arrange and render; list fewer items if the HTML would exceed ``MAX_HTML_BYTES``."""
    inputs = read_inputs(conn, settings, digest_date, now, digest_id, claimed_at)
    budget = settings.digest.max_items
    while True:
        content = build_content(inputs, settings, digest_date, now, max_items=budget)
        rendered = render_digest(content, settings.digest.subject_prefix)
        if rendered.html_bytes <= MAX_HTML_BYTES or budget <= 1:
            return content, rendered
        budget = max(1, min(budget - 1, int(budget * MAX_HTML_BYTES / rendered.html_bytes * 0.9)))


def preview(store: Store, settings: Settings, now: datetime,
            digest_date: date | None = None) -> tuple[DigestContent, RenderedDigest]:
    """Render without sending or marking anything. A claimed digest shows its own items."""
    digest_date = digest_date or local_today(settings, now)
    with store.reading() as conn:
        existing = db.find_digest(conn, digest_date, settings.digest.audience)
        if existing is None:
            return compose(conn, settings, digest_date, now, None)
        return compose(conn, settings, digest_date, now, existing.id, existing.created_at)


def claim(store: Store, settings: Settings, digest_date: date, now: datetime) -> db.DigestRecord:
    """Create the digest row for (date, audience) and link its items, or return the existing one.

    An empty day with ``send_when_empty = false`` is recorded as ``skipped`` — unless a source is
    unhealthy (silence must never hide a failure) or something is worth sharing (the items are
    linked to this digest, so skipping it would lose them).
    """
    audience = settings.digest.audience
    with store.transaction() as conn:
        existing = db.find_digest(conn, digest_date, audience)
        if existing is not None:
            return existing
        inputs = read_inputs(conn, settings, digest_date, now, None)
        content = build_content(inputs, settings, digest_date, now)
        quiet = not content.has_news and not content.unhealthy and not settings.digest.send_when_empty
        record = db.create_digest(
            conn, digest_date=digest_date, audience=audience,
            message_id=make_message_id("digest", f"{digest_date.isoformat()}-{audience}",
                                       settings.digest.sender),
            recipients=settings.digest.recipients, now=now,
            status="skipped" if quiet else "pending")
        if record is None:  # claimed concurrently
            found = db.find_digest(conn, digest_date, audience)
            assert found is not None
            return found
        db.link_items(conn, record.id, inputs.sections)
        db.link_spikes(conn, record.id, [s.id for s in inputs.spikes])
        return record


def send_due(store: Store, settings: Settings, now: datetime, *, if_due: bool = True,
             digest_date: date | None = None, transport: Transport | None = None) -> SendReport:
    """The scheduler's digest job. Claims the day's digest when due, then sends every due digest.

    With ``if_due`` (the scheduler), the day's digest is claimed only once ``digest.time`` has
    passed; without it (an operator), it is claimed now, and a failed, skipped or backing-off
    digest for that date is made due again. A sent digest is never sent again.
    """
    check_addresses(settings.digest.recipients, "digest.recipients")
    transport = transport or SmtpTransport(settings.smtp)
    target = digest_date or local_today(settings, now)
    outcomes: list[DigestOutcome] = []
    if if_due and not is_due(settings, now, target):
        outcomes.append(DigestOutcome(target, settings.digest.audience, "not-due"))
    else:
        record = claim(store, settings, target, now)
        if not if_due:
            with store.transaction() as conn:
                db.make_due(conn, record.id)
        if record.status in ("sent", "skipped") and (if_due or record.status == "sent"):
            outcomes.append(_outcome(record, "already-sent" if record.status == "sent"
                                     else "skipped"))
    with store.reading() as conn:
        due = db.due_digests(conn, settings.digest.audience, now)
    outcomes.extend(deliver(store, settings, record, now, transport) for record in due)
    return SendReport(tuple(outcomes))


def _outcome(record: db.DigestRecord, status: str, error: str | None = None) -> DigestOutcome:
    return DigestOutcome(record.digest_date, record.audience, status, record.message_id,
                         record.attempts, error)


def deliver(store: Store, settings: Settings, record: db.DigestRecord, now: datetime,
            transport: Transport) -> DigestOutcome:
    """One attempt: take the lease, render from the linked rows, send, record the result."""
    with store.transaction() as conn:
        if not db.begin_attempt(conn, record.id, now, now + lease_for(settings)):
            return _outcome(record, "busy")
        content, rendered = compose(conn, settings, record.digest_date, now, record.id,
                                    record.created_at)
        db.set_subject(conn, record.id, rendered.subject)
    attempts = record.attempts + 1
    try:
        refused = transport.send(_outgoing(settings, record, rendered, now))
    except MailError as exc:
        retriable, error = _after_failure(exc, record)
        retry_at = now + retry_delay(attempts) if retriable else None
        with store.transaction() as conn:
            db.finish_failed(conn, record.id, error, retry_at)
        log.warning("digest %s not sent (attempt %d): %s", record.digest_date, attempts, error)
        status = "pending" if retriable else "failed"
        return DigestOutcome(record.digest_date, record.audience, status, record.message_id,
                             attempts, error)
    note = "refused: " + ", ".join(sorted(refused)) if refused else None
    with store.transaction() as conn:
        db.finish_sent(conn, record.id, now, note)
    log.info("digest %s sent (%d items, %d bytes)", record.digest_date, content.item_count,
             rendered.html_bytes)
    return DigestOutcome(record.digest_date, record.audience, "sent", record.message_id, attempts)


def _after_failure(exc: MailError, record: db.DigestRecord) -> tuple[bool, str]:
    """``(retry?, error)``. A connection lost during DATA may have delivered the digest: it is
    retried once (at most one duplicate, same Message-ID), and not again after a second such loss."""
    error = str(exc)
    if exc.maybe_delivered and MAYBE_DELIVERED in (record.last_error or ""):
        return False, (f"{error}; not retried again: it may have arrived twice already. Check the "
                       f"inbox; if it is missing: signaleer digest send --date "
                       f"{record.digest_date.isoformat()}")
    return exc.retriable, error


def _outgoing(settings: Settings, record: db.DigestRecord, rendered: RenderedDigest,
              now: datetime) -> Outgoing:
    return Outgoing(
        sender=settings.digest.sender,
        recipients=check_addresses(settings.digest.recipients, "digest.recipients"),
        subject=rendered.subject, text=rendered.text, html=rendered.html,
        message_id=record.message_id, date=now, language=settings.digest.language)
