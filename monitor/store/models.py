"""Learned classifier models, stored with the data they were trained on; one is active."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from monitor.db import classifier_models


@dataclass(frozen=True, slots=True)
class StoredModel:
    version: str
    created_at: datetime
    labels: int
    metrics: Mapping[str, float]
    blob: bytes


def save_model(conn: Connection, *, version: str, blob: bytes, labels: int,
               metrics: Mapping[str, float], now: datetime) -> None:
    """Store a model and make it the active one."""
    conn.execute(update(classifier_models).values(active=False))
    conn.execute(insert(classifier_models).values(
        version=version, created_at=now, labels=labels, metrics=dict(metrics), blob=blob,
        active=True))


def active_model(conn: Connection) -> StoredModel | None:
    c = classifier_models.c
    row = conn.execute(select(classifier_models).where(c.active.is_(True))
                       .order_by(c.created_at.desc()).limit(1)).first()
    if row is None:
        return None
    return StoredModel(row.version, row.created_at, row.labels, row.metrics or {}, bytes(row.blob))
