"""Writing and reading mentions: batched, dedup-safe inserts and clustering of near-duplicates."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import chain, islice
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from monitor.db import mentions
from monitor.matching import canonical_url, cluster_fingerprint, strip_tracking
from monitor.models import InsertResult, Mention
from monitor.store.minimise import minimise_extra

SORT_SHIFT = 20
SORT_LOW_MASK = (1 << SORT_SHIFT) - 1
MAX_TEXT_CHARS = 100_000
MAX_FIELD = {"source": 128, "kind": 32, "author": 256, "lang": 8, "matched_alias": 128}
# More followers than people on earth is a source's bug or a lie; it must not fail a batch (the
# column is BIGINT, but SQLite's driver refuses ints beyond 2**63) nor outrank everything.
MAX_FOLLOWERS = 10_000_000_000
FUTURE_TOLERANCE = timedelta(hours=1)
KEY_LOOKUP_SLICE = 2000  # keys per "already stored?" query, well under SQLite's bound-variable limit


def sort_key_for(published_at: datetime, source: str, external_id: str) -> int:
    """Time-ordered unique key: epoch seconds in the high bits, a stable 20-bit hash below."""
    seconds = int(published_at.timestamp())
    low = zlib.crc32(f"{source}\x1f{external_id}".encode()) & SORT_LOW_MASK
    return (seconds << SORT_SHIFT) | low


def sort_key_bounds(since: datetime | None, until: datetime | None) -> tuple[int | None, int | None]:
    """The ``sort_key`` range covering ``[since, until)``."""
    low = int(since.timestamp()) << SORT_SHIFT if since else None
    high = (int(until.timestamp()) << SORT_SHIFT) - 1 if until else None
    return low, high


# Characters no stored text may carry (issue 18.7): C0 controls (NUL included), DEL, C1 controls
# (U+009B is a one-character CSI) and the bidi overrides and isolates that reorder what a reader
# sees. A terminal would obey them when ``show``, ``search`` or a ``--csv`` file prints the field.
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
UNSAFE_CODEPOINTS = frozenset((*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI))
_LINE_BREAKS = {ord(c): " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"}
_ONE_LINE = {**dict.fromkeys(UNSAFE_CODEPOINTS), **_LINE_BREAKS}
_MULTI_LINE = {**_ONE_LINE, ord("\t"): "\t", ord("\n"): "\n", ord("\r"): "\n"}


def strip_controls(value: str, *, multiline: bool = False) -> str:
    """``value`` without control characters and bidi overrides. Line breaks and tabs become
    spaces, unless ``multiline`` (a post's text), which keeps tabs and line breaks (CR LF -> LF)."""
    if value.isprintable():  # no control or format character at all: the common case
        return value
    if multiline:
        return value.replace("\r\n", "\n").translate(_MULTI_LINE)
    return value.translate(_ONE_LINE)


def clean(value: str | None, limit: int | None = None, *, multiline: bool = False) -> str | None:
    """Remove control characters, bidi overrides and lone surrogates (see ``strip_controls``;
    both databases reject NUL and surrogates); cap the length. Every stored text passes here."""
    if value is None:
        return None
    value = strip_controls(value, multiline=multiline)
    value = value.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(value) else value
    return value[:limit] if limit is not None and len(value) > limit else value


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def mention_key(mention: Mention) -> tuple[str, str]:
    """The stored ``(source, external_id)``: the unique key, cleaned exactly as ``to_row`` stores it."""
    return clean(mention.source, MAX_FIELD["source"]) or "unknown", _external_id(mention)


def followers(value: object) -> int | None:
    """A follower count as stored: a whole number in ``0..MAX_FOLLOWERS``; else unknown (None)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return min(value, MAX_FOLLOWERS)


def _external_id(mention: Mention) -> str:
    ext = clean(mention.external_id) or ""
    if len(ext) <= 512:
        return ext
    return "sha1:" + hashlib.sha1(ext.encode()).hexdigest()


def to_row(mention: Mention, collected_at: datetime, keep_fields: tuple[str, ...] = (),
           max_age: timedelta | None = None) -> dict[str, Any]:
    """A mention as a ``mentions`` row: cleaned, capped, with sort key, canonical URL, fingerprint;
    ``stale`` when it was published more than ``max_age`` before now, its first sight."""
    row = _cleaned_fields(mention, collected_at, keep_fields)
    url, text, published = row["url"], row["text"], row["published_at"]
    return {
        **row,
        "stale": max_age is not None and published < collected_at - max_age,
        "sort_key": sort_key_for(published, row["source"], row["external_id"]),
        "canonical_url": canonical_url(url) if url else None,
        "fingerprint": cluster_fingerprint(text or mention.title or ""),
    }


def _cleaned_fields(mention: Mention, collected_at: datetime, keep_fields: tuple[str, ...]
                    ) -> dict[str, Any]:
    """The row's columns that hold the mention itself, cleaned and capped as stored."""
    published = mention.published_at.astimezone(UTC)
    if published > collected_at + FUTURE_TOLERANCE:
        published = collected_at
    source, external_id = mention_key(mention)
    return {
        "source": source,
        "kind": clean(mention.kind, MAX_FIELD["kind"]),
        "external_id": external_id,
        "url": strip_tracking(clean(mention.url) or ""),
        "title": clean(mention.title, 2000),
        "text": clean(mention.text, MAX_TEXT_CHARS, multiline=True) or "",
        "author": clean(mention.author, MAX_FIELD["author"]),
        "author_followers": followers(mention.author_followers),
        "lang": clean(mention.lang, MAX_FIELD["lang"]),
        "matched_alias": clean(mention.extra.get("matched_alias"), MAX_FIELD["matched_alias"])
        if mention.extra else None,
        "published_at": published,
        "collected_at": collected_at,
        "extra": _json_safe_extra(mention.extra, keep_fields),
    }


def stored_form(mention: Mention, collected_at: datetime, keep_fields: tuple[str, ...] = ()
                ) -> Mention:
    """The mention as it will read back once stored: what the classifier judges. Lets the
    pipeline classify before it opens the write transaction."""
    row = _cleaned_fields(mention, collected_at, keep_fields)
    alias = row["matched_alias"]
    return Mention(
        source=row["source"], kind=row["kind"], external_id=row["external_id"], url=row["url"],
        text=row["text"],
        published_at=row["published_at"], author=row["author"],
        author_followers=row["author_followers"], title=row["title"], lang=row["lang"],
        extra={**(row["extra"] or {}), **({"matched_alias": alias} if alias else {})})


def unseen(conn: Connection, batch: Sequence[Mention]) -> list[Mention]:
    """The mentions of ``batch`` not stored yet (the first of each key): a read, no lock."""
    return [m for chunk in _chunks(batch, KEY_LOOKUP_SLICE) for m in _unseen(conn, chunk)]


def keys_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """``id -> (source, external_id)`` of these mentions."""
    c = mentions.c
    return {row.id: (row.source, row.external_id)
            for start in range(0, len(ids), KEY_LOOKUP_SLICE)
            for row in conn.execute(select(c.id, c.source, c.external_id)
                                    .where(c.id.in_(list(ids[start:start + KEY_LOOKUP_SLICE]))))}


def _json_safe_extra(extra: Any, keep_fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """Data minimisation: only the fields Signaleer uses (engagement counts, outlet) and the
    configured ``retention.keep_fields`` are stored; the matched alias has its own column."""
    kept = minimise_extra(extra, keep_fields)
    kept.pop("matched_alias", None)
    return {k: clean(v) if isinstance(v, str) else v for k, v in kept.items()} or None


def _upsert_statement(conn: Connection, *, returning: bool = True) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(mentions).on_conflict_do_nothing(
        index_elements=["source", "external_id"])
    return stmt.returning(mentions.c.id) if returning else stmt


def _chunks(rows: Iterable[Mention], size: int) -> Iterator[list[Mention]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def insert_new(conn: Connection, batch: Iterable[Mention], *, batch_size: int = 2000,
               keep_fields: tuple[str, ...] = (), max_age: timedelta | None = None
               ) -> InsertResult:
    """Insert unseen mentions in batches; assign clusters to the new ones. Streams its input.

    With ``max_age``, mentions published longer ago than that are stored as stale (see ``db``)."""
    new_ids: list[int] = []
    duplicates = 0
    now = datetime.now(UTC)
    for chunk in _chunks(batch, batch_size):
        unseen = _unseen(conn, chunk)
        duplicates += len(chunk) - len(unseen)
        rows = [to_row(m, now, keep_fields, max_age) for m in unseen]
        _number_and_cluster(conn, rows)
        ids = _insert_numbered(conn, rows)
        duplicates += len(rows) - len(ids)
        _repair_clusters(conn, rows, ids)
        new_ids.extend(ids)
    return InsertResult(new_ids=tuple(new_ids), duplicates=duplicates)


def _number_and_cluster(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Give each row its id up front, and the cluster ``assign_clusters`` would give it.

    A row joins the lowest id, stored or earlier in the batch, with the same fingerprint or
    canonical URL. Knowing both before the INSERT spares an UPDATE of every new row (which on
    PostgreSQL rewrites the row, its generated ``tsvector`` and every index entry).
    """
    if not rows:
        return
    lowest_fp = _lowest_ids(conn, mentions.c.fingerprint, [r["fingerprint"] for r in rows])
    lowest_url = _lowest_ids(conn, mentions.c.canonical_url, [r["canonical_url"] for r in rows])
    for row, new_id in zip(rows, _allocate_ids(conn, len(rows)), strict=True):
        row["id"] = new_id
        cluster = new_id
        for lowest, value in ((lowest_fp, row["fingerprint"]), (lowest_url, row["canonical_url"])):
            if value is not None:
                cluster = min(cluster, lowest.setdefault(value, new_id))
        row["cluster_id"] = cluster


def _lowest_ids(conn: Connection, col: Any, values: list[str | None]) -> dict[str, int]:
    """The lowest stored id for each of ``values`` of ``col`` that is stored at all."""
    wanted = sorted({v for v in values if v is not None})
    if conn.dialect.name == "postgresql":  # see _stored_keys
        stmt: Any = sql_text(f"SELECT k.v, min(m.id) FROM unnest(CAST(:values AS text[])) AS k(v) "
                             f"JOIN mentions m ON m.{col.name} = k.v GROUP BY k.v")
    else:
        stmt = (select(col, func.min(mentions.c.id))
                .where(col.in_(bindparam("values", expanding=True))).group_by(col))
    return {value: lowest for start in range(0, len(wanted), KEY_LOOKUP_SLICE)
            for value, lowest in conn.execute(
                stmt, {"values": wanted[start:start + KEY_LOOKUP_SLICE]})}


def _allocate_ids(conn: Connection, n: int) -> list[int]:
    """``n`` fresh ids: from the sequence on PostgreSQL; after the largest id on SQLite, where
    the caller holds the write lock (and a concurrent writer would fail, not collide)."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(sql_text(
            "SELECT nextval(pg_get_serial_sequence('mentions', 'id')) FROM generate_series(1, :n)"
        ), {"n": n}).scalars())
    top = conn.execute(select(func.coalesce(func.max(mentions.c.id), 0))).scalar_one()
    return list(range(top + 1, top + 1 + n))


def _repair_clusters(conn: Connection, rows: list[dict[str, Any]], ids: list[int]) -> None:
    """If a concurrent writer stored some of these keys first, rows may point at a cluster id
    that was never used: recompute those the slow way."""
    if len(ids) == len(rows):
        return
    unused = {r["id"] for r in rows} - set(ids)
    stale = [r["id"] for r in rows if r["cluster_id"] in unused and r["id"] not in unused]
    if stale:
        assign_clusters(conn, stale)


def _unseen(conn: Connection, chunk: list[Mention]) -> list[Mention]:
    """The mentions whose key is neither stored yet nor earlier in ``chunk``.

    Checking keys first spares duplicates the costly part of ``to_row`` (fingerprint, canonical
    URL); the upsert's ON CONFLICT DO NOTHING still settles races with concurrent writers.
    """
    first: dict[tuple[str, str], Mention] = {}
    for m in chunk:
        first.setdefault(mention_key(m), m)
    stored = _stored_keys(conn, first.keys())
    return [m for key, m in first.items() if key not in stored]


_PG_STORED_KEYS = sql_text(
    # One array per column, joined to the unique index: a long IN list would make PostgreSQL
    # plan slowly and, before the table has statistics, scan every row of the source.
    "SELECT m.source, m.external_id FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[])) "
    "AS k(source, external_id) JOIN mentions m "
    "ON m.source = k.source AND m.external_id = k.external_id")


def _stored_keys(conn: Connection, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``keys`` are stored already."""
    if conn.dialect.name == "postgresql":
        sources, ids = zip(*keys, strict=True) if keys else ((), ())
        found = conn.execute(_PG_STORED_KEYS, {"sources": list(sources), "ids": list(ids)})
        return {(source, external_id) for source, external_id in found}
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    c = mentions.c
    stmt = select(c.external_id).where(c.source == bindparam("source"),
                                       c.external_id.in_(bindparam("ids", expanding=True)))
    return {(source, found) for source, ids in by_source.items()
            for start in range(0, len(ids), KEY_LOOKUP_SLICE)
            for found in conn.execute(stmt, {"source": source,
                                             "ids": ids[start:start + KEY_LOOKUP_SLICE]}).scalars()}


def _insert_numbered(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows that carry their id: a plain executemany (no RETURNING, which would make the
    driver build and parse one huge multi-row statement per batch); the row count tells if any
    key was taken meanwhile by a concurrent writer."""
    if not rows:
        return []
    savepoint = conn.begin_nested()
    try:
        inserted = conn.execute(_upsert_statement(conn, returning=False), rows).rowcount
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()  # a sort key collision: see _insert_one_probing
        stmt = _upsert_statement(conn)
        return [i for row in rows if (i := _insert_one_probing(conn, stmt, row)) is not None]
    ids = [row["id"] for row in rows]
    if inserted == len(ids):
        return ids
    stored = set(conn.execute(select(mentions.c.id).where(mentions.c.id.in_(ids))).scalars())
    return [i for i in ids if i in stored]


def _insert_one_probing(conn: Connection, stmt: Any, row: dict[str, Any]) -> int | None:
    """Insert one row whose sort key may be taken: two mentions of the same second can draw the
    same 20-bit hash (a hostile feed can arrange it for many). It then gets the nearest free key
    of its second, or of a later second if all 2**20 are taken: never an error on valid input."""
    key = row["sort_key"]
    while True:
        savepoint = conn.begin_nested()
        try:
            found = conn.execute(stmt, [dict(row, sort_key=key)]).first()
            savepoint.commit()
            return found[0] if found else None
        except IntegrityError:
            savepoint.rollback()
            free = _free_sort_key(conn, key)
            if free == key:  # the key was free: the row failed for another reason
                raise
            key = free


def _free_sort_key(conn: Connection, key: int) -> int:
    """The first stored-nowhere sort key at or after ``key`` in its second (wrapping round to the
    second's start), else in the next second that has one."""
    second = key & ~SORT_LOW_MASK
    while True:
        c = mentions.c
        taken = set(conn.execute(select(c.sort_key).where(
            c.sort_key.between(second, second | SORT_LOW_MASK))).scalars())
        start = max(key, second)
        for candidate in chain(range(start, (second | SORT_LOW_MASK) + 1), range(second, start)):
            if candidate not in taken:
                return candidate
        second += 1 << SORT_SHIFT


def assign_clusters(conn: Connection, ids: Sequence[int]) -> None:
    """Join each new mention to the oldest mention with the same fingerprint or canonical URL."""
    m2 = mentions.alias("m2")
    by_fingerprint = (select(func.min(m2.c.id)).where(m2.c.fingerprint == mentions.c.fingerprint)
                      .scalar_subquery())
    by_url = (select(func.min(m2.c.id)).where(m2.c.canonical_url == mentions.c.canonical_url)
              .scalar_subquery())
    lowest = func.min(func.coalesce(by_fingerprint, mentions.c.id),
                      func.coalesce(by_url, mentions.c.id), mentions.c.id)
    if conn.dialect.name == "postgresql":
        lowest = func.least(func.coalesce(by_fingerprint, mentions.c.id),
                            func.coalesce(by_url, mentions.c.id), mentions.c.id)
    for start in range(0, len(ids), 5000):
        part = list(ids[start:start + 5000])
        conn.execute(update(mentions).where(mentions.c.id.in_(part)).values(cluster_id=lowest))


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(mentions)).scalar_one()


__all__ = ["UNSAFE_CODEPOINTS", "assign_clusters", "clean", "count", "insert_new", "keys_by_id",
           "sort_key_bounds", "sort_key_for", "stored_form", "strip_controls", "to_row", "unseen"]
