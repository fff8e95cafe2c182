"""Triage: M&C's judgement of a mention (relevant / not-relevant / handled), audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from monitor.db import mentions, triage, verdicts
from monitor.errors import InputError
from monitor.models import TriageStatus
from monitor.store import Store, audit

STATUSES = tuple(s.value for s in TriageStatus)
# The one meaning of "open": not (yet) closed by its latest triage. Used by `search --status
# open`, `status` and the digest's "still open" alike.
CLOSED_STATUSES = tuple(s.value for s in TriageStatus if s.closes)


def latest_status(mention_id_col: Any) -> Any:
    """The latest triage status of the mention in ``mention_id_col`` (a scalar subquery)."""
    t = triage.c
    return (select(t.status).where(t.mention_id == mention_id_col)
            .order_by(t.at.desc(), t.id.desc()).limit(1).scalar_subquery())


def is_open(mention_id_col: Any) -> Any:
    """True while nobody closed the mention: untriaged, or its latest triage is ``relevant``."""
    latest = latest_status(mention_id_col)
    return or_(latest.is_(None), latest.not_in(CLOSED_STATUSES))


def add_triage(conn: Connection, mention_id: int, status: str, *, actor: str, note: str | None,
               at: datetime) -> None:
    if status not in STATUSES:
        raise InputError(f"triage status must be one of {', '.join(STATUSES)}, got {status!r}")
    exists = conn.execute(select(mentions.c.id).where(mentions.c.id == mention_id)).first()
    if not exists:
        raise InputError(f"no mention with id {mention_id}")
    conn.execute(insert(triage).values(mention_id=mention_id, status=status, actor=actor,
                                       note=note, at=at))
    audit.record(conn, actor=actor, action="triage", target=f"mention:{mention_id}",
                 details={"status": status}, at=at)


def triage_mention(store: Store, mention_id: int, status: str, *, actor: str, note: str | None,
                   at: datetime) -> None:
    """Record a triage in a transaction of its own (``signaleer triage``)."""
    with store.transaction() as conn:
        add_triage(conn, mention_id, status, actor=actor, note=note, at=at)


def labelled_examples(conn: Connection) -> Iterator[tuple[str, str | None, str, list[str]]]:
    """``(text, title, label, categories)`` for every triaged mention, by its latest triage.

    ``relevant`` and ``handled`` mean it needed attention; ``not-relevant`` means it did not.
    """
    latest = latest_status(mentions.c.id)
    rows = conn.execute(
        select(mentions.c.text, mentions.c.title, latest.label("status"), verdicts.c.categories)
        .outerjoin(verdicts, verdicts.c.mention_id == mentions.c.id)
        .where(latest.is_not(None))
        .order_by(mentions.c.id))
    for text, title, status, categories in rows:
        label = "none" if status == TriageStatus.NOT_RELEVANT else "attention"
        yield text, title, label, list(categories or [])
