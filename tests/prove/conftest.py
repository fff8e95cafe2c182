"""Fixtures of the proof suite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.conftest import postgres_base_url


@pytest.fixture
def restartable_pg_url() -> Iterator[str]:
    """Like ``pg_schema_url``, but its clean-up opens a fresh connection (no pool), so it works
    after the test has restarted the PostgreSQL cluster."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from monitor.db import normalise_url

    base = normalise_url(postgres_base_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
