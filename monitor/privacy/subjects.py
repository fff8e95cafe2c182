"""Data-subject rights: export everything stored about a person (AVG art. 15) and erase it (art. 17).

A person is named by a handle. They *authored* a mention when its author is the handle (ignoring
case and a leading ``@``) or the handle's pseudonym; they are *mentioned in* a mention whose title or
text contains the handle as a word, with or without ``@`` (``@jan``, ``jan``, ``jan@school.nl``).

Erasure deletes authored mentions (with verdicts, flags, triage, digest items and alerts, by
cascade), replaces the handle by ``[verwijderd]``/``[removed]`` in the other mentions and in triage
notes, verdict and flag reasons, drops it from the spikes' frequent words (which pending digests
show), and takes the touched mentions out of digests not sent yet. The
audit log gets a reference (a keyed hash) and counts, never the handle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monitor.config import RetentionSettings
from monitor.errors import InputError
from monitor.privacy.pseudonym import check_key, normalise_handle, pseudonym, subject_ref
from monitor.store import Store, audit
from monitor.store import subjects as db
from monitor.store.retention import delete_mentions
from monitor.store.subjects import MentionRecord, TextRow

PLACEHOLDERS = {"nl": "[verwijderd]", "en": "[removed]"}
MIN_HANDLE_CHARS = 2


@dataclass(frozen=True, slots=True)
class SubjectMatch:
    """Which mentions concern a person. ``mentioned_in`` excludes the authored ones."""

    authored: tuple[int, ...]
    mentioned_in: tuple[TextRow, ...]


@dataclass(frozen=True, slots=True)
class SubjectExport:
    handle: str
    generated_at: datetime
    authored: tuple[Mapping[str, Any], ...]
    mentioned_in: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...] = field(default=(
        "authored: posts by this handle, with how Signaleer judged and handled them",
        "mentioned_in: other people's posts naming this handle; their authors are left out",
    ))

    def to_json(self) -> str:
        return json.dumps({"subject": self.handle, "generated_at": self.generated_at.isoformat(),
                           "authored": list(self.authored), "mentioned_in": list(self.mentioned_in),
                           "notes": list(self.notes)}, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class ErasureReport:
    subject_ref: str
    deleted: int  # authored mentions deleted
    redacted: int  # other mentions whose text or title had the handle replaced
    digest_items_removed: int  # links to digests not sent yet
    notes_and_reasons: int  # triage notes, verdict and flag reasons rewritten
    spikes: int = 0  # spikes whose frequent words named the person


def handle_pattern(handle: str) -> re.Pattern[str]:
    """The handle as a word: optional ``@`` before, optional ``@domain`` after, any case."""
    name = normalise_handle(handle)
    if len(name) < MIN_HANDLE_CHARS:
        raise InputError(f"handle {handle!r} is too short to search for safely")
    return re.compile(rf"(?<![\w@])@?{re.escape(name)}(?:@[\w-]+(?:\.[\w-]+)*)?(?!\w)", re.IGNORECASE)


def redactor(handle: str, placeholder: str) -> Any:
    pattern = handle_pattern(handle)
    return lambda text: pattern.sub(placeholder, text) if text else text


def find_subject(conn: Connection, handle: str, key: bytes | None) -> SubjectMatch:
    pattern = handle_pattern(handle)
    name = normalise_handle(handle)
    names = {name, "@" + name} | ({pseudonym(name, key)} if key is not None else set())
    authored = db.authored_ids(conn, sorted(names))
    mine = set(authored)
    mentioned = tuple(r for r in db.rows_containing(conn, name) if r.id not in mine
                      and (pattern.search(r.text) or pattern.search(r.title or "")))
    return SubjectMatch(tuple(authored), mentioned)


def _mention_dict(rec: MentionRecord, *, third_party: bool) -> dict[str, Any]:
    s, m = rec.stored, rec.stored.mention
    verdict = s.verdict
    return {
        "id": s.id, "source": m.source, "url": m.url, "published_at": m.published_at.isoformat(),
        "collected_at": s.collected_at.isoformat(),
        **({} if third_party else {"author": m.author, "author_followers": m.author_followers}),
        "title": m.title, "text": m.text, "lang": m.lang,
        "verdict": None if verdict is None else {
            "severity": verdict.severity.value, "score": verdict.score,
            "categories": list(verdict.categories), "reasons": list(verdict.reasons)},
        "flags": [{"category": c, "reason": r} for c, r in rec.flags],
        "triage": [{"status": t.status, "at": t.at.isoformat(), "note": t.note} for t in rec.triage],
    }


def export_subject(store: Store, settings: RetentionSettings, handle: str, now: datetime, *,
                   actor: str | None = None) -> SubjectExport:
    """Everything stored about ``handle``; the export is recorded in the audit log (counts only)."""
    key = check_key(settings.pseudonym_key)
    with store.transaction() as conn:
        found = find_subject(conn, handle, key)
        authored = [_mention_dict(r, third_party=False) for r in db.records(conn, found.authored)]
        other = [_mention_dict(r, third_party=True)
                 for r in db.records(conn, [r.id for r in found.mentioned_in])]
        audit.record(conn, actor=audit.current_actor(actor), action="export",
                     target=subject_ref(handle, key),
                     details={"authored": len(authored), "mentioned_in": len(other)}, at=now)
    return SubjectExport(handle=handle, generated_at=now, authored=tuple(authored),
                         mentioned_in=tuple(other))


def preview_erasure(store: Store, settings: RetentionSettings, handle: str) -> SubjectMatch:
    """What ``erase_subject`` would touch (for the confirmation question). Changes nothing."""
    with store.reading() as conn:
        return find_subject(conn, handle, check_key(settings.pseudonym_key))


def erase_subject(store: Store, settings: RetentionSettings, handle: str, now: datetime, *,
                  language: str = "nl", actor: str | None = None) -> ErasureReport:
    """Erase ``handle`` in one transaction: all or nothing."""
    key = check_key(settings.pseudonym_key)
    rewrite = redactor(handle, PLACEHOLDERS.get(language, PLACEHOLDERS["en"]))
    with store.transaction() as conn:
        found = find_subject(conn, handle, key)
        report = _erase(conn, found, rewrite, normalise_handle(handle), subject_ref(handle, key))
        audit.record(conn, actor=audit.current_actor(actor), action="erase",
                     target=report.subject_ref, at=now, details={
                         "deleted": report.deleted, "redacted": report.redacted,
                         "digest_items_removed": report.digest_items_removed,
                         "notes_and_reasons": report.notes_and_reasons,
                         "spikes": report.spikes})
    return report


def _erase(conn: Connection, found: SubjectMatch, rewrite: Any, needle: str, ref: str
           ) -> ErasureReport:
    touched: Sequence[int] = [*found.authored, *(r.id for r in found.mentioned_in)]
    unlinked = db.unlink_from_unsent_digests(conn, touched)
    redacted = [TextRow(r.id, rewrite(r.title), rewrite(r.text)) for r in found.mentioned_in]
    db.set_texts(conn, redacted)
    rewritten = db.rewrite_reasons(conn, [r.id for r in redacted], rewrite)
    deleted = delete_mentions(conn, found.authored)
    rewritten += db.rewrite_notes(conn, needle, rewrite)
    spikes = db.drop_spike_terms(conn, lambda term: rewrite(term) != term)
    return ErasureReport(subject_ref=ref, deleted=deleted, redacted=len(redacted),
                         digest_items_removed=unlinked, notes_and_reasons=rewritten, spikes=spikes)
