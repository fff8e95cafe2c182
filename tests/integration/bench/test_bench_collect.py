"""bench/collect.py runs at a tiny size, so it cannot rot (figures are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench" / "collect.py"


def test_collect_benchmark_runs_tiny() -> None:
    result = subprocess.run([sys.executable, str(BENCH), "--feeds", "2", "--items", "3"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "second run (304s)" in result.stdout and "peak RSS" in result.stdout
