"""The benchmarks run at a tiny size, so they cannot rot. No timing is asserted: only that they run
and print their figures and targets."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import common, ingest

PG_URL = os.environ.get("SIGNALEER_TEST_POSTGRES_URL")
DBS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="needs SIGNALEER_TEST_POSTGRES_URL"))]


@pytest.fixture(autouse=True)
def bench_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIGNALEER_BENCH_DIR", str(tmp_path / "bench"))
    return tmp_path / "bench"


def test_generator_is_seeded_and_dutch_like() -> None:
    first = list(common.Generator(seed=3).mentions(200))
    assert first == list(common.Generator(seed=3).mentions(200))
    share = sum("curio" in m.text.lower() for m in first) / len(first)
    assert 0.4 < share < 0.8
    assert all(20 <= len(m.text.split()) <= 70 for m in first)
    assert len({m.source for m in first}) > 2 and all(m.published_at.tzinfo for m in first)


@pytest.mark.parametrize("db", DBS)
def test_ingest_runs_and_prints_figures(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest.main(["--rows", "300", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "store rows/s" in out and "re-ingest" in out and "Targets" in out
    assert "peak RSS" in out
    assert_verdicts_follow_the_figures(out)


TARGET = re.compile(r"^  (PASS|MISS|n/a)  (.+) target (<=|>=) ([\d.e+-]+)", re.MULTILINE)


def assert_verdicts_follow_the_figures(out: str) -> None:
    """Each target line's PASS or MISS is what its printed figure and limit say."""
    lines = TARGET.findall(out)
    assert lines, out
    for verdict, name_and_value, op, limit in lines:
        figures = re.findall(r"[\d,]+\.\d\d", name_and_value)  # printed as 1,234.56<unit>
        name, value = name_and_value.strip(), figures[-1] if figures else "-"
        if value == "-":
            assert verdict == "n/a", name
            continue
        figure, bound = float(value.replace(",", "")), float(limit)
        met = figure >= bound if op == ">=" else figure <= bound
        assert verdict == ("PASS" if met else "MISS"), f"{name}: {value} {op} {limit}"


def test_the_verdict_check_reads_target_lines() -> None:
    good = ("  PASS  rows/s    1,200.00   target >= 1000\n  MISS  idle CPU (%)   20.99   target <= 0.5\n"
            "  PASS  load time   812.40 ms   target <= 1000 ms\n")
    assert_verdicts_follow_the_figures(good)
    with pytest.raises(AssertionError):
        assert_verdicts_follow_the_figures(good.replace("MISS", "PASS"))


@pytest.fixture
def pg_schema() -> Iterator[str]:
    schema = f"bench_smoke_{uuid.uuid4().hex[:10]}"
    yield schema
    if PG_URL:
        common.pg_admin_exec(PG_URL, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.mark.parametrize("db", DBS)
def test_search_runs_and_prints_figures(db: str, pg_schema: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from bench import search

    args = ["--rows", "300", "--queries", "5", "--db", db, "--pg-schema", pg_schema]
    assert search.main([*args, "--cold-runs", "1"]) == 0
    out = capsys.readouterr().out
    for name in search.CLASSES:
        assert f" {name} " in out
    assert "p95 ms" in out and "Targets" in out
    if db == "sqlite":
        assert "cold start" in out
    assert search.main([*args, "--cold-runs", "0"]) == 0  # the cached database is reused
    assert "building" not in capsys.readouterr().err


def test_queries_are_seeded_and_cover_every_class() -> None:
    from bench import search

    queries = search.make_queries(30, seed=1)
    assert queries == search.make_queries(30, seed=1)
    assert set(queries) == set(search.CLASSES) and all(len(q) == 30 for q in queries.values())
    assert all(q.startswith('"') and q.count(" ") == 1 for q in queries["phrase"])


@pytest.mark.skipif(not PG_URL, reason="needs SIGNALEER_TEST_POSTGRES_URL")
def test_postgres_time_order_plans_agree(pg_schema: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index walk, the full bitmap and the time-sliced bitmap return the same mentions."""
    from bench import search as bench_search
    from monitor.store import Store
    from monitor.store import search as search_mod

    url = bench_search.postgres_database(PG_URL or "", 400, 9, False, pg_schema)
    queries = ["curio", "de", "curio school", '"open dag"', "het -curio", "de OR het"]
    plans = {"walk": (0.0, 10**9, 3), "bitmap": (float("inf"), 10**9, 3),
             "slice": (float("inf"), 0, 3), "thin slice": (float("inf"), 0, 0.001)}
    results: dict[str, list[list[int]]] = {}
    store = Store.open(url, upgrade=False)
    try:
        with store.reading() as conn:
            for name, (walk_ratio, bitmap_max, spare) in plans.items():
                monkeypatch.setattr(search_mod, "WALK_COST_RATIO", walk_ratio)
                monkeypatch.setattr(search_mod, "BITMAP_MAX_MATCHES", bitmap_max)
                monkeypatch.setattr(search_mod, "WINDOW_SPARE", spare)
                results[name] = [[m.id for m in search_mod.search(conn, q, search_mod.SearchFilters(
                    limit=7, sort=sort))] for q in queries for sort in ("newest", "oldest")]
    finally:
        store.close()
    assert results["walk"] == results["bitmap"] == results["slice"] == results["thin slice"]
    assert any(len(r) == 7 for r in results["walk"])
