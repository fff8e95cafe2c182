"""Full-text search over stored mentions: SQLite FTS5 or PostgreSQL tsvector, with filters.

Newest-first is the default order and the fast path: on SQLite the FTS rowid is ``sort_key`` (time
ordered), so the engine walks the index backwards and stops after ``limit`` matches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select

from monitor.db import flags, mentions, triage, verdicts
from monitor.errors import SearchSyntaxError, StoreError
from monitor.models import TRIAGE_FILTERS, Severity, StoredMention
from monitor.store.mentions import sort_key_bounds
from monitor.store.reading import stored_mentions
from monitor.store.searchquery import Query, parse, to_fts5, to_tsquery_sql
from monitor.store.triage import is_open, latest_status

SORTS = ("newest", "oldest", "relevance")
STATUSES = TRIAGE_FILTERS
MAX_LIMIT = 10_000
WALK_COST_RATIO = 1.2  # one row visit in a sort_key index walk / one in a GIN bitmap scan (measured)
BITMAP_MAX_MATCHES = 1500  # below this, collecting all matches is cheap enough (~1 page read each)
WINDOW_SPARE = 3  # the time slice searched first is expected to hold this many times `limit`
_fts = table("mentions_fts", column("rowid"))


@dataclass(frozen=True, slots=True)
class SearchFilters:
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    authors: tuple[str, ...] = ()
    flagged: bool = False
    min_severity: Severity | None = None
    status: str | None = None
    langs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    limit: int = 50
    sort: str = "newest"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise SearchSyntaxError(f"--sort: expected one of {', '.join(SORTS)}, got {self.sort!r}")
        if self.status is not None and self.status not in STATUSES:
            raise SearchSyntaxError(
                f"--status: expected one of {', '.join(STATUSES)}, got {self.status!r}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise SearchSyntaxError(f"--limit: must be between 1 and {MAX_LIMIT}, got {self.limit}")
        if self.since and self.until and self.since >= self.until:
            raise SearchSyntaxError("--since must be before --until")


def search(conn: Connection, query_text: str | None, filters: SearchFilters) -> list[StoredMention]:
    """Run a search. Bad input raises ``SearchSyntaxError``; database trouble ``StoreError``."""
    query = parse(query_text) if query_text and query_text.strip() else None
    if filters.sort == "relevance" and query is None:
        raise SearchSyntaxError("--sort relevance needs a search query")
    stmt = _base(conn, query, filters).where(*_filter_clauses(filters))
    try:
        if query is not None and conn.dialect.name == "postgresql" and filters.sort != "relevance":
            ids = _postgres_by_time(conn, stmt, filters, may_walk=not _has_phrase(query))
        else:
            ids = _ids(conn, stmt, filters.limit)
    except DBAPIError as exc:
        raise StoreError(f"search failed: {str(exc.orig).splitlines()[0]}") from None
    return stored_mentions(conn, ids)


def count_matches(conn: Connection, query_text: str | None, filters: SearchFilters) -> int:
    """How many mentions match, ignoring ``limit`` (for "50 of 120 shown")."""
    query = parse(query_text) if query_text and query_text.strip() else None
    stmt = _base(conn, query, filters).where(*_filter_clauses(filters)).order_by(None)
    try:
        return conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    except DBAPIError as exc:
        raise StoreError(f"search failed: {str(exc.orig).splitlines()[0]}") from None


def search_all(conn: Connection, query_text: str | None, filters: SearchFilters, *,
               chunk: int = 500) -> Iterator[StoredMention]:
    """Every match, in the requested order, ``chunk`` at a time: memory stays constant however
    many there are (a server-side cursor on PostgreSQL; SQLite's cursor streams by nature)."""
    query = parse(query_text) if query_text and query_text.strip() else None
    if filters.sort == "relevance" and query is None:
        raise SearchSyntaxError("--sort relevance needs a search query")
    stmt = _base(conn, query, filters).where(*_filter_clauses(filters))
    if query is not None and conn.dialect.name == "postgresql" and filters.sort != "relevance":
        key = mentions.c.sort_key
        stmt = stmt.order_by(key.asc() if filters.sort == "oldest" else key.desc())
    try:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(stmt)
        for part in result.partitions(chunk):
            yield from stored_mentions(conn, [row[0] for row in part])
    except DBAPIError as exc:
        raise StoreError(f"search failed: {str(exc.orig).splitlines()[0]}") from None


def compact_index(conn: Connection, budget_pages: int | None = None) -> None:
    """Tidy the search structures after bulk writes.

    SQLite: merge the segments of the full-text index (every query walks every segment, so a
    merged index answers phrase and AND queries several times faster). ``None`` merges everything
    (about 10 s for 1M mentions); a number does roughly that many pages of incremental merging.

    PostgreSQL: with ``None``, rewrite ``mentions`` in ``sort_key`` (time) order and refresh the
    planner's statistics. A daemon inserts in time order anyway; a bulk import of old data does
    not, and then "newest first" reads one random page per row (p95 30-50 ms instead of ~10 ms on
    1M mentions). Takes an exclusive lock on the table for a while (about 30 s per 1M mentions).
    """
    if conn.dialect.name != "sqlite":
        if budget_pages is None:
            conn.exec_driver_sql("CLUSTER mentions USING uq_mentions_sort_key")
            conn.exec_driver_sql("ANALYZE mentions")
        return
    if budget_pages is None:
        conn.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts) VALUES ('optimize')")
    else:
        conn.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('merge', ?)",
                             (-abs(budget_pages),))


