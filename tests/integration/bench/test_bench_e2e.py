"""bench/e2e.py runs at a tiny size, so it cannot rot (figures are never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import e2e

ROOT = Path(__file__).resolve().parents[3]


def test_e2e_benchmark_runs_tiny(tmp_path: Path) -> None:
    env = {"SIGNALEER_BENCH_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bench.e2e", "--feeds", "2", "--items", "3",
                             "--reps", "1", "--no-rss2email"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "rss2email reference skipped" in result.stderr
    for name in ("collect first", "collect unchanged", "reference", "search", "show", "status"):
        assert f"  {name} " in result.stdout
    assert "cold 'search' / 'import sqlalchemy, click'" in result.stdout
    assert "collect peak RSS" in result.stdout and "Targets" in result.stdout
    assert "median CPU s" in result.stdout and "not measured (no rss2email)" in result.stdout


def test_rss2email_config_names_every_feed_and_a_local_maildir(tmp_path: Path) -> None:
    config = e2e.rss2email_config(tmp_path, "http://127.0.0.1:1", 3).read_text()
    assert config.count("[feed.feed-") == 3 and "url = http://127.0.0.1:1/f2.xml" in config
    assert "email-protocol = maildir" in config and str(tmp_path / "mail") in config


def test_a_failing_command_stops_the_benchmark() -> None:
    with pytest.raises(SystemExit, match="failed"):
        e2e.run([sys.executable, "-c", "raise SystemExit(3)"])
    assert e2e.run([sys.executable, "-c", "print('ok')"]).stdout.strip() == "ok"
