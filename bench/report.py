"""Run every benchmark in bench/ and write bench/RESULTS.md (issue 8).

    python bench/report.py                    # full sizes (each script's defaults), writes bench/RESULTS.md
    python bench/report.py --reduced          # smaller full-mode sizes, when the full run is too long
    python bench/report.py --tiny --out /tmp/r.md   # every script at its tiny CI size (seconds)
    python bench/report.py --prove prove.jsonl      # also list the proof-suite figures

Each benchmark runs as a subprocess (``python -m bench.NAME ARGS``) from the repository root; its
output is kept verbatim and every line that states a target (``PASS``/``MISS``) is collected into
one table. A script this file does not know yet still runs in full mode without arguments (and is
listed as not run in tiny mode), so a new benchmark is never silently left out. PostgreSQL is used
where ``$SIGNALEER_TEST_POSTGRES_URL`` is set. Exit status: 0, or 1 if a benchmark failed to run
(a missed target is reported, not an error).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
NOT_BENCHMARKS = {"__init__", "common", "report"}
PG_ENV = "SIGNALEER_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class Spec:
    """How to run one benchmark at each size (flags read from each script's argparse)."""

    tiny: tuple[str, ...]
    full: tuple[str, ...] = ()
    reduced: tuple[str, ...] | None = None  # default: full
    needs_pg_flag: bool = False  # has --db sqlite|postgres|both


def specs(pg: bool) -> dict[str, Spec]:
    db = "both" if pg else "sqlite"
    return {
        "ingest": Spec(tiny=("--rows", "300", "--db", db),
                       full=("--rows", "100000", "1000000", "--db", db),
                       reduced=("--rows", "100000", "--db", db), needs_pg_flag=True),
        "search": Spec(tiny=("--rows", "300", "--queries", "5", "--db", "sqlite", "--cold-runs", "1"),
                       full=("--db", db), reduced=("--rows", "200000", "--queries", "100", "--db", db),
                       needs_pg_flag=True),
        "collect": Spec(tiny=("--feeds", "3", "--items", "5")),
        "classify": Spec(tiny=("--n", "200")),
        "learned": Spec(tiny=("--n", "200")),
        "digest": Spec(tiny=("--tiny",)),
        # settle: the start-up collect (classifier loading included) must be over before the window
        "daemon_idle": Spec(tiny=("--seconds", "1", "--settle", "6")),
        "regex_adversarial": Spec(tiny=("--size", "2000")),
        "e2e": Spec(tiny=("--feeds", "2", "--items", "3", "--reps", "1", "--no-rss2email")),
    }


@dataclass
class Run:
    name: str
    args: tuple[str, ...]
    status: int | None  # None: not run
    seconds: float
    stdout: str
    stderr: str
    note: str = ""


def discover() -> list[str]:
    """Every benchmark script in bench/, known or not, in a stable order."""
    names = sorted(p.stem for p in BENCH.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    order = list(specs(False))
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


def run_one(name: str, mode: str, pg: bool, timeout: float) -> Run:
    spec = specs(pg).get(name)
    if spec is None and mode == "tiny":
        return Run(name, (), None, 0.0, "", "", "not run: no tiny flags known to bench/report.py")
    if spec is None:
        args: tuple[str, ...] = ()
    elif mode == "tiny":
        args = spec.tiny
    elif mode == "reduced" and spec.reduced is not None:
        args = spec.reduced
    else:
        args = spec.full
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost"}
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Run(name, args, -1, time.monotonic() - started, out, "",
                   f"timed out after {timeout:.0f} s")
    return Run(name, args, done.returncode, time.monotonic() - started, done.stdout, done.stderr)


# ----------------------------------------------------------------------------- the environment

def _first(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text, re.MULTILINE)
    return found.group(1).strip() if found else None


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    ram = "unknown"
    try:
        cpu = _first(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text()) or cpu
        kb = _first(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        ram = f"{int(kb) / 1024 / 1024:.1f} GiB" if kb else ram
    except OSError:
        pass
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram,
            "OS": f"{platform.system()} {platform.release()}"}


def postgres_version(url: str | None) -> str:
    if not url:
        return f"not measured (${PG_ENV} unset)"
    try:
        import psycopg

        conninfo = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
        with psycopg.connect(conninfo, connect_timeout=5) as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])
    except Exception as exc:  # a report must not fail on this
        return f"unknown ({type(exc).__name__})"


