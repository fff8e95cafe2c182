"""Engine factory and table definitions (Alembic's ``target_metadata``).

The schema is the same on SQLite and PostgreSQL. Full-text search objects differ by necessity and are
created only by migrations: SQLite gets an FTS5 external-content table ``mentions_fts`` whose rowid is
``mentions.sort_key``; PostgreSQL gets a generated ``search_vector`` column with a GIN index.

``sort_key`` orders mentions by publication time and is unique: ``(epoch seconds << 20) | 20 bits``.
Because the FTS rowid is that key, "newest first" is a walk backwards through the index that stops
after ``LIMIT`` rows, however many rows match.
"""

from __future__ import annotations

import contextlib
import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
)
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator

from monitor.private_files import prepare_sqlite_file

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes in, timezone-aware UTC datetimes out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} reached storage; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _id(**kw: Any) -> Column[Any]:
    return Column("id", IdType, primary_key=True, autoincrement=True, **kw)


def _mention_fk(**kw: Any) -> Column[Any]:
    return Column("mention_id", IdType, ForeignKey("mentions.id", ondelete="CASCADE"),
                  nullable=False, **kw)


mentions = Table(
    "mentions", metadata,
    _id(),
    Column("sort_key", BigInteger, nullable=False, unique=True),
    Column("source", String(128), nullable=False),  # the connector's configured name
    Column("kind", String(32), nullable=True),  # its kind (rss, youtube, mastodon, ...), shown beside it
    Column("external_id", String(512), nullable=False),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=True, index=True),
    Column("fingerprint", String(40), nullable=True, index=True),
    Column("cluster_id", IdType, nullable=True, index=True),
    Column("title", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("author", String(256), nullable=True, index=True),
    Column("author_followers", BigInteger, nullable=True),
    Column("lang", String(8), nullable=True),
    Column("matched_alias", String(128), nullable=True),
    Column("published_at", UTCDateTime, nullable=False),
    Column("collected_at", UTCDateTime, nullable=False, index=True),
    Column("extra", JSON, nullable=True),
    # Already older than its connector's max_age when first collected: searchable, never news
    # (no urgent alert, not listed as new in a digest).
    Column("stale", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("source", "external_id"),
)

verdicts = Table(
    "verdicts", metadata,
    Column("mention_id", IdType, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("severity", String(16), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("categories", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("classifier_version", String(32), nullable=False),
    Column("classified_at", UTCDateTime, nullable=False),
)

flags = Table(
    "flags", metadata,
    _id(),
    _mention_fk(index=True),
    Column("category", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "category", "mention_id"),
)

connector_state = Table(
    "connector_state", metadata,
    Column("name", String(128), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("cursor", JSON, nullable=True),
    Column("last_success_at", UTCDateTime, nullable=True),
    Column("last_failure_at", UTCDateTime, nullable=True),
    Column("last_new_at", UTCDateTime, nullable=True),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("not_before", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

connector_runs = Table(
    "connector_runs", metadata,
    _id(),
    Column("connector", String(128), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("http_status", Integer, nullable=True),
    Column("fetched", Integer, nullable=False, default=0),
    Column("new", Integer, nullable=False, default=0),
    Column("warnings", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Index(None, "connector", "started_at"),
)

digests = Table(
    "digests", metadata,
    _id(),
    Column("digest_date", Date, nullable=False),
    Column("audience", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | failed
    Column("message_id", String(255), nullable=False),
    Column("subject", Text, nullable=True),
    Column("recipients", JSON, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("digest_date", "audience"),
)

digest_items = Table(
    "digest_items", metadata,
    Column("digest_id", IdType, ForeignKey("digests.id", ondelete="CASCADE"), primary_key=True),
    Column("mention_id", IdType, ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("section", String(32), nullable=False),
    Index(None, "mention_id", unique=True),
)

alerts = Table(
    "alerts", metadata,
    _id(),
    _mention_fk(unique=True),
    Column("status", String(16), nullable=False),  # pending | sent | failed | suppressed
    Column("message_id", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)

spikes = Table(
    "spikes", metadata,
    _id(),
    Column("window_start", UTCDateTime, nullable=False, unique=True),
    Column("window_end", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("top_terms", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("digest_id", IdType, ForeignKey("digests.id", ondelete="SET NULL"), nullable=True),
)

# One row per (channel, message): an urgent mention, a spike, an overflow summary or the weekly
# overview. See monitor.store.chat_outbox for the life cycle; ``ref`` is the mention id, the spike
# id, the summary's time or the week's first day.
chat_outbox = Table(
    "chat_outbox", metadata,
    _id(),
    Column("channel", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # mention | spike | overflow | weekly
    Column("ref", String(64), nullable=False),
    Column("mention_id", IdType, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=True),
    Column("spike_id", IdType, ForeignKey("spikes.id", ondelete="CASCADE"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("covered_by", IdType, nullable=True),  # a suppressed row: the overflow summary's id
    UniqueConstraint("channel", "kind", "ref"),
    Index(None, "status", "due_at"),
    Index(None, "channel", "started_at"),
    Index(None, "mention_id"),
    Index(None, "spike_id"),
)

triage = Table(
    "triage", metadata,
    _id(),
    _mention_fk(index=True),
    Column("status", String(16), nullable=False),  # relevant | not-relevant | handled
    Column("actor", String(128), nullable=False),
    Column("note", Text, nullable=True),
    Column("at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    _id(),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(256), nullable=True),
    Column("details", JSON, nullable=True),
)

classifier_models = Table(
    "classifier_models", metadata,
    _id(),
    Column("version", String(32), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("labels", Integer, nullable=False),
    Column("metrics", JSON, nullable=True),
    Column("blob", LargeBinary, nullable=False),
    Column("active", Boolean, nullable=False, default=False),
)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with SQLite set up for a daemon and concurrent readers (WAL, busy timeout, FKs)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        prepare_sqlite_file(make_url(url).database or "")  # 0600 whatever the umask
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=2, max_overflow=4)


def dialect_insert(conn: Any, table: Table) -> Any:
    """``INSERT`` for ``conn``'s database, with ``on_conflict_do_nothing``: the SQLite or the
    PostgreSQL construct. Looked up by the connection's dialect name, whose module the engine has
    already loaded, so a SQLite command never imports the PostgreSQL dialect (start-up time)."""
    return importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}").insert(table)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, also for a URI filename (``sqlite:///file:/x.db?uri=true``);
    ``None`` for in-memory SQLite and other databases."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if database.startswith("file:"):
        if "memory" in str(parsed.query.get("mode", "")):
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
        database = database.removeprefix("//localhost").removeprefix("//")
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser().resolve()


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = 30000")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and not _is_memory(dbapi_conn):
            with contextlib.suppress(Exception):
                cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
    finally:
        cur.close()


def _is_memory(dbapi_conn: Any) -> bool:
    row = dbapi_conn.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front, so they wait (busy_timeout) instead of failing on upgrade.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Full-text objects are created by migrations with raw SQL and are not part of ``metadata``.
FTS_OBJECTS = frozenset({"mentions_fts", "search_vector", "ix_mentions_search_vector"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave the hand-written full-text objects out of autogenerate."""
    return not (name in FTS_OBJECTS or (name or "").startswith("mentions_fts"))
