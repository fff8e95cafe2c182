"""Nothing in the test suite or CI stops, restarts or reconfigures the machine's shared PostgreSQL
(issue 12.11); a test that needs a restart starts a cluster of its own (tests/prove/pg_cluster.py).
And the slow proof tests still run in CI: no marker expression deselects them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = [
    re.compile(r"pg_ctlcluster\b[^\n]*\b(restart|stop|reload)\b"),
    re.compile(r"systemctl\b[^\n]*\b(restart|stop|reload)\b[^\n]*postgres"),
    re.compile(r"service\s+postgresql\s+(restart|stop|reload)"),
    re.compile(r"ALTER\s+SYSTEM", re.IGNORECASE),
]


def _files() -> list[Path]:
    here = Path(__file__).resolve()
    found = [p for p in (REPO / "tests").rglob("*") if p.is_file() and p.suffix in (".py", ".sh", "")]
    found += [p for p in (REPO / ".ci").rglob("*") if p.is_file()]
    return [p for p in found if p.resolve() != here and "__pycache__" not in p.parts]


def test_no_test_or_ci_step_restarts_the_shared_postgres() -> None:
    hits = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in FORBIDDEN:
            hits += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not hits, "these would stop or restart the shared PostgreSQL:\n" + "\n".join(hits)


def test_ci_runs_the_slow_tests() -> None:
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "-m" not in str(options.get("addopts", "")).split()
    assert "slow" in " ".join(options["markers"])
    pytest_lines = [ln for ln in (REPO / ".ci" / "run").read_text().splitlines()
                    if re.match(r"\s*pytest\b", ln)]
    assert pytest_lines and not any(re.search(r"\s-m\s|not slow", ln) for ln in pytest_lines)
