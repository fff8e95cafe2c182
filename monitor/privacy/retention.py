"""The retention job: delete what is due, pseudonymise authors of old unflagged mentions.

The daemon calls :func:`apply_retention` once a day; ``signaleer retention apply [--dry-run]`` calls
the same function. Work is done in batches, each in its own short transaction, so a million-row
delete never holds the SQLite write lock (or a PostgreSQL transaction) for long, and an interrupted
run simply continues the next time. Each real run is recorded in the audit log, with counts only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from monitor.config import RetentionSettings, Settings
from monitor.privacy.pseudonym import KEY_HINT, check_key, pseudonym
from monitor.store import Store, audit
from monitor.store import retention as db
from monitor.store.retention import Cutoffs, DueRow, DueSummary
from monitor.store.subjects import rewrite_reasons

log = logging.getLogger("monitor.privacy.retention")

BATCH_SIZE = 1000
NO_KEY = "no pseudonym key configured"


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What a run did (or, for a dry run, would do). Dates are publication dates."""

    now: datetime
    dry_run: bool
    cutoffs: Cutoffs
    unflagged: DueSummary  # deleted: unflagged and older than unflagged_days
    flagged: DueSummary  # deleted: flagged (or triaged relevant/handled), older than flagged_days
    pseudonymised: DueSummary  # authors replaced by pseudonyms
    pseudonymise_skipped: str | None = None
    batches: int = 0

    @property
    def changed(self) -> int:
        return self.unflagged.count + self.flagged.count + self.pseudonymised.count

    @property
    def ok(self) -> bool:
        return True

    def summary(self) -> str:
        """One line for the log and the CLI: counts per class with their publication dates."""
        verb = ("would delete", "would pseudonymise") if self.dry_run else ("deleted", "pseudonymised")
        parts = [f"{verb[0]} {_describe(self.unflagged)} unflagged mention(s) published before "
                 f"{self.cutoffs.unflagged:%Y-%m-%d}",
                 f"{_describe(self.flagged)} flagged published before {self.cutoffs.flagged:%Y-%m-%d}",
                 f"{verb[1]} the authors of {_describe(self.pseudonymised)} published before "
                 f"{self.cutoffs.pseudonymise:%Y-%m-%d}"]
        if self.pseudonymise_skipped:
            parts[-1] = f"pseudonymisation skipped ({self.pseudonymise_skipped}; {KEY_HINT})" + (
                f" for {_describe(self.pseudonymised)}" if self.dry_run else "")
        return "; ".join(parts) + ("; dry run, nothing changed" if self.dry_run else "")

    def audit_details(self, settings: RetentionSettings) -> dict[str, Any]:
        """Counts and settings only: never an id, author or text."""
        details: dict[str, Any] = {
            "unflagged_deleted": self.unflagged.count, "flagged_deleted": self.flagged.count,
            "pseudonymised": self.pseudonymised.count, "unflagged_days": settings.unflagged_days,
            "flagged_days": settings.flagged_days,
            "pseudonymise_after_days": settings.pseudonymise_after_days}
        if self.pseudonymise_skipped:
            details["pseudonymise_skipped"] = self.pseudonymise_skipped
        return details


def _describe(due: DueSummary) -> str:
    if not due.count or due.oldest is None or due.newest is None:
        return str(due.count)
    return f"{due.count} ({due.oldest:%Y-%m-%d}..{due.newest:%Y-%m-%d})"


def cutoffs_for(settings: RetentionSettings, now: datetime) -> Cutoffs:
    if now.tzinfo is None:
        raise ValueError("apply_retention needs a timezone-aware 'now'")
    return Cutoffs(unflagged=now - timedelta(days=settings.unflagged_days),
                   flagged=now - timedelta(days=settings.flagged_days),
                   pseudonymise=now - timedelta(days=settings.pseudonymise_after_days))


def apply_retention(store: Store, settings: Settings | RetentionSettings, now: datetime, *,
                    dry_run: bool = False, actor: str | None = None,
                    batch_size: int = BATCH_SIZE) -> RetentionReport:
    """Delete due mentions and pseudonymise due authors; with ``dry_run``, only count them.

    ``settings`` may be the whole ``Settings`` or its ``retention`` part. A pseudonym key that is
    set but too short raises ``ConfigError`` before anything changes; no key at all skips
    pseudonymisation (with a warning) and still deletes.
    """
    rs = settings.retention if isinstance(settings, Settings) else settings
    key = check_key(rs.pseudonym_key)
    cutoffs = cutoffs_for(rs, now)
    skipped = None if key is not None else NO_KEY
    if skipped:
        log.warning("retention: %s; authors are not pseudonymised (%s)", skipped, KEY_HINT)
    if dry_run:
        with store.reading() as conn:
            found = {kind: db.summarise(conn, kind, cutoffs) for kind in db.KINDS}
        return RetentionReport(now, True, cutoffs, found["unflagged"], found["flagged"],
                               found["pseudonymise"], skipped)
    results = {kind: _drain(store, _deleter(kind, cutoffs, batch_size), batch_size)
               for kind in ("unflagged", "flagged")}
    results["pseudonymise"] = (_drain(store, _pseudonymiser(key, cutoffs, batch_size), batch_size)
                               if key is not None else (_EMPTY, 0))
    report = RetentionReport(now, False, cutoffs, results["unflagged"][0], results["flagged"][0],
                             results["pseudonymise"][0], skipped,
                             batches=sum(n for _, n in results.values()))
    with store.transaction() as conn:
        audit.record(conn, actor=audit.current_actor(actor), action="retention",
                     details=report.audit_details(rs), at=now)
    log.info("retention: deleted %d unflagged and %d flagged mention(s), pseudonymised %d",
             report.unflagged.count, report.flagged.count, report.pseudonymised.count)
    return report


_EMPTY = DueSummary(0, None, None)
Step = Callable[[Connection], list[DueRow]]


def _deleter(kind: str, cutoffs: Cutoffs, batch_size: int) -> Step:
    def step(conn: Connection) -> list[DueRow]:
        rows = db.due_batch(conn, kind, cutoffs, batch_size)
        db.delete_mentions(conn, [r.id for r in rows])
        return rows
    return step


def _pseudonymiser(key: bytes, cutoffs: Cutoffs, batch_size: int) -> Step:
    def step(conn: Connection) -> list[DueRow]:
        rows = db.due_batch(conn, "pseudonymise", cutoffs, batch_size)
        names: Mapping[str, str] = {r.author: pseudonym(r.author, key) for r in rows if r.author}
        db.set_authors(conn, [(r.id, names[r.author]) for r in rows if r.author])
        rewrite_reasons(conn, [r.id for r in rows], lambda text: _replace_all(text, names))
        return rows
    return step


def _replace_all(text: str, names: Mapping[str, str]) -> str:
    for name, alias in names.items():
        if name in text:
            text = text.replace(name, alias)
    return text


def _drain(store: Store, step: Step, batch_size: int) -> tuple[DueSummary, int]:
    """Run ``step`` in one transaction per batch until a batch comes back short."""
    count, batches = 0, 0
    oldest: datetime | None = None
    newest: datetime | None = None
    while True:
        with store.transaction() as conn:
            rows = step(conn)
        if not rows:
            break
        batches += 1
        count += len(rows)
        first, last = rows[0].published_at, rows[-1].published_at  # oldest first
        oldest = first if oldest is None else min(oldest, first)
        newest = last if newest is None else max(newest, last)
        if len(rows) < batch_size:
            break
    return DueSummary(count, oldest, newest), batches
