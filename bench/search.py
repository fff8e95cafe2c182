"""Search benchmark: latency of ``monitor.store.search.search`` on 1M mentions, and CLI cold start.

    python -m bench.search                         # 1M mentions, SQLite and PostgreSQL
    python -m bench.search --rows 2000 --queries 20    # a tiny run (CI)

The database is built once through ``Store.insert_new`` from the seeded generator and cached: a
SQLite file under the bench directory (``$SIGNALEER_BENCH_DIR``, default ``<tmp>/signaleer-bench``)
and a PostgreSQL schema named after size and seed (vacuumed and analysed, as autovacuum would).
Queries are drawn from the generator's vocabulary with its Zipf frequencies: single words, phrases of
two adjacent words from generated texts, two-word AND queries, the institution's name, and the name
with one more word. Every query runs newest first with limit 50, through the public ``search``
function (which also loads the 50 mentions). Latencies are wall-clock, warm cache.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import (
    Generator,
    Target,
    median,
    percentile,
    pg_admin_exec,
    pg_base_url,
    pg_schema_url,
    print_table,
    print_targets,
    work_dir,
)
from migrations import HEAD

P95_TARGET_MS = 20.0
COLD_START_TARGET_S = 0.6
CLASSES = ("word", "phrase", "and", "name", "name+word")
BUILD_CHUNK = 5000
_WORD = re.compile(r"\w+")


# ----------------------------------------------------------------------------- cached databases


def build(url: str, rows: int, seed: int) -> None:
    from monitor.store import Store

    store = Store.open(url)
    try:
        for n, chunk in enumerate(Generator(seed).chunks(rows, BUILD_CHUNK), start=1):
            store.insert_new(chunk)
            if n % 40 == 0:
                print(f"  built {n * BUILD_CHUNK:,} of {rows:,}", file=sys.stderr, flush=True)
    finally:
        store.close()


def sqlite_database(rows: int, seed: int, rebuild: bool) -> str:
    path = work_dir() / f"search-{rows}-{seed}-r{HEAD}.db"  # a new schema builds a new cache
    done = path.with_suffix(".done")
    if rebuild or not done.exists():
        for stale in (path, done, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        print(f"building {path} ({rows:,} mentions) ...", file=sys.stderr, flush=True)
        build(f"sqlite:///{path}", rows, seed)
        done.touch()
    return f"sqlite:///{path}"


def postgres_database(base_url: str, rows: int, seed: int, rebuild: bool,
                      schema: str | None = None) -> str:
    schema = schema or f"bench_search_{rows}_{seed}_r{HEAD}"
    url = pg_schema_url(base_url, schema)
    if rebuild or not _pg_complete(base_url, schema):
        pg_admin_exec(base_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        pg_admin_exec(base_url, f'CREATE SCHEMA "{schema}"')
        print(f"building PostgreSQL schema {schema} ({rows:,} mentions) ...", file=sys.stderr,
              flush=True)
        build(url, rows, seed)
        pg_admin_exec(url, "VACUUM ANALYZE mentions")
        pg_admin_exec(url, "CREATE TABLE bench_complete (at timestamptz DEFAULT now())")
    return url


def _pg_complete(base_url: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(base_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                            (f'"{schema}".bench_complete',)).fetchone()[0]


# ----------------------------------------------------------------------------- queries


def make_queries(per_class: int, seed: int) -> dict[str, list[str]]:
    gen = Generator(seed + 1000)
    rng = random.Random(seed)
    texts = [m.text for m in gen.mentions(per_class)]
    queries: dict[str, list[str]] = {c: [] for c in CLASSES}
    for text in texts:
        words = [w.lower() for w in _WORD.findall(text)]
        start = rng.randrange(len(words) - 1)
        queries["phrase"].append(f'"{words[start]} {words[start + 1]}"')
    for _ in range(per_class):
        a, b = gen.words_by_frequency(rng, 2)
        queries["word"].append(a)
        queries["and"].append(f"{a} {b}")
        queries["name"].append("curio")
        queries["name+word"].append(f"curio {gen.words_by_frequency(rng, 1)[0]}")
    return queries


def time_queries(url: str, queries: dict[str, list[str]]) -> dict[str, list[float]]:
    """Milliseconds per query, per class; a short warm-up first (not counted)."""
    from monitor.store import Store
    from monitor.store.search import SearchFilters, search

    store = Store.open(url, upgrade=False)
    filters = SearchFilters(limit=50, sort="newest")
    timings: dict[str, list[float]] = {}
    try:
        with store.reading() as conn:
            for q in [q for qs in queries.values() for q in qs[:10]]:
                search(conn, q, filters)
            for name, qs in queries.items():
                timings[name] = [_one(lambda q=q: search(conn, q, filters)) for q in qs]
    finally:
        store.close()
    return timings


def _one(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


# ----------------------------------------------------------------------------- cold start


def cold_start(url: str, runs: int, query: str = "curio") -> list[float]:
    """Seconds from process start to exit for ``signaleer search QUERY`` (output complete)."""
    exe = Path(sys.executable).with_name("signaleer")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "monitor"]
    env = dict(os.environ, SIGNALEER_DATABASE_URL=url, XDG_CONFIG_HOME=str(work_dir() / "xdg"),
               COLUMNS="120")
    env.pop("SIGNALEER_CONFIG", None)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*cmd, "search", query], env=env, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0 or not any(w in done.stdout for w in ("mention", "shown")):
            raise SystemExit(f"signaleer search failed: {done.stderr.strip()[-300:]}")
    return seconds


# ----------------------------------------------------------------------------- report


def report(timings: dict[str, dict[str, list[float]]], cold: list[float] | None, rows: int) -> int:
    table = [(db, name, len(ms), median(ms), percentile(ms, 95), max(ms))
             for db, by_class in timings.items() for name, ms in by_class.items()]
    print_table(f"search() newest first, limit 50, on {rows:,} mentions (milliseconds, warm)",
                ("db", "class", "queries", "p50 ms", "p95 ms", "max ms"), table)
    targets = [Target(f"{db} p95 '{name}' queries", percentile(ms, 95), P95_TARGET_MS, unit=" ms")
               for db, by_class in timings.items() for name, ms in by_class.items()]
    if cold:
        print_table("signaleer search curio, cold start (process start to output, SQLite)",
                    ("runs", "median s", "min s", "max s"),
                    [(len(cold), median(cold), min(cold), max(cold))])
        targets.append(Target("cold start 'signaleer search curio' (median)", median(cold),
                              COLD_START_TARGET_S, unit=" s"))
    return print_targets(targets)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="mentions in the database (1000000)")
    p.add_argument("--queries", type=int, default=200, help="queries per class (200)")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--pg-url", help="PostgreSQL URL (default: $SIGNALEER_TEST_POSTGRES_URL)")
    p.add_argument("--pg-schema", help="cached PostgreSQL schema (default: bench_search_ROWS_SEED)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--cold-runs", type=int, default=7, help="cold-start runs (0 to skip)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    queries = make_queries(args.queries, args.seed)
    urls = _databases(args)
    timings = {db: time_queries(url, queries) for db, url in urls.items()}
    cold = cold_start(urls["sqlite"], args.cold_runs) if "sqlite" in urls and args.cold_runs else None
    missed = report(timings, cold, args.rows)
    return 1 if missed and args.strict else 0


def _databases(args: argparse.Namespace) -> dict[str, str]:
    urls = {}
    if args.db in ("sqlite", "both"):
        urls["sqlite"] = sqlite_database(args.rows, args.seed, args.rebuild)
    if args.db in ("postgres", "both"):
        base = pg_base_url(args.pg_url)
        if base is None:
            raise SystemExit("PostgreSQL: give --pg-url or set SIGNALEER_TEST_POSTGRES_URL")
        urls["postgresql"] = postgres_database(base, args.rows, args.seed, args.rebuild,
                                               args.pg_schema)
    return urls




if __name__ == "__main__":
    sys.exit(main())
