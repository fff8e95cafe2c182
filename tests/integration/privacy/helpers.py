"""Building blocks for the privacy tests: dated mentions, verdicts, triage, digests, snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from monitor.config import RetentionSettings
from monitor.db import alerts, audit_log, digest_items, digests, flags, mentions, triage, verdicts
from monitor.models import Severity, Verdict
from monitor.store import Store
from monitor.store.search import SearchFilters, search
from monitor.store.triage import add_triage
from monitor.store.verdicts import save_verdicts
from tests.factories import mention

NOW = datetime.now(UTC).replace(microsecond=0)
KEY = "test-pseudonym-key-0123456789abcdef"
SETTINGS = RetentionSettings(unflagged_days=90, flagged_days=365, pseudonymise_after_days=30,
                             pseudonym_key=KEY)
URGENT = Verdict(severity=Severity.URGENT, score=0.9, categories=("crisis",),
                 reasons=("noemt brand",))
NONE = Verdict(severity=Severity.NONE, score=0.0)
TABLES = (mentions, verdicts, flags, triage, digest_items, alerts, audit_log)


def add(store: Store, i: int, days_old: float, **overrides: Any) -> int:
    """Store ``mention(i)`` published ``days_old`` days before NOW; return its id."""
    m = mention(i, published_at=NOW - timedelta(days=days_old), **overrides)
    result = store.insert_new([m])
    assert len(result.new_ids) == 1
    return result.new_ids[0]


def judge(store: Store, mention_id: int, verdict: Verdict = URGENT) -> None:
    with store.transaction() as conn:
        save_verdicts(conn, [(mention_id, verdict)], version="test", now=NOW)


def triage_as(store: Store, mention_id: int, status: str, note: str | None = None) -> None:
    with store.transaction() as conn:
        add_triage(conn, mention_id, status, actor="anouk", note=note, at=NOW)


def new_digest(store: Store, mention_ids: list[int], *, status: str, day: int) -> int:
    with store.transaction() as conn:
        digest_id = conn.execute(insert(digests).values(
            digest_date=(NOW - timedelta(days=day)).date(), audience="mc", status=status,
            message_id=f"<d{day}@test>", created_at=NOW, attempts=0).returning(digests.c.id)
        ).scalar_one()
        conn.execute(insert(digest_items), [{"digest_id": digest_id, "mention_id": mid,
                                             "section": "urgent"} for mid in mention_ids])
    return digest_id


def add_alert(store: Store, mention_id: int) -> None:
    with store.transaction() as conn:
        conn.execute(insert(alerts).values(mention_id=mention_id, status="sent",
                                           message_id=f"<a{mention_id}@test>", created_at=NOW))


def rows_for(conn: Connection, mention_id: int) -> dict[str, int]:
    """How many rows each table holds for one mention."""
    found = {"mentions": conn.execute(select(func.count()).select_from(mentions)
                                      .where(mentions.c.id == mention_id)).scalar_one()}
    for table in (verdicts, flags, triage, digest_items, alerts):
        found[table.name] = conn.execute(select(func.count()).select_from(table)
                                         .where(table.c.mention_id == mention_id)).scalar_one()
    return found


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a privacy operation could change, for "changed nothing" assertions."""
    with store.reading() as conn:
        return {
            "counts": {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                       for t in TABLES},
            "mentions": conn.execute(select(mentions.c.id, mentions.c.author, mentions.c.title,
                                            mentions.c.text).order_by(mentions.c.id)).all(),
        }


def ids_found(store: Store, query: str | None, **filters: Any) -> list[int]:
    with store.reading() as conn:
        return sorted(m.id for m in search(conn, query, SearchFilters(limit=1000, **filters)))


def assert_fts_consistent(store: Store) -> None:
    """SQLite: the FTS index agrees with the mentions table (raises if not). PostgreSQL's
    ``search_vector`` is a generated column and cannot disagree."""
    if store.dialect != "sqlite":
        return
    with store.transaction() as conn:
        conn.execute(text("INSERT INTO mentions_fts(mentions_fts, rank) VALUES('integrity-check', 1)"))
        indexed = conn.execute(text("SELECT count(*) FROM mentions_fts_docsize")).scalar_one()
        stored = conn.execute(select(func.count()).select_from(mentions)).scalar_one()
    assert indexed == stored


def audit_rows(store: Store, action: str) -> list[Any]:
    with store.reading() as conn:
        return conn.execute(select(audit_log).where(audit_log.c.action == action)
                            .order_by(audit_log.c.id)).all()