def _base(conn: Connection, query: Query | None, filters: SearchFilters) -> Select[Any]:
    m = mentions.c
    if query is None:
        order = m.sort_key.asc() if filters.sort == "oldest" else m.sort_key.desc()
        return select(m.id).order_by(order)
    if conn.dialect.name == "sqlite":
        return _sqlite_fts(query, filters)
    return _postgres_fts(query, filters)


def _sqlite_fts(query: Query, filters: SearchFilters) -> Select[Any]:
    match = text("mentions_fts MATCH :fts_query").bindparams(fts_query=to_fts5(query))
    stmt = (select(mentions.c.id)
            .select_from(_fts.join(mentions, mentions.c.sort_key == _fts.c.rowid))
            .where(match))
    if filters.sort == "relevance":
        return stmt.order_by(literal_column("bm25(mentions_fts)"))
    order = _fts.c.rowid.asc() if filters.sort == "oldest" else _fts.c.rowid.desc()
    return stmt.order_by(order)


def _postgres_fts(query: Query, filters: SearchFilters) -> Select[Any]:
    sql, params = to_tsquery_sql(query)
    tsquery = text(f"({sql})").bindparams(**params)
    vector = literal_column("mentions.search_vector")
    stmt = select(mentions.c.id).where(vector.op("@@")(tsquery))
    if filters.sort == "relevance":
        return stmt.order_by(func.ts_rank_cd(vector, tsquery).desc(), mentions.c.sort_key.desc())
    return stmt  # ordered by _postgres_time_order, once the filters are in


def _has_phrase(query: Query) -> bool:
    return any(t.is_phrase for c in query.positive for t in c.alternatives)