def versions(pg_url: str | None) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"Python": platform.python_version(), "SQLite": sqlite3.sqlite_version,
             "PostgreSQL": postgres_version(pg_url)}
    for package in ("signaleer", "sqlalchemy", "alembic", "psycopg", "httpx", "feedparser",
                    "jinja2", "css-inline", "click", "apscheduler", "scikit-learn"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


# ----------------------------------------------------------------------------- the report

TARGET_LINE = re.compile(r"\b(PASS|MISS)\b")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"


def judge(line: str) -> str | None:
    """PASS/MISS for a line that states a target but no verdict (e.g. bench/classify.py).

    The figure is the first number in the line with the target's unit ("median 2.6 ms ... (target
    <= 100 ms)"), or without a unit the last number before the word "target".
    """
    limit_match = re.search(r"target\s*(<=|>=|<|>)\s*" + _NUMBER + r"\s*([A-Za-z%/]+)?", line)
    if limit_match is None:
        return None
    op, limit, unit = limit_match[1], float(limit_match[2].replace(",", "")), limit_match[3]
    before = line[:limit_match.start()]
    figure = re.search(_NUMBER + r"\s*" + re.escape(unit) + r"\b", before) if unit else None
    if figure is None:
        numbers = re.findall(_NUMBER, before)
        if not numbers:
            return None
        value = float(numbers[-1].replace(",", ""))
    else:
        value = float(figure[1].replace(",", ""))
    ok = {"<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit}[op]
    return "PASS" if ok else "MISS"


def targets(runs: list[Run]) -> list[tuple[str, str, str]]:
    """(benchmark, line, verdict) for every output line that states a target."""
    rows = []
    for r in runs:
        for line in r.stdout.splitlines():
            found = TARGET_LINE.search(line)
            verdict = found.group(1) if found else judge(line) if "target" in line else None
            if verdict:
                rows.append((r.name, " ".join(line.split()), verdict))
    return rows


def prove_section(path: Path | None) -> list[str]:
    if path is None or not path.is_file():
        return []
    lines = ["## Proof suite figures (tests/prove, issue 8)", "",
             "One line per test run, as written by `tests/prove/helpers.report`.", "", "```"]
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            json.loads(raw)
        except ValueError:
            continue
        lines.append(raw)
    return [*lines, "```", ""]


def render(runs: list[Run], mode: str, pg_url: str | None, prove: Path | None) -> str:
    out = [f"# Benchmark results ({mode} run)", "",
           f"Written by `python bench/report.py{'' if mode == 'full' else ' --' + mode}` on "
           f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Figures are wall-clock on a shared machine; "
           "they vary by a few percent between runs.", ""]
    if mode == "reduced":
        out += ["**Reduced sizes**: the full sizes would take longer than the time available for "
                "one run; the arguments used are listed per benchmark.", ""]
    if mode == "tiny":
        out += ["**Tiny sizes** (CI smoke run): the figures mean nothing; targets marked MISS "
                "here are expected.", ""]
    out += ["## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine().items()]
    out += ["", "## Versions", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in versions(pg_url).items()]
    rows = targets(runs)
    out += ["", "## Targets", "", "| benchmark | figure and target | verdict |", "|---|---|---|"]
    out += [f"| {name} | {line.replace('|', '/')} | {verdict} |" for name, line, verdict in rows]
    if not rows:
        out.append("| - | no benchmark printed a target | - |")
    out += ["", "## Runs", "", "| benchmark | arguments | exit | seconds | note |",
            "|---|---|---|---|---|"]
    for r in runs:
        status = "not run" if r.status is None else str(r.status)
        out.append(f"| {r.name} | `{' '.join(r.args) or '(defaults)'}` | {status} | "
                   f"{r.seconds:.0f} | {r.note} |")
    out.append("")
    for r in runs:
        if r.status is None:
            continue
        out += [f"## {r.name}", "", f"`python -m bench.{r.name} {' '.join(r.args)}`".replace(" `", "`"),
                "", "```", r.stdout.rstrip() or "(no output)", "```", ""]
        if r.status not in (0, None):
            tail = "\n".join(r.stderr.strip().splitlines()[-15:])
            out += ["stderr (last lines):", "", "```", tail, "```", ""]
    out += prove_section(prove)
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--tiny", action="store_true", help="tiny CI sizes (seconds in all)")
    size.add_argument("--reduced", action="store_true", help="smaller full-mode sizes")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="report file")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--prove", type=Path, help="JSON lines from the proof suite to include")
    parser.add_argument("--timeout", type=float, help="seconds per benchmark (tiny 300, else 7200)")
    args = parser.parse_args(argv)
    mode = "tiny" if args.tiny else "reduced" if args.reduced else "full"
    pg_url = os.environ.get(PG_ENV)
    timeout = args.timeout or (300.0 if args.tiny else 7200.0)
    runs = []
    for name in discover():
        if args.only and name not in args.only:
            continue
        print(f"bench/report.py: {name} ...", file=sys.stderr, flush=True)
        r = run_one(name, mode, bool(pg_url), timeout)
        print(f"bench/report.py: {name}: exit {r.status}, {r.seconds:.0f} s {r.note}",
              file=sys.stderr, flush=True)
        runs.append(r)
    args.out.write_text(render(runs, mode, pg_url, args.prove), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    failed = [r.name for r in runs if r.status not in (0, None)]
    if failed:
        print(f"bench/report.py: failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
