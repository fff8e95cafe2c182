"""Upgrade to head, downgrade to base, and no autogenerate diff, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from monitor import migrate
from monitor.db import include_object, make_engine, metadata

TABLES = {"mentions", "verdicts", "flags", "connector_state", "connector_runs", "digests",
          "digest_items", "alerts", "spikes", "triage", "audit_log", "classifier_models"}


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object,
                                                     "compare_type": True})
        return compare_metadata(ctx, metadata)


def test_upgrade_downgrade_roundtrip(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert migrate.is_current(engine)
    migrate.downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    engine.dispose()


def test_no_autogenerate_diff(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_full_text_objects_exist(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            names = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'mentions_fts%'")}
            assert {"mentions_fts", "mentions_fts_ai", "mentions_fts_ad", "mentions_fts_au"} <= names
        else:
            cols = {c["name"] for c in inspect(conn).get_columns("mentions")}
            assert "search_vector" in cols
    engine.dispose()


def test_recorded_head_matches_the_scripts(tmp_path) -> None:
    import migrations

    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert migrate.head_revision(engine) == migrations.HEAD
    assert not migrate.is_current(engine)
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    engine.dispose()