def _postgres_by_time(conn: Connection, stmt: Select[Any], filters: SearchFilters, *,
                      may_walk: bool = True) -> list[int]:
    """Newest (or oldest) first on PostgreSQL, by the cheapest of three plans.

    With the heap in no particular time order, every row visited costs about one page read.
    Walking the ``sort_key`` index visits ``limit / share`` rows; collecting every match through
    the GIN index and sorting visits one row per match. Between the two (a word in ~0.1-3% of
    rows at 1M) both visit thousands of rows, so the bitmap is first limited to the newest slice
    of the time range expected to hold ``limit`` matches a few times over (a BitmapAnd with the
    ``sort_key`` index), and the rest is searched only if that slice falls short. The planner's
    own row estimates decide; ordering by ``sort_key + 0`` keeps it off the index walk. Phrases
    never walk: the planner estimates them as if their words were ANDed, and a rare phrase of
    common words would make the walk visit most of the table.
    """
    matches, total = _postgres_estimates(conn, stmt)
    key, limit, newest = mentions.c.sort_key, filters.limit, filters.sort != "oldest"
    if may_walk and matches * matches >= WALK_COST_RATIO * limit * total:
        return _ids(conn, stmt.order_by(key.desc() if newest else key.asc()), limit)
    by_time = stmt.order_by((key + 0).desc() if newest else (key + 0).asc())
    if matches <= BITMAP_MAX_MATCHES:
        return _ids(conn, by_time, limit)
    bound = _slice_bound(conn, WINDOW_SPARE * limit / matches, newest)
    inside, outside = (key >= bound, key < bound) if newest else (key <= bound, key > bound)
    ids = _ids(conn, by_time.where(inside), limit)
    if len(ids) < limit:
        ids += _ids(conn, by_time.where(outside), limit - len(ids))
    return ids


def _slice_bound(conn: Connection, fraction: float, newest: bool) -> int:
    """The ``sort_key`` that cuts off the newest (oldest) ``fraction`` of the stored time range."""
    low, high = conn.execute(select(func.min(mentions.c.sort_key),
                                    func.max(mentions.c.sort_key))).one()
    if low is None:
        return 0
    span = int((high - low) * min(fraction, 1.0))
    return high - span if newest else low + span


def _ids(conn: Connection, stmt: Select[Any], limit: int) -> list[int]:
    return [row[0] for row in conn.execute(stmt.limit(limit))]


def _postgres_estimates(conn: Connection, stmt: Select[Any]) -> tuple[float, float]:
    """The planner's estimate of matching rows, and of all rows in ``mentions``."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    total = conn.exec_driver_sql(
        "SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'mentions'::regclass").scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"]), float(total)


def _filter_clauses(f: SearchFilters) -> list[Any]:
    m = mentions.c
    clauses: list[Any] = []
    low, high = sort_key_bounds(f.since, f.until)
    if low is not None:
        clauses.append(m.sort_key >= low)
    if high is not None:
        clauses.append(m.sort_key <= high)
    if f.sources:  # a connector's name, or a kind (all rss connectors)
        clauses.append(or_(m.source.in_(f.sources), m.kind.in_(f.sources)))
    if f.langs:
        clauses.append(m.lang.in_(f.langs))
    if f.authors:
        clauses.append(_author_clause(f.authors))
    clauses.extend(_verdict_clauses(f))
    if f.status:
        clauses.append(_status_clause(f.status))
    return clauses


def _author_clause(authors: Sequence[str]) -> Any:
    names = {a.strip().lstrip("@").lower() for a in authors if a.strip()}
    variants = sorted(names | {"@" + n for n in names})
    return func.lower(mentions.c.author).in_(variants)


def _verdict_clauses(f: SearchFilters) -> list[Any]:
    clauses: list[Any] = []
    v = verdicts.c
    minimum = f.min_severity or (Severity.INFO if f.flagged else None)
    if minimum is not None:
        allowed = [s.value for s in Severity if s.rank >= minimum.rank]
        clauses.append(exists().where(and_(v.mention_id == mentions.c.id, v.severity.in_(allowed))))
    if f.categories:
        clauses.append(exists().where(and_(flags.c.mention_id == mentions.c.id,
                                           flags.c.category.in_(f.categories))))
    return clauses


def _status_clause(status: str) -> Any:
    if status == "untriaged":
        return ~exists().where(triage.c.mention_id == mentions.c.id)
    if status == "open":
        return is_open(mentions.c.id)
    return latest_status(mentions.c.id) == status
