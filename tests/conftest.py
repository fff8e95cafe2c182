"""Shared fixtures. Storage tests run on SQLite and on PostgreSQL.

PostgreSQL tests read ``SIGNALEER_TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``)
and skip with a clear reason where it is unset. CI sets ``SIGNALEER_TEST_POSTGRES_REQUIRED=1``, which
turns that skip into a failure. Each PostgreSQL test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

PG_ENV = "SIGNALEER_TEST_POSTGRES_URL"
PG_REQUIRED_ENV = "SIGNALEER_TEST_POSTGRES_REQUIRED"


def postgres_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get(PG_REQUIRED_ENV) == "1":
            pytest.fail(f"{PG_ENV} is unset but {PG_REQUIRED_ENV}=1: PostgreSQL tests must run")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema. The admin engine keeps no pooled
    connection, so the clean-up also works after a test restarted the PostgreSQL cluster."""
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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (not migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'signaleer.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def store(db_url: str):
    """A migrated ``Store`` on each backend."""
    from monitor.store import Store

    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for CLI tests: the backend's URL and no stray config."""
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", db_url)
    monkeypatch.delenv("SIGNALEER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setattr("monitor.config.SYSTEM_CONFIG", tmp_path / "etc" / "signaleer.toml")
    return {"SIGNALEER_DATABASE_URL": db_url}
