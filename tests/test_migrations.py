"""Upgrade to head, downgrade to base, and no autogenerate diff, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from monitor import migrate
from monitor.db import include_object, make_engine, metadata

TABLES = {"mentions", "verdicts", "flags", "connector_state", "connector_runs", "digests", "chat_outbox",
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


def test_0002_keys_existing_rows_by_connector_name_and_keeps_what_hangs_off_them(
        db_url: str) -> None:
    """Rows from before 0002 hold the kind in ``source``: with one rss connector they get its
    name; verdicts and triage survive the SQLite table rebuild, and full-text search still works
    (old rows and new ones)."""
    from sqlalchemy import text

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    now = "2026-11-20 10:00:00"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO connector_state (name, kind, consecutive_failures, updated_at) "
            "VALUES ('omroep-brabant', 'rss', 0, :now), ('fedi', 'mastodon', 0, :now), "
            "('fedi2', 'mastodon', 0, :now)"), {"now": now})
        for i, source in enumerate(("rss", "mastodon"), start=1):
            conn.execute(text(
                "INSERT INTO mentions (id, sort_key, source, external_id, url, text, "
                "published_at, collected_at) VALUES (:id, :key, :source, '1', 'https://e.nl/1', "
                "'brand bij curio', :now, :now)"), {"id": i, "key": i, "source": source, "now": now})
        conn.execute(text(
            "INSERT INTO verdicts (mention_id, severity, score, categories, reasons, "
            "classifier_version, classified_at) VALUES (1, 'urgent', 0.9, '[]', '[]', 'r', :now)"),
            {"now": now})
        conn.execute(text("INSERT INTO triage (mention_id, status, actor, at) "
                          "VALUES (1, 'relevant', 'anouk', :now)"), {"now": now})
    migrate.upgrade(engine)
    with engine.begin() as conn:
        rows = dict(conn.execute(text("SELECT id, source || '/' || kind FROM mentions")).all())
        assert rows == {1: "omroep-brabant/rss", 2: "mastodon/mastodon"}  # two mastodon names
        assert conn.execute(text("SELECT count(*) FROM verdicts")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM triage")).scalar_one() == 1
        conn.execute(text(
            "INSERT INTO mentions (id, sort_key, source, kind, external_id, url, text, "
            "author_followers, published_at, collected_at) VALUES (3, 3, 'krant', 'rss', '1', "
            "'https://e.nl/2', 'datalek bij curio', 3000000000, :now, :now)"), {"now": now})
    from monitor.store.search import SearchFilters, search

    with engine.connect() as conn:
        assert [s.id for s in search(conn, "curio", SearchFilters())] == [3, 2, 1]
        assert [s.id for s in search(conn, "datalek", SearchFilters())] == [3]
        assert search(conn, None, SearchFilters(sources=("krant",)))[0].mention.author_followers \
            == 3_000_000_000
    engine.dispose()
