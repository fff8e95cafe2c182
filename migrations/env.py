"""Alembic environment. Run through ``signaleer db upgrade`` or ``alembic upgrade head``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from monitor.db import make_engine, metadata

# Full-text objects are created by migrations with raw SQL and are not part of ``metadata``.
FTS_OBJECTS = {"mentions_fts", "search_vector", "ix_mentions_search_vector"}


def include_object(obj, name, type_, reflected, compare_to):
    return not (name in FTS_OBJECTS or (name or "").startswith("mentions_fts"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
