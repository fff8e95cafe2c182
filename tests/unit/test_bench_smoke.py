"""The benchmarks run at a tiny size, so they cannot rot. No timing is asserted: only that they run
and print their figures and targets."""

from __future__ import annotations

import os
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
    assert ("PASS" in out) or ("MISS" in out)


def test_store_fingerprint_matches_matching_module() -> None:
    """The insert path hashes the normalised text itself; it must agree with ``fingerprint``."""
    from monitor.matching import fingerprint
    from monitor.store.mentions import content_fingerprint

    for m in common.Generator(seed=5).mentions(50):
        assert content_fingerprint(m.text) == fingerprint(m.text)
    assert content_fingerprint("RT @x: Cúrio https://t.co/x nieuws over de open dag") == \
        fingerprint("RT @x: Cúrio https://t.co/x nieuws over de open dag")
