"""Ingest benchmark: ``Store.insert_new`` against the raw driver, duplicates, and import memory.

    python -m bench.ingest                       # 100k and 1M rows, SQLite and PostgreSQL
    python -m bench.ingest --rows 2000 --db sqlite   # a tiny run (CI)

For every database and size, the same seeded mentions go (a) through ``Store.insert_new`` (dedup,
fingerprint, canonical URL, clusters, FTS) into a freshly migrated database and (b) straight through
the driver into another freshly migrated database (same tables, indexes and full-text triggers or
generated ``tsvector``): ``sqlite3`` ``executemany``, psycopg ``executemany`` (pipeline mode) and
psycopg ``COPY``. Rows for (b) are prepared with ``to_row`` outside the clock; generating mentions is
never timed. Each 5,000 mentions are one transaction on both sides. PostgreSQL comes from
``--pg-url`` or ``$SIGNALEER_TEST_POSTGRES_URL``; each run uses a new schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import (
    Generator,
    Target,
    fresh_pg_schema,
    fresh_sqlite,
    migrated_engine,
    peak_rss_mb,
    pg_base_url,
    print_table,
    print_targets,
    work_dir,
    write_jsonl,
)

CHUNK = 5000
DUPLICATE_ROWS = 100_000
RATIO_TARGET = 2.0
DUPLICATE_TARGET = 100_000.0
RSS_RATIO_TARGET = 1.3
COLUMNS = ("sort_key", "source", "external_id", "url", "canonical_url", "fingerprint", "title",
           "text", "author", "author_followers", "lang", "matched_alias", "published_at",
           "collected_at", "extra")
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    db: str
    rows: int
    store_rate: float
    raw: dict[str, float] = field(default_factory=dict)  # method -> rows/s
    duplicate_rate: float | None = None


# ----------------------------------------------------------------------------- raw inserts


def _raw_rows(chunk: list[Any], now: datetime, dialect: str) -> list[tuple[Any, ...]]:
    from monitor.store.mentions import to_row

    rows = []
    for mention in chunk:
        row = to_row(mention, now)
        row["extra"] = json.dumps(row["extra"])
        if dialect == "sqlite":  # what SQLAlchemy's DateTime stores on SQLite
            for key in ("published_at", "collected_at"):
                row[key] = row[key].replace(tzinfo=None).isoformat(" ", "microseconds")
        rows.append(tuple(row[c] for c in COLUMNS))
    return rows


def _insert_sql(placeholder: str) -> str:
    return (f"INSERT INTO mentions ({', '.join(COLUMNS)}) "
            f"VALUES ({', '.join([placeholder] * len(COLUMNS))})")


def _timed_chunks(gen: Generator, rows: int, dialect: str) -> Iterator[list[tuple[Any, ...]]]:
    now = datetime.now(UTC)
    for chunk in gen.chunks(rows, CHUNK):
        yield _raw_rows(chunk, now, dialect)


def raw_sqlite(url: str, gen: Generator, rows: int) -> float:
    """Seconds spent in ``sqlite3`` ``executemany`` (one transaction per chunk)."""
    import sqlite3

    migrated_engine(url).dispose()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    sql, spent = _insert_sql("?"), 0.0
    for batch in _timed_chunks(gen, rows, "sqlite"):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
        spent += time.perf_counter() - start
    conn.close()
    return spent


def raw_postgres(url: str, gen: Generator, rows: int, method: str) -> float:
    """Seconds spent in psycopg ``executemany`` or ``COPY`` (one transaction per chunk)."""
    import psycopg

    migrated_engine(url).dispose()
    spent = 0.0
    with psycopg.connect(url) as conn:
        for batch in _timed_chunks(gen, rows, "postgresql"):
            start = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur:
                _pg_write(cur, batch, method)
            spent += time.perf_counter() - start
    return spent


def _pg_write(cur: Any, batch: list[tuple[Any, ...]], method: str) -> None:
    if method == "executemany":
        cur.executemany(_insert_sql("%s"), batch)
        return
    with cur.copy(f"COPY mentions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row(row)


# ----------------------------------------------------------------------------- the store


def store_ingest(url: str, gen: Generator, rows: int, duplicates: int) -> tuple[float, float | None]:
    """Rows/s through ``Store.insert_new``; then rows/s re-ingesting the first ``duplicates``."""
    from monitor.store import Store

    store = Store.open(url)
    try:
        spent = _feed(store, gen, rows, expect_new=True)
        dup_seconds = _feed(store, gen, duplicates, expect_new=False) if duplicates else None
    finally:
        store.close()
    return rows / spent, (duplicates / dup_seconds if dup_seconds else None)


def _feed(store: Any, gen: Generator, rows: int, *, expect_new: bool) -> float:
    spent = 0.0
    for chunk in gen.chunks(rows, CHUNK):
        start = time.perf_counter()
        result = store.insert_new(chunk)
        spent += time.perf_counter() - start
        new = len(result.new_ids)
        if new != (len(chunk) if expect_new else 0):
            raise SystemExit(f"unexpected result: {new} new of {len(chunk)} (expect_new={expect_new})")
    return spent


# ----------------------------------------------------------------------------- one database


def run_sqlite(rows: int, seed: int) -> Result:
    gen = Generator(seed)
    with fresh_sqlite() as url:
        raw = rows / raw_sqlite(url, gen, rows)
    with fresh_sqlite() as url:
        rate, dup = store_ingest(url, gen, rows, min(rows, DUPLICATE_ROWS))
    return Result("sqlite", rows, rate, {"executemany": raw}, dup)


def run_postgres(rows: int, seed: int, base_url: str) -> Result:
    gen = Generator(seed)
    raw = {}
    for method in ("executemany", "copy"):
        with fresh_pg_schema(base_url) as url:
            raw[method] = rows / raw_postgres(url, gen, rows, method)
    with fresh_pg_schema(base_url) as url:
        rate, dup = store_ingest(url, gen, rows, min(rows, DUPLICATE_ROWS))
    return Result("postgresql", rows, rate, raw, dup)


# ----------------------------------------------------------------------------- import memory


def rss_child(jsonl: str, url: str) -> None:
    """Import ``jsonl`` through ``monitor.importer.import_file``; print peak RSS as JSON."""
    from monitor.importer import import_file
    from monitor.store import Store

    store = Store.open(url)
    start = time.perf_counter()
    report = import_file(store, Path(jsonl))
    seconds = time.perf_counter() - start
    store.close()
    print(json.dumps({"rss_mb": peak_rss_mb(), "new": report.new, "seconds": seconds}))


def import_rss(rows: int, seed: int) -> dict[str, float]:
    """Peak RSS (MiB) of a fresh process importing ``rows`` JSON lines into a fresh SQLite file."""
    path = write_jsonl(work_dir() / f"mentions-{rows}-{seed}.jsonl", rows, seed)
    with fresh_sqlite("rss") as url:
        out = subprocess.run([sys.executable, "-m", "bench.ingest", "--rss-child", str(path), url],
                             cwd=REPO, check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    if figures["new"] != rows:
        raise SystemExit(f"import stored {figures['new']} of {rows} lines")
    return figures


# ----------------------------------------------------------------------------- report


def report(results: list[Result], rss: dict[int, dict[str, float]]) -> int:
    rows = [(r.db, r.rows, r.store_rate, *_raw_cells(r), r.duplicate_rate or "-") for r in results]
    print_table("Ingest through Store.insert_new (dedup + fingerprint + clusters + full text) vs raw driver",
                ("db", "rows", "store rows/s", "raw rows/s", "raw method", "ratio raw/store",
                 "COPY rows/s", "ratio COPY/store", "re-ingest dup rows/s"), rows)
    if rss:
        print_table("Peak RSS importing JSON lines (monitor.importer.import_file, fresh process, SQLite)",
                    ("lines", "peak RSS MiB", "seconds"),
                    [(n, f["rss_mb"], f["seconds"]) for n, f in sorted(rss.items())])
    return print_targets(_targets(results, rss))


def _raw_cells(r: Result) -> tuple[Any, ...]:
    raw = r.raw["executemany"]
    copy = r.raw.get("copy")
    return (raw, "executemany", raw / r.store_rate,
            copy or "-", (copy / r.store_rate) if copy else "-")


def _targets(results: list[Result], rss: dict[int, dict[str, float]]) -> list[Target]:
    targets = [Target(f"{r.db} {r.rows:,} rows: raw executemany rows/s / store rows/s",
                      r.raw["executemany"] / r.store_rate, RATIO_TARGET) for r in results]
    targets += [Target(f"sqlite {r.rows:,} rows: re-ingest {min(r.rows, DUPLICATE_ROWS):,} "
                       "duplicates rows/s",
                       r.duplicate_rate, DUPLICATE_TARGET, higher_is_better=True)
                for r in results if r.db == "sqlite" and r.duplicate_rate]
    if len(rss) == 2:
        small, large = sorted(rss)
        targets.append(Target(f"peak RSS import {large:,} lines / {small:,} lines",
                              rss[large]["rss_mb"] / rss[small]["rss_mb"], RSS_RATIO_TARGET))
    return targets


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000],
                   help="sizes to ingest (default: 100000 1000000)")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--pg-url", help="PostgreSQL URL (default: $SIGNALEER_TEST_POSTGRES_URL)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-rss", action="store_true",
                   help="skip the import memory test (it imports max(rows)/10 and max(rows) lines)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    p.add_argument("--rss-child", nargs=2, metavar=("JSONL", "URL"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_child:
        rss_child(*args.rss_child)
        return 0
    runners = _runners(args)
    results = [_progress(run(rows)) for rows in sorted(args.rows) for run in runners]
    rss = {}
    if not args.no_rss:
        largest = max(args.rows)
        rss = {n: import_rss(n, args.seed) for n in (max(1, largest // 10), largest)}
    missed = report(results, rss)
    return 1 if missed and args.strict else 0


def _progress(r: Result) -> Result:
    raw = ", ".join(f"{method} {rate:,.0f}" for method, rate in r.raw.items())
    print(f"  {r.db} {r.rows:,}: store {r.store_rate:,.0f} rows/s, raw {raw} rows/s, "
          f"re-ingest {r.duplicate_rate or 0:,.0f} rows/s", file=sys.stderr, flush=True)
    return r


def _runners(args: argparse.Namespace) -> list[Callable[[int], Result]]:
    runners: list[Callable[[int], Result]] = []
    if args.db in ("sqlite", "both"):
        runners.append(lambda rows: run_sqlite(rows, args.seed))
    if args.db in ("postgres", "both"):
        base = pg_base_url(args.pg_url)
        if base is None:
            raise SystemExit("PostgreSQL: give --pg-url or set SIGNALEER_TEST_POSTGRES_URL")
        runners.append(lambda rows: run_postgres(rows, args.seed, base))
    return runners


if __name__ == "__main__":
    sys.exit(main())
