"""Alembic environment. Run through ``signaleer db upgrade`` or ``alembic upgrade head``."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from monitor.db import include_object, make_engine, metadata
from monitor.migrate import set_sqlite_foreign_keys


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
    # `alembic -x url=...` names the database; else $SIGNALEER_DATABASE_URL; else alembic.ini's.
    url = (context.get_x_argument(as_dictionary=True).get("url")
           or os.environ.get("SIGNALEER_DATABASE_URL") or config.get_main_option("sqlalchemy.url"))
    engine = make_engine(url)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # see monitor.migrate._run: a batch rebuild must not cascade
            set_sqlite_foreign_keys(conn, on=False)
        try:
            _configure(conn)
        finally:
            if sqlite:
                set_sqlite_foreign_keys(conn, on=True)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
