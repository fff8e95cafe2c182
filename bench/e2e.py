"""End to end, as a user runs it (issue 14): ``signaleer`` commands as processes, side by side with
references measured in the same run.

    python -m bench.e2e                              # 50 feeds x 100 items, 3 repetitions
    python -m bench.e2e --feeds 2 --items 3 --reps 1 --no-rss2email    # tiny (CI smoke test)

- ``signaleer collect --all`` twice on the loopback feed server of ``bench/collect.py``: the first
  run (everything new), then the unchanged run (every feed answers 304). Reference: rss2email 3.14
  on the same feeds, delivering to a local Maildir (no mail server, no process per message). The
  script installs it into its own venv under the bench directory (``$SIGNALEER_BENCH_DIR``, default
  ``<tmp>/signaleer-bench``) and skips it with a message if it cannot be installed.
- ``signaleer search``, ``show`` and ``status`` started cold on the collected database. Reference:
  ``python -c "import sqlalchemy, click"`` with the same interpreter.
- Peak RSS of each ``collect`` process (the kernel's per-child ``ru_maxrss``, from ``wait4``).

Every figure is the median of ``--reps`` repetitions, the runs of each repetition interleaved, so a
loaded machine slows the reference and the measured command alike. Ratios are what count.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.collect import feed_xml
from bench.common import Target, median, print_table, print_targets, work_dir
from monitor.feedserver import FeedServer

RSS2EMAIL = "rss2email==3.14"
FIRST_RATIO_TARGET = 3.0  # rss2email seconds / signaleer seconds, first run
UNCHANGED_RATIO_TARGET = 1.0
COLD_RATIO_TARGET = 1.25  # signaleer seconds / import reference seconds
RSS_TARGET_MB = 100.0
IMPORT_REFERENCE = "import sqlalchemy, click"


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system: less sensitive than wall time to a loaded machine
    peak_rss_mb: float
    stdout: str


@dataclass
class Figures:
    """Seconds per measured thing, one entry per repetition."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    rss_mb: list[float] = field(default_factory=list)

    def add(self, name: str, run: Run) -> None:
        self.seconds.setdefault(name, []).append(run.seconds)
        self.cpu.setdefault(name, []).append(run.cpu_seconds)

    def median(self, name: str, *, cpu: bool = False) -> float | None:
        values = (self.cpu if cpu else self.seconds).get(name)
        return median(values) if values else None


def run(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run ``cmd`` to completion; its wall time and its own peak RSS. Exits on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}): {stderr[-600:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


# ----------------------------------------------------------------------------- signaleer


def signaleer_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("signaleer")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "monitor"]


def write_config(folder: Path, base_url: str, feeds: int) -> Path:
    lines = ['[institution]\nname = "Curio"\n',
             f'[database]\nurl = "sqlite:///{folder / "signaleer.db"}"\n']
    for i in range(feeds):
        lines.append(f'[[connectors]]\nname = "feed-{i}"\nkind = "rss"\n'
                     f'[connectors.options]\nurl = "{base_url}/f{i}.xml"\n')
    path = folder / "signaleer.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def signaleer_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALEER_")}
    return dict(env, XDG_CONFIG_HOME=str(folder / "xdg"), XDG_DATA_HOME=str(folder / "xdg"),
                COLUMNS="120")


def signaleer_rep(base_url: str, feeds: int, figures: Figures) -> None:
    """One repetition: collect twice on a fresh database, then the cold starts."""
    with tempfile.TemporaryDirectory(prefix="signaleer-e2e-") as tmp:
        folder = Path(tmp)
        cmd = [*signaleer_cmd(), "--config", str(write_config(folder, base_url, feeds))]
        env = signaleer_env(folder)
        for name in ("first", "unchanged"):
            done = run([*cmd, "collect", "--all"], env)
            figures.add(f"collect {name}", done)
            figures.rss_mb.append(done.peak_rss_mb)
        cold = {"reference": [sys.executable, "-c", IMPORT_REFERENCE],
                "search": [*cmd, "search", "curio"], "show": [*cmd, "show", "1"],
                "status": [*cmd, "status"]}
        for name, argv in cold.items():
            figures.add(name, run(argv, env))


# ----------------------------------------------------------------------------- rss2email


