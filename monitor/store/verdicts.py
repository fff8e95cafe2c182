"""Verdicts and flags: one current verdict per mention, one flag row per category."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from monitor.db import flags, mentions, verdicts
from monitor.models import Mention, Verdict
from monitor.store.reading import _mention


def flag_rows_for(mention_id: int, verdict: Verdict) -> list[dict[str, object]]:
    """One row per category, each with the verdict's reasons."""
    reason = "; ".join(verdict.reasons)
    return [{"mention_id": mention_id, "category": c, "reason": reason}
            for c in verdict.categories]


def save_verdicts(conn: Connection, items: Sequence[tuple[int, Verdict]], *, version: str,
                  now: datetime) -> None:
    """Replace the verdict and flags of each mention (used for new and reclassified mentions)."""
    if not items:
        return
    ids = [mid for mid, _ in items]
    for start in range(0, len(ids), 5000):
        part = ids[start:start + 5000]
        conn.execute(delete(flags).where(flags.c.mention_id.in_(part)))
        conn.execute(delete(verdicts).where(verdicts.c.mention_id.in_(part)))
    conn.execute(insert(verdicts), [
        {"mention_id": mid, "severity": v.severity.value, "score": round(float(v.score), 4),
         "categories": list(v.categories), "reasons": list(v.reasons),
         "classifier_version": version, "classified_at": now}
        for mid, v in items])
    flag_rows = [row for mid, v in items for row in flag_rows_for(mid, v)]
    if flag_rows:
        conn.execute(insert(flags), flag_rows)


def mentions_by_id(conn: Connection, ids: Iterable[int]) -> list[tuple[int, Mention]]:
    """``(id, Mention)`` pairs for classification, in id order."""
    id_list = sorted(set(ids))
    out: list[tuple[int, Mention]] = []
    for start in range(0, len(id_list), 5000):
        part = id_list[start:start + 5000]
        rows = conn.execute(select(mentions).where(mentions.c.id.in_(part)).order_by(mentions.c.id))
        out.extend((r.id, _mention(r)) for r in rows)
    return out


def iter_mention_ids(conn: Connection, since: datetime | None = None) -> list[int]:
    stmt = select(mentions.c.id).order_by(mentions.c.id)
    if since is not None:
        stmt = stmt.where(mentions.c.published_at >= since)
    return [r[0] for r in conn.execute(stmt)]
