"""Concurrency on SQLite (issue 8.3): searches every 50 ms while mentions are ingested.

A child process ingests seeded mentions through ``Store.insert_new`` in transactions of 2,000 (as
collect does). Meanwhile this process runs a search every 50 ms on its own connection, through the
public ``search`` function, and also the ``signaleer search`` CLI a few times. Every search must
answer (no "database is locked", no error at all); p95 and max latency during the ingest are
reported, not asserted (the machine is shared). CI: 20k mentions; full: 200k.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from monitor.store import Store
from monitor.store.search import SearchFilters, search
from tests.prove.helpers import REPO, loopback_env, percentile, report, scale

QUERIES = ("curio", "curio studenten", '"open dag"', "stage OR examen", "docent -kantine", "les*",
           "breda", "klacht")

INGEST = textwrap.dedent("""
    import sys, time
    from bench.common import Generator
    from monitor.store import Store
    url, rows = sys.argv[1], int(sys.argv[2])
    store = Store.open(url)
    print("ready", flush=True)
    batch = []
    for m in Generator(seed=8).mentions(rows):
        batch.append(m)
        if len(batch) == 2000:
            store.insert_new(batch)
            batch = []
    if batch:
        store.insert_new(batch)
    store.close()
    print("done", flush=True)
""")


def test_search_every_50ms_while_ingesting(tmp_path: Path) -> None:
    rows = scale(20_000, 200_000)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    Store.open(url).close()
    ingest = subprocess.Popen([sys.executable, "-c", INGEST, url, str(rows)], cwd=REPO,
                              env=loopback_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    assert ingest.stdout is not None and ingest.stdout.readline().strip() == "ready"
    latencies: list[float] = []
    errors: list[str] = []
    cli_runs: list[float] = []
    store = Store.open(url, upgrade=False)
    started = time.monotonic()
    try:
        i = 0
        while ingest.poll() is None:
            t0 = time.monotonic()
            try:
                with store.reading() as conn:
                    search(conn, QUERIES[i % len(QUERIES)], SearchFilters(limit=50))
            except Exception as exc:  # every failure counts, "database is locked" above all
                errors.append(f"{type(exc).__name__}: {exc}")
            latencies.append(time.monotonic() - t0)
            if i % 40 == 20:  # now and then the real CLI, a separate process
                t1 = time.monotonic()
                done = subprocess.run([sys.executable, "-m", "monitor", "search", "curio",
                                       "--limit", "5"], cwd=REPO, capture_output=True, text=True,
                                      env=loopback_env(SIGNALEER_DATABASE_URL=url), timeout=120,
                                      check=False)
                cli_runs.append(time.monotonic() - t1)
                if done.returncode != 0:
                    errors.append(f"cli exit {done.returncode}: {done.stderr.strip()[-300:]}")
            i += 1
            time.sleep(max(0.0, 0.05 - (time.monotonic() - t0)))
        ingest_s = time.monotonic() - started
        out, err = ingest.communicate(timeout=60)
    finally:
        store.close()
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0 and "done" in out, err[-2000:]
    with Store.open(url, upgrade=False) as s, s.reading() as conn:
        assert len(search(conn, "curio", SearchFilters(limit=10))) == 10
    locked = sum("locked" in e for e in errors)
    report("sqlite_search_during_ingest", mentions=rows, ingest_seconds=round(ingest_s, 1),
           searches=len(latencies), cli_searches=len(cli_runs), errors=len(errors), locked=locked,
           p50_ms=round(percentile(latencies, 50) * 1000, 1),
           p95_ms=round(percentile(latencies, 95) * 1000, 1),
           max_ms=round(max(latencies) * 1000, 1),
           cli_max_s=round(max(cli_runs), 2) if cli_runs else None)
    assert not errors, errors[:5]
    assert len(latencies) >= 10
