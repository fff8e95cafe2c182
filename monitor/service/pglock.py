"""The PostgreSQL side of the instance lock: a session advisory lock on a dedicated connection.

The connection is opened outside any pool and kept for as long as the lock is held; its
``application_name`` (``signaleer-lock:<purpose>:<host>:<pid>``) lets a refused second instance say
who holds the lock. Advisory locks are per database, so every host pointing at the same database
shares one lock. The key depends on the connection's ``current_schema()`` (see ``lock_key``).
"""

from __future__ import annotations

import contextlib
import os
import socket
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from monitor.db import normalise_url
from monitor.errors import StoreError
from monitor.service.holder import Holder, lock_key

_HOLDER_SQL = text("""
    SELECT a.application_name, a.backend_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid::bigint = :hi AND l.objid::bigint = :lo
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    LIMIT 1
""")


class AdvisoryLock:
    def __init__(self, url: str, purpose: str) -> None:
        self.url = normalise_url(url)
        self.purpose = purpose
        self.key: int | None = None
        self._engine: Engine | None = None
        self._conn: Connection | None = None

    def _connect(self) -> Connection:
        if self._engine is None:
            app = f"signaleer-lock:{self.purpose}:{socket.gethostname()}:{os.getpid()}"[:63]
            self._engine = create_engine(self.url, poolclass=NullPool,
                                         connect_args={"application_name": app, "connect_timeout": 10},
                                         isolation_level="AUTOCOMMIT")
        try:
            conn = self._engine.connect()
            if self.key is None:
                self.key = lock_key(conn.execute(text("SELECT current_schema()")).scalar())
        except DBAPIError as exc:
            raise StoreError(f"cannot reach PostgreSQL for the instance lock: {_first_line(exc)}") from None
        return conn

    def try_acquire(self) -> bool:
        conn = self._conn or self._connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
        except DBAPIError as exc:
            conn.close()
            self._conn = None
            raise StoreError(f"instance lock query failed: {_first_line(exc)}") from None
        self._conn = conn if got else None
        if not got:
            conn.close()
        return got

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):  # a gone connection took the lock with it
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def alive(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def holder(self) -> Holder | None:
        try:
            conn = self._conn or self._connect()
            key = self.key if self.key is not None else lock_key()
            params = {"hi": (key >> 32) & 0xFFFFFFFF, "lo": key & 0xFFFFFFFF}
            try:
                row = conn.execute(_HOLDER_SQL, params).first()
            finally:
                if conn is not self._conn:
                    conn.close()
        except (DBAPIError, StoreError):
            return None
        if row is None:
            return None
        return _parse_app(str(row.application_name or ""), row.backend_start)

    def where(self) -> str:
        return f"PostgreSQL advisory lock {self.key if self.key is not None else lock_key()}"


def _parse_app(app: str, started: Any) -> Holder:
    since = started.isoformat(timespec="seconds") if started is not None else None
    parts = app.split(":")
    if len(parts) == 4 and parts[0] == "signaleer-lock":
        pid = int(parts[3]) if parts[3].isdigit() else None
        return Holder(parts[1], parts[2], pid, since)
    return Holder("unknown", app or "another session", None, since)


def _first_line(exc: DBAPIError) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
