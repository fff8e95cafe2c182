"""Counts for the weekly overview: volume per week, attention by category, sources, praise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from monitor.db import mentions, verdicts

ATTENTION = ("attention", "urgent")


def week_volumes(conn: Connection, bounds: Sequence[tuple[datetime, datetime]]
                 ) -> list[tuple[int, int]]:
    """For each ``[start, end)``: (mentions collected as news, of which attention or urgent)."""
    m, v = mentions.c, verdicts.c
    result = []
    for start, end in bounds:
        news = (m.collected_at >= start) & (m.collected_at < end) & m.stale.is_(False)
        total = conn.execute(select(func.count()).select_from(mentions).where(news)).scalar_one()
        flagged = conn.execute(select(func.count()).select_from(mentions)
                               .join(verdicts, v.mention_id == m.id)
                               .where(news, v.severity.in_(ATTENTION))).scalar_one()
        result.append((int(total), int(flagged)))
    return result


def attention_by_category(conn: Connection, start: datetime, end: datetime) -> Counter[str]:
    """How many attention/urgent mentions collected in the window carry each category."""
    m, v = mentions.c, verdicts.c
    rows = conn.execute(select(v.categories).join(mentions, m.id == v.mention_id)
                        .where(m.collected_at >= start, m.collected_at < end,
                               m.stale.is_(False), v.severity.in_(ATTENTION)))
    return Counter(c for (categories,) in rows for c in set(categories or ()))


def top_sources(conn: Connection, start: datetime, end: datetime, limit: int
                ) -> list[tuple[str, int]]:
    m = mentions.c
    n = func.count().label("n")
    rows = conn.execute(select(m.source, n).where(m.collected_at >= start, m.collected_at < end,
                                                  m.stale.is_(False))
                        .group_by(m.source).order_by(n.desc(), m.source).limit(limit))
    return [(r.source, int(r.n)) for r in rows]


def most_shared_praise(conn: Connection, start: datetime, end: datetime, limit: int) -> list[int]:
    """Mentions with the category ``praise`` collected in the window, the most-shared story first
    (mentions in its cluster), then the widest reach."""
    m, v = mentions.c, verdicts.c
    other = aliased(mentions)
    shared = (select(func.count()).where(other.c.cluster_id == m.cluster_id)
              .scalar_subquery())
    rows = conn.execute(select(m.id, v.categories, func.coalesce(shared, 1).label("shared"))
                        .join(verdicts, v.mention_id == m.id)
                        .where(m.collected_at >= start, m.collected_at < end, m.stale.is_(False))
                        .order_by(func.coalesce(shared, 1).desc(),
                                  m.author_followers.desc().nulls_last(), m.id))
    return [r.id for r in rows if "praise" in (r.categories or ())][:limit]
