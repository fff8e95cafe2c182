"""``signaleer import``: stream a JSON-lines file into the store in batches."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from monitor.errors import InputError
from monitor.jsonl import ParsedLine, iter_lines
from monitor.models import Mention
from monitor.pipeline import Classifier, insert_and_classify
from monitor.store import Store

MAX_REPORTED = 1000


@dataclass
class ImportReport:
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    cleaned: int = 0
    flagged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), capped

    def note(self, line: int, reason: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append((line, reason))


@dataclass(frozen=True, slots=True)
class Intake:
    """How imported mentions come in: classified (as ``collect`` does), and stale beyond
    ``max_age`` (searchable, never news)."""

    classifier: Classifier | None = None
    max_age: timedelta | None = None


def import_file(store: Store, path: Path, *, batch_size: int = 5000,
                progress: Callable[[int], None] | None = None,
                intake: Intake = Intake()) -> ImportReport:
    """Import ``path``; each batch commits on its own, so an interruption loses nothing accepted."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        return import_stream(store, stream, batch_size=batch_size, progress=progress,
                             intake=intake)


def import_stream(store: Store, stream: IO[bytes], *, batch_size: int = 5000,
                  progress: Callable[[int], None] | None = None,
                  intake: Intake = Intake()) -> ImportReport:
    """Store, classify (the same transaction per batch as ``collect``) and count each line."""
    report = ImportReport()
    batch: list[Mention] = []
    for item in iter_lines(stream):
        if isinstance(item, ParsedLine):
            batch.append(item.mention)
            if item.warnings:
                report.cleaned += 1
                report.note(item.number, "accepted after cleaning: " + "; ".join(item.warnings))
        else:
            report.rejected += 1
            report.note(item.number, item.reason)
        if len(batch) >= batch_size:
            _flush(store, batch, report, progress, stream, intake)
    _flush(store, batch, report, progress, stream, intake)
    if report.new:
        compact_after_import(store, report.new)
    return report


def compact_after_import(store: Store, new: int) -> None:
    """Tidy the search structures after an import: fully when the import is a large part of the
    table (bulk loads: SQLite merges its full-text index, PostgreSQL rewrites the table in time
    order), else (SQLite only) a proportional amount of incremental merging."""
    from monitor.store.mentions import count
    from monitor.store.search import compact_index

    with store.transaction() as conn:
        large = new * 4 >= count(conn)
        if large or store.dialect == "sqlite":
            compact_index(conn, None if large else new // 10 + 64)


def _flush(store: Store, batch: list[Mention], report: ImportReport,
           progress: Callable[[int], None] | None, stream: IO[bytes], intake: Intake) -> None:
    if batch:
        with store.transaction() as conn:
            result, flagged = insert_and_classify(
                store, conn, batch, classifier=intake.classifier, max_age=intake.max_age,
                now=datetime.now(UTC))
        report.new += len(result.new_ids)
        report.duplicate += result.duplicates
        report.flagged += flagged
        batch.clear()
    if progress is not None:
        with contextlib.suppress(OSError, ValueError):
            progress(stream.tell())
