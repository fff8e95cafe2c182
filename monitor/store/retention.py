"""SQL for retention: which mentions are due, deleting them, and pseudonymising their authors.

Age is measured by ``published_at`` through ``sort_key`` (``published_at`` in its high bits), so every
"older than" test is a range on a unique index, also with a million rows. ``to_row`` never stores a
``published_at`` later than ``collected_at``, so nothing is kept longer than N days after collection.

A mention is *kept longer* (the flagged class) when its verdict has a severity other than ``none``,
or when a person triaged it as ``relevant`` or ``handled``. Deleting a mention deletes its verdict,
flags, triage, digest items and alert through ``ON DELETE CASCADE``; the SQLite FTS index follows
through its delete/update triggers, PostgreSQL's ``search_vector`` is a generated column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, not_, or_, select, update

from monitor.db import mentions, triage, verdicts
from monitor.models import TriageStatus
from monitor.store.mentions import SORT_SHIFT

KINDS = ("unflagged", "flagged", "pseudonymise")
KEEP_LONGER_TRIAGE = (TriageStatus.RELEVANT.value, TriageStatus.HANDLED.value)
PSEUDONYM_PREFIX = "anon:"


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Mentions published before these instants are due."""

    unflagged: datetime
    flagged: datetime
    pseudonymise: datetime


@dataclass(frozen=True, slots=True)
class DueRow:
    id: int
    published_at: datetime
    author: str | None


@dataclass(frozen=True, slots=True)
class DueSummary:
    count: int
    oldest: datetime | None
    newest: datetime | None


def _before(when: datetime) -> Any:
    return mentions.c.sort_key < (int(when.timestamp()) << SORT_SHIFT)


def kept_longer() -> Any:
    """True for mentions in the flagged class."""
    m = mentions.c
    flagged = exists().where(verdicts.c.mention_id == m.id, verdicts.c.severity != "none")
    triaged = exists().where(triage.c.mention_id == m.id, triage.c.status.in_(KEEP_LONGER_TRIAGE))
    return or_(flagged, triaged)


def due(kind: str, cutoffs: Cutoffs) -> Any:
    """The WHERE clause for one class. The classes are disjoint: a row due for deletion is not
    counted as due for pseudonymisation."""
    m = mentions.c
    if kind == "unflagged":
        return and_(_before(cutoffs.unflagged), not_(kept_longer()))
    if kind == "flagged":
        return and_(_before(cutoffs.flagged), kept_longer())
    if kind == "pseudonymise":
        return and_(_before(cutoffs.pseudonymise), not_(_before(cutoffs.unflagged)),
                    m.author.is_not(None), func.substr(m.author, 1, len(PSEUDONYM_PREFIX))
                    != PSEUDONYM_PREFIX, not_(kept_longer()))
    raise ValueError(f"unknown retention class {kind!r}")


def summarise(conn: Connection, kind: str, cutoffs: Cutoffs) -> DueSummary:
    """How many mentions are due in one class, and the oldest and newest publication dates."""
    m = mentions.c
    row = conn.execute(select(func.count(), func.min(m.published_at), func.max(m.published_at))
                       .where(due(kind, cutoffs))).one()
    return DueSummary(count=row[0], oldest=row[1], newest=row[2])  # typed: aware UTC


def due_batch(conn: Connection, kind: str, cutoffs: Cutoffs, limit: int) -> list[DueRow]:
    """Up to ``limit`` due rows of one class, oldest first."""
    m = mentions.c
    rows = conn.execute(select(m.id, m.published_at, m.author).where(due(kind, cutoffs))
                        .order_by(m.sort_key).limit(limit))
    return [DueRow(r.id, r.published_at, r.author) for r in rows]


def delete_mentions(conn: Connection, ids: Sequence[int]) -> int:
    """Delete mentions (and, by cascade, everything that hangs off them). Returns the count."""
    total = 0
    for start in range(0, len(ids), 1000):
        part = list(ids[start:start + 1000])
        total += conn.execute(delete(mentions).where(mentions.c.id.in_(part))).rowcount or 0
    return total


def set_authors(conn: Connection, new_authors: Sequence[tuple[int, str]]) -> None:
    """Replace the author of each ``(mention id, new author)``."""
    if not new_authors:
        return
    stmt = (update(mentions).where(mentions.c.id == bindparam("b_id"))
            .values(author=bindparam("b_author")))
    conn.execute(stmt, [{"b_id": mid, "b_author": author} for mid, author in new_authors])
