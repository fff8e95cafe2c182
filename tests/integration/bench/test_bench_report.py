"""bench/report.py runs every benchmark at its tiny size and writes a report, so neither the
benchmarks nor the report can rot. Figures are not asserted; the shape of the report is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parents[3]


def test_tiny_report_runs_every_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    prove = tmp_path / "prove.jsonl"
    prove.write_text('{"test": "x", "kills": 20}\nnot json\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "bench/report.py", "--tiny", "--out", str(out),
                           "--prove", str(prove)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Versions", "## Targets", "## Runs", "## Proof suite"):
        assert heading in text
    assert "| SQLite |" in text and "| Python |" in text and "| cores |" in text
    for name in report.discover():
        assert f"| {name} |" in text, name
    assert "| PASS |" in text or "| MISS |" in text
    assert '{"test": "x", "kills": 20}' in text and "not json" not in text


def test_every_known_benchmark_exists_and_new_ones_are_found() -> None:
    found = set(report.discover())
    assert set(report.specs(False)) - {"search"} <= found  # search.py may be in flight
    assert not found & report.NOT_BENCHMARKS


def test_judge_reads_targets_without_a_verdict() -> None:
    assert report.judge("throughput: 3,028 mentions/s on one core (target >= 5,000)") == "MISS"
    assert report.judge("peak RSS: 130 MB (target <= 300)") == "PASS"
    assert report.judge("render: median 2.6 ms, best 2.5 ms over 7 round(s) (target <= 100 ms)") \
        == "PASS"
    assert report.judge("render: median 200 ms, best 2 ms over 1 round(s) (target <= 100 ms)") \
        == "MISS"
    assert report.judge("HTML size, 10 candidates: 13,695 bytes") is None
