"""SQL for data-subject requests (AVG art. 15 access, art. 17 erasure).

Matching is deliberately plain: authors by exact (case-insensitive) name or pseudonym; texts by a
case-insensitive substring, which the caller confirms with a precise pattern before changing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, or_, select, update

from monitor.db import digest_items, digests, flags, mentions, spikes, triage, verdicts
from monitor.models import StoredMention, TriageEntry
from monitor.store.reading import flag_rows, stored_mentions, triage_history

Rewrite = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class TextRow:
    id: int
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """Everything stored about one mention, for an export."""

    stored: StoredMention
    flags: tuple[tuple[str, str], ...]
    triage: tuple[TriageEntry, ...]


def authored_ids(conn: Connection, names: Sequence[str]) -> list[int]:
    """Mentions whose author is one of ``names`` (lower-case forms and pseudonyms)."""
    if not names:
        return []
    stmt = (select(mentions.c.id).where(func.lower(mentions.c.author).in_(list(names)))
            .order_by(mentions.c.id))
    return list(conn.execute(stmt).scalars())


def rows_containing(conn: Connection, needle: str) -> list[TextRow]:
    """Mentions whose text or title contains ``needle`` (lower-case), ignoring case."""
    m = mentions.c
    stmt = (select(m.id, m.title, m.text)
            .where(or_(func.lower(m.text).contains(needle, autoescape=True),
                       func.lower(m.title).contains(needle, autoescape=True)))
            .order_by(m.id))
    return [TextRow(r.id, r.title, r.text) for r in conn.execute(stmt)]


def records(conn: Connection, ids: Sequence[int]) -> list[MentionRecord]:
    """Mentions with verdict, flags and triage history, in id order."""
    return [MentionRecord(stored=s, flags=tuple(flag_rows(conn, s.id)),
                          triage=tuple(triage_history(conn, s.id)))
            for s in stored_mentions(conn, sorted(ids))]


def set_texts(conn: Connection, rows: Sequence[TextRow]) -> None:
    """Store new title and text (the SQLite FTS update trigger re-indexes them)."""
    if not rows:
        return
    stmt = (update(mentions).where(mentions.c.id == bindparam("b_id"))
            .values(title=bindparam("b_title"), text=bindparam("b_text")))
    conn.execute(stmt, [{"b_id": r.id, "b_title": r.title, "b_text": r.text} for r in rows])


def unlink_from_unsent_digests(conn: Connection, ids: Sequence[int]) -> int:
    """Take mentions out of every digest not sent yet, so no (re-)render can show them."""
    if not ids:
        return 0
    unsent = select(digests.c.id).where(digests.c.status != "sent")
    stmt = delete(digest_items).where(digest_items.c.mention_id.in_(list(ids)),
                                      digest_items.c.digest_id.in_(unsent))
    return conn.execute(stmt).rowcount or 0


def rewrite_notes(conn: Connection, needle: str, rewrite: Rewrite) -> int:
    """Rewrite triage notes (on any mention) that contain ``needle``; returns how many changed."""
    t = triage.c
    found = conn.execute(select(t.id, t.note)
                         .where(func.lower(t.note).contains(needle, autoescape=True))).all()
    changed = [(r.id, new) for r in found if (new := rewrite(r.note)) != r.note]
    if changed:
        conn.execute(update(triage).where(t.id == bindparam("b_id")).values(note=bindparam("b_note")),
                     [{"b_id": i, "b_note": note} for i, note in changed])
    return len(changed)


def rewrite_reasons(conn: Connection, ids: Sequence[int], rewrite: Rewrite) -> int:
    """Rewrite verdict reasons and flag reasons of these mentions; returns how many rows changed."""
    if not ids:
        return 0
    changed = 0
    v, f = verdicts.c, flags.c
    for row in conn.execute(select(v.mention_id, v.reasons).where(v.mention_id.in_(list(ids)))).all():
        new = [rewrite(str(r)) for r in row.reasons or ()]
        if new != list(row.reasons or ()):
            conn.execute(update(verdicts).where(v.mention_id == row.mention_id).values(reasons=new))
            changed += 1
    for row in conn.execute(select(f.id, f.reason).where(f.mention_id.in_(list(ids)))).all():
        if (new_reason := rewrite(row.reason)) != row.reason:
            conn.execute(update(flags).where(f.id == row.id).values(reason=new_reason))
            changed += 1
    return changed


def drop_spike_terms(conn: Connection, names_subject: Callable[[str], bool]) -> int:
    """Remove the "frequent words" of every spike (a pending digest shows them) that name the
    subject; returns how many spikes changed. Spikes are few (at most one per hour), so all are
    read and the caller's precise pattern decides."""
    s = spikes.c
    changed = 0
    for row in conn.execute(select(s.id, s.top_terms)).all():
        terms = list(row.top_terms or ())
        kept = [t for t in terms if not names_subject(str(t[0] if isinstance(t, list) else t))]
        if kept != terms:
            conn.execute(update(spikes).where(s.id == row.id).values(top_terms=kept))
            changed += 1
    return changed
