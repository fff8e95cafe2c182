"""Reading mentions back as domain objects (``StoredMention``), with verdicts and triage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from monitor.db import flags, mentions, triage, verdicts
from monitor.models import Mention, Severity, StoredMention, TriageEntry, Verdict
from monitor.store.triage import latest_status


def _mention(row: Any) -> Mention:
    return Mention(
        source=row.source, external_id=row.external_id, url=row.url, text=row.text,
        published_at=row.published_at, author=row.author, author_followers=row.author_followers,
        title=row.title, lang=row.lang, kind=row.kind,
        extra={**(row.extra or {}), **({"matched_alias": row.matched_alias}
                                       if row.matched_alias else {})},
    )


def _verdict(row: Any) -> Verdict | None:
    if row.severity is None:
        return None
    return Verdict(severity=Severity(row.severity), score=row.score,
                   categories=tuple(row.categories or ()), reasons=tuple(row.reasons or ()))


def stored_mentions(conn: Connection, ids: Sequence[int]) -> list[StoredMention]:
    """Load mentions by id, in the order given, with their verdict and latest triage status."""
    if not ids:
        return []
    v = verdicts.c
    stmt = (select(mentions, v.severity, v.score, v.categories, v.reasons,
                   latest_status(mentions.c.id).label("triage_status"))
            .outerjoin(verdicts, v.mention_id == mentions.c.id)
            .where(mentions.c.id.in_(list(ids))))
    by_id = {row.id: _stored(row) for row in conn.execute(stmt)}
    return [by_id[i] for i in ids if i in by_id]


def _stored(row: Any) -> StoredMention:
    return StoredMention(
        id=row.id, mention=_mention(row), collected_at=row.collected_at,
        canonical_url=row.canonical_url, cluster_id=row.cluster_id, verdict=_verdict(row),
        triage_status=row.triage_status,
    )


def get_mention(conn: Connection, mention_id: int) -> StoredMention | None:
    found = stored_mentions(conn, [mention_id])
    return found[0] if found else None


def triage_history(conn: Connection, mention_id: int) -> list[TriageEntry]:
    t = triage.c
    rows = conn.execute(select(triage).where(t.mention_id == mention_id)
                        .order_by(t.at, t.id))
    return [TriageEntry(mention_id=r.mention_id, status=r.status, actor=r.actor, at=r.at,
                        note=r.note) for r in rows]


def flag_rows(conn: Connection, mention_id: int) -> list[tuple[str, str]]:
    rows = conn.execute(select(flags.c.category, flags.c.reason)
                        .where(flags.c.mention_id == mention_id).order_by(flags.c.id))
    return [(r.category, r.reason) for r in rows]


def cluster_size(conn: Connection, cluster_id: int | None) -> int:
    if cluster_id is None:
        return 1
    return conn.execute(select(func.count()).select_from(mentions)
                        .where(mentions.c.cluster_id == cluster_id)).scalar_one()
