"""Test data for digest tests: verdicts, triage, connector state and spikes written with Core.

The real pipeline that writes verdicts and flags is built elsewhere; these helpers write the same
rows directly so the digest can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from monitor.config import Settings, parse_settings
from monitor.db import (
    alerts,
    connector_state,
    digest_items,
    digests,
    flags,
    mentions,
    spikes,
    triage,
    verdicts,
)
from monitor.models import Mention
from monitor.store import Store
from tests.factories import T0

NOW = T0 + timedelta(hours=1)  # 2026-03-02 09:00 UTC = 10:00 in Amsterdam, after 07:30


def make_settings(*, smtp: dict[str, Any] | None = None, **digest: Any) -> Settings:
    table = {"recipients": ["mc@curio.example"], "sender": "signaleer@curio.example", **digest}
    return parse_settings({
        "institution": {"name": "Curio", "aliases": ["ROC West-Brabant"]},
        "database": {"url": "sqlite:///unused.db"},
        "digest": table,
        "smtp": {"host": "127.0.0.1", "port": 2525, "security": "none", "timeout": 5,
                 **(smtp or {})},
    }, None)


def add_flagged(store: Store, items: Sequence[Mention], severity: str = "attention",
                categories: Sequence[str] = ("complaint",),
                reasons: Sequence[str] = ("klachtsignaal 'slecht'",),
                score: float = 0.8) -> list[int]:
    ids = list(store.insert_new(items).new_ids)
    with store.transaction() as conn:
        for mid in ids:
            set_verdict(conn, mid, severity, categories, reasons, score)
    return ids


def set_verdict(conn: Any, mention_id: int, severity: str, categories: Sequence[str] = (),
                reasons: Sequence[str] = (), score: float = 0.8) -> None:
    conn.execute(insert(verdicts).values(
        mention_id=mention_id, severity=severity, score=score, categories=list(categories),
        reasons=list(reasons), classifier_version="test", classified_at=T0))
    for category, reason in zip(categories, reasons or [""] * len(categories), strict=False):
        conn.execute(insert(flags).values(mention_id=mention_id, category=category,
                                          reason=reason or category))


def add_triage(store: Store, mention_id: int, status: str, at: datetime = NOW) -> None:
    with store.transaction() as conn:
        conn.execute(insert(triage).values(mention_id=mention_id, status=status, actor="test",
                                           at=at))


def add_connector(store: Store, name: str, *, failures: int = 0,
                  last_new_at: datetime | None = None, last_error: str | None = None,
                  kind: str = "rss", not_before: datetime | None = None) -> None:
    with store.transaction() as conn:
        conn.execute(insert(connector_state).values(
            name=name, kind=kind, consecutive_failures=failures,
            last_success_at=last_new_at, last_new_at=last_new_at, last_error=last_error,
            not_before=not_before, updated_at=NOW))


def add_spike(store: Store, start: datetime = T0, count: int = 40) -> int:
    with store.transaction() as conn:
        return conn.execute(insert(spikes).values(
            window_start=start, window_end=start + timedelta(hours=1), count=count,
            baseline=3.5, top_terms=["brand", "school"], sources=["x", "rss"],
            detected_at=start + timedelta(hours=1)).returning(spikes.c.id)).scalar_one()


def digest_rows(store: Store) -> list[Any]:
    with store.reading() as conn:
        return list(conn.execute(select(digests).order_by(digests.c.digest_date)))


def item_rows(store: Store) -> dict[int, tuple[int, str]]:
    with store.reading() as conn:
        rows = conn.execute(select(digest_items))
        return {r.mention_id: (r.digest_id, r.section) for r in rows}


def alert_rows(store: Store) -> list[Any]:
    with store.reading() as conn:
        return list(conn.execute(select(alerts).order_by(alerts.c.mention_id)))


def set_collected(store: Store, when: datetime) -> None:
    with store.transaction() as conn:
        conn.execute(update(mentions).values(collected_at=when))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
