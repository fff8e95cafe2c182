"""Run Alembic migrations from code (``signaleer db upgrade``, and before commands that need them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

import migrations


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_current(engine: Engine) -> bool:
    """One query, no Alembic import: the fast path every command takes before it works."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False  # no version table yet (or unreadable): let upgrade() decide
    return [r[0] for r in rows] == [migrations.HEAD]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a no-op when already there."""
    from alembic import command

    _run(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    _run(engine, lambda cfg: command.downgrade(cfg, revision))


def _run(engine: Engine, step: Callable[[Any], None]) -> None:
    """One transaction. On SQLite, foreign keys are off while it runs (a batch migration copies
    a table and drops the old one, and with them on that DROP would cascade into every table that
    refers to it); they are checked before the commit, and back on afterwards."""
    cfg = _alembic_config(engine)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            set_sqlite_foreign_keys(conn, on=False)
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg)
                if sqlite:
                    check_sqlite_foreign_keys(conn)
        finally:
            if sqlite:
                set_sqlite_foreign_keys(conn, on=True)


def set_sqlite_foreign_keys(conn: Connection, *, on: bool) -> None:
    """Outside any transaction (SQLite ignores the pragma inside one)."""
    conn.connection.driver_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def check_sqlite_foreign_keys(conn: Connection) -> None:
    from sqlalchemy import text

    broken = conn.execute(text("PRAGMA foreign_key_check")).all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken foreign key(s), first: {broken[0]}")
