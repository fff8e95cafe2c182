"""The storage layer: the only code that reads and writes rows. ORM rows never leave it.

``Store`` is a small facade over an engine; its methods take an optional ``conn`` so that the
pipeline can compose several of them into one transaction (``with store.transaction() as conn``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from monitor import migrate
from monitor.db import make_engine, sqlite_path
from monitor.errors import StoreError
from monitor.models import InsertResult, Mention
from monitor.store.mentions import insert_new


class Store:
    """Owns an engine. Open with :meth:`open`; close with :meth:`close` (or use ``with``)."""

    def __init__(self, engine: Engine, *, keep_fields: tuple[str, ...] = ()) -> None:
        self.engine = engine
        self.keep_fields = keep_fields  # source fields kept beyond what Signaleer needs

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True, keep_fields: tuple[str, ...] = ()) -> Store:
        """Connect, and (by default) bring the schema up to date. Errors become ``StoreError``."""
        _check_sqlite_location(url)
        engine = make_engine(url)
        store = cls(engine, keep_fields=keep_fields)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if upgrade:
                store.upgrade()
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(f"cannot open database {safe_url(url)}: {_db_message(exc)}") from None
        return store

    def upgrade(self) -> None:
        try:
            if not migrate.is_current(self.engine):
                migrate.upgrade(self.engine)
        except DBAPIError as exc:
            raise StoreError(f"migration failed on {safe_url(str(self.engine.url))}: "
                             f"{_db_message(exc)}") from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction. SQLite takes the write lock at BEGIN (waits, never deadlocks)."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            raise StoreError(f"database write failed: {_db_message(exc)}") from exc

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"database read failed: {_db_message(exc)}") from exc

    def insert_new(self, batch: Iterable[Mention], *, conn: Connection | None = None,
                   batch_size: int = 2000, max_age: timedelta | None = None) -> InsertResult:
        """Insert the mentions that are not stored yet; return the new ids. Dedup-safe, batched.
        Mentions older than ``max_age`` are stored as stale: searchable, never news."""
        if conn is not None:
            return insert_new(conn, batch, batch_size=batch_size, keep_fields=self.keep_fields,
                              max_age=max_age)
        with self.transaction() as tx:
            return insert_new(tx, batch, batch_size=batch_size, keep_fields=self.keep_fields,
                              max_age=max_age)


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<invalid database url>"


def _db_message(exc: DBAPIError) -> str:
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip().splitlines()
    return message[0] if message else type(exc).__name__


def _check_sqlite_location(url: str) -> None:
    """Create the SQLite file's folder; say clearly when it cannot exist."""
    path = sqlite_path(url)
    if path is None:
        return
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create database folder {parent}: {exc.strerror}") from None
