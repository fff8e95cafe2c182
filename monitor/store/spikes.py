"""Spike events: hourly volume far above the rolling baseline (detected in monitor.classify.spikes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, case, literal, select

from monitor.db import dialect_insert, mentions, spikes


def spike_inputs(conn: Connection, since: datetime, text_since: datetime
                 ) -> Iterator[tuple[datetime, str, str]]:
    """``(published_at, text, source)`` since ``since``; text only where recent enough to matter."""
    m = mentions.c
    text = case((m.published_at >= text_since, m.text), else_=literal(""))
    stmt = select(m.published_at, text, m.source).where(m.published_at >= since)
    for row in conn.execution_options(yield_per=5000).execute(stmt):
        yield row[0], row[1], row[2]


def save_spikes(conn: Connection, events: Sequence[object], now: datetime) -> int:
    """Store new spike hours (one row per hour; an hour already stored is left alone)."""
    rows = [{
        "window_start": e.hour, "window_end": e.hour + timedelta(hours=1),  # type: ignore[attr-defined]
        "count": e.count, "baseline": round(float(e.baseline), 3),  # type: ignore[attr-defined]
        "top_terms": [list(t) for t in e.top_terms],  # type: ignore[attr-defined]
        "sources": [list(s) for s in e.sources],  # type: ignore[attr-defined]
        "detected_at": now,
    } for e in events]
    if not rows:
        return 0
    stmt = dialect_insert(conn, spikes).on_conflict_do_nothing(index_elements=["window_start"])
    return sum(1 for row in rows
               if conn.execute(stmt.values(**row).returning(spikes.c.id)).first() is not None)


def top_posts(conn: Connection, start: datetime, end: datetime, limit: int) -> list[int]:
    """Ids of the mentions published in ``[start, end)`` with the widest reach (followers)."""
    m = mentions.c
    stmt = (select(m.id).where(m.published_at >= start, m.published_at < end)
            .order_by(m.author_followers.desc().nulls_last(), m.published_at, m.id).limit(limit))
    return list(conn.execute(stmt).scalars())