def rss2email_exe(cache: Path) -> Path | None:
    """rss2email's ``r2e`` in its own venv under ``cache``, installed on first use; None (and a
    message) when it cannot be installed."""
    venv = cache / "rss2email-3.14"
    exe = venv / "bin" / "r2e"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        RSS2EMAIL], check=True, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        print(f"rss2email reference skipped: cannot install {RSS2EMAIL} ({exc}; "
              f"{detail.decode(errors='replace').strip()[-300:]})", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return exe


def rss2email_config(folder: Path, base_url: str, feeds: int) -> Path:
    (folder / "mail").mkdir(exist_ok=True)  # rss2email creates the mailbox, not its parent
    lines = ["[DEFAULT]", "to = mc@example.org", "from = r2e@example.org",
             "email-protocol = maildir", f"maildir-path = {folder / 'mail'}",
             "maildir-mailbox = INBOX", "verbose = error", ""]
    for i in range(feeds):
        lines += [f"[feed.feed-{i}]", f"url = {base_url}/f{i}.xml", ""]
    path = folder / "rss2email.cfg"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def rss2email_rep(exe: Path, base_url: str, feeds: int, figures: Figures) -> int:
    """One repetition of rss2email: first run, then unchanged. Returns the messages delivered."""
    with tempfile.TemporaryDirectory(prefix="rss2email-e2e-") as tmp:
        folder = Path(tmp)
        cmd = [str(exe), "-c", str(rss2email_config(folder, base_url, feeds)),
               "-d", str(folder / "rss2email.json")]
        env = dict(os.environ, HOME=str(folder))
        for name in ("first", "unchanged"):
            figures.add(f"rss2email {name}", run([*cmd, "run"], env))
        return sum(1 for _ in (folder / "mail" / "INBOX" / "new").iterdir())


# ----------------------------------------------------------------------------- report


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def report(figures: Figures, feeds: int, items: int, reps: int, delivered: int | None) -> int:
    m = figures.median
    rows = [(name, len(values), median(values), min(values), max(values),
             median(figures.cpu[name])) for name, values in figures.seconds.items()]
    print_table(f"End to end, {feeds} feeds x {items} items, {reps} repetition(s) (seconds)",
                ("run", "reps", "median s", "min s", "max s", "median CPU s"), rows)
    if delivered is not None:
        print(f"  rss2email delivered {delivered} messages per first run")
    rss = max(figures.rss_mb) if figures.rss_mb else None
    pairs = [("first run", "rss2email first", "collect first"),
             ("unchanged run", "rss2email unchanged", "collect unchanged"),
             *((f"cold '{n}'", n, "reference") for n in ("search", "show", "status"))]
    print("\nThe same ratios in CPU seconds (user + system), for a loaded machine:")
    for label, a, b in pairs:
        value = ratio(m(a, cpu=True), m(b, cpu=True))
        print(f"  {label:<16} {'-' if value is None else f'{value:.2f}x'}")
    targets = [
        Target("first run: rss2email s / signaleer s", ratio(m("rss2email first"),
               m("collect first")), FIRST_RATIO_TARGET, higher_is_better=True, unit="x"),
        Target("unchanged run: rss2email s / signaleer s", ratio(m("rss2email unchanged"),
               m("collect unchanged")), UNCHANGED_RATIO_TARGET, higher_is_better=True, unit="x"),
        *(Target(f"cold '{name}' / '{IMPORT_REFERENCE}'", ratio(m(name), m("reference")),
                 COLD_RATIO_TARGET, unit="x") for name in ("search", "show", "status")),
        Target("collect peak RSS", rss, RSS_TARGET_MB, unit=" MB"),
    ]
    skipped = [t.name for t in targets if t.value is None]
    if skipped:
        print(f"\nnot measured (no rss2email): {'; '.join(skipped)}")
    return print_targets([t for t in targets if t.value is not None])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__.split("\n")[0])
    p.add_argument("--feeds", type=int, default=50, help="feeds on the loopback server (50)")
    p.add_argument("--items", type=int, default=100, help="items per feed (100)")
    p.add_argument("--reps", type=int, default=3, help="repetitions; medians are printed (3)")
    p.add_argument("--no-rss2email", action="store_true", help="skip the rss2email reference")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exe = None if args.no_rss2email else rss2email_exe(work_dir())
    if args.no_rss2email:
        print("rss2email reference skipped (--no-rss2email)", file=sys.stderr)
    rng = random.Random(42)
    figures, delivered = Figures(), None
    with tempfile.TemporaryDirectory(prefix="signaleer-e2e-feeds-") as tmp:
        root = Path(tmp)
        for i in range(args.feeds):
            (root / f"f{i}.xml").write_text(feed_xml(i, args.items, rng), encoding="utf-8")
        with FeedServer(root) as server:
            for rep in range(args.reps):
                print(f"repetition {rep + 1} of {args.reps} ...", file=sys.stderr, flush=True)
                if exe is not None:
                    delivered = rss2email_rep(exe, server.base_url, args.feeds, figures)
                signaleer_rep(server.base_url, args.feeds, figures)
    missed = report(figures, args.feeds, args.items, args.reps, delivered)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
