"""Idle daemon benchmark: resident memory and CPU of ``signaleer run`` while nothing is due.

    python -m bench.daemon_idle                 # 20 s idle window (the figure for the notes)
    python -m bench.daemon_idle --seconds 3     # tiny run (CI)

The daemon runs in a subprocess on a fresh SQLite database with every connector kind configured
(rss against a loopback feed, x, mastodon and bluesky with dummy secrets). Outbound network is
disabled: proxies point at a closed loopback port, so the API connectors fail fast on their first
run. The clock starts when the daemon has sent READY=1 over a notify socket and ``--settle`` seconds
have passed (first collect runs, the start-up digest tick). Then RSS is read from
``/proc/<pid>/status`` and CPU as the change of ``utime + stime`` in ``/proc/<pid>/stat`` over the
window. Targets: RSS <= 120 MiB, idle CPU <= 0.5 %.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import Target, print_table, print_targets

REPO = Path(__file__).resolve().parent.parent
RSS_LIMIT_MB = 120.0
CPU_LIMIT_PCT = 0.5
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://127.0.0.1/</link>
<description>d</description><item><title>Curio mbo in Breda</title><link>http://127.0.0.1/1</link>
<guid>1</guid><description>Studenten van Curio.</description></item></channel></rss>"""


@dataclass(frozen=True, slots=True)
class IdleFigures:
    rss_mb: float
    cpu_pct: float
    cpu_seconds: float
    seconds: float
    threads: int


def config(folder: Path, feed_url: str) -> str:
    dead = "http://127.0.0.1:9"
    return f'''
[institution]
name = "Curio"
hashtags = ["#curio"]
[database]
url = "sqlite:///{folder / 'idle.db'}"
[digest]
time = "07:30"
recipients = ["mc@curio.example"]
[smtp]
host = "127.0.0.1"
port = 9
security = "none"
[[connectors]]
name = "nieuws"
kind = "rss"
every = "15m"
options = {{ url = "{feed_url}" }}
[[connectors]]
name = "x"
kind = "x"
every = "30m"
options = {{ query = "Curio", retries = 0 }}
[[connectors]]
name = "mastodon"
kind = "mastodon"
every = "15m"
options = {{ instances = ["{dead}"], retries = 0 }}
[[connectors]]
name = "bluesky"
kind = "bluesky"
every = "15m"
options = {{ handle = "curio.example", base_url = "{dead}", retries = 0 }}
'''


def proc_figures(pid: int) -> tuple[float, float, int]:
    """(RSS MiB, user+system CPU seconds, threads) of a running process."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    rss_kb = int(fields["VmRSS"].split()[0])
    stat = Path(f"/proc/{pid}/stat").read_text()
    after_name = stat.rsplit(")", 1)[1].split()
    ticks = int(after_name[11]) + int(after_name[12])  # utime, stime (fields 14 and 15)
    return rss_kb / 1024, ticks / os.sysconf("SC_CLK_TCK"), int(fields["Threads"])


def _env(folder: Path, notify: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALEER_")}
    dead = "http://127.0.0.1:9"
    env.update(NOTIFY_SOCKET=notify, PYTHONPATH=str(REPO), XDG_DATA_HOME=str(folder),
               XDG_CONFIG_HOME=str(folder), HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead,
               http_proxy=dead, https_proxy=dead, NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", SIGNALEER_X_BEARER_TOKEN="dummy-bench-token",
               SIGNALEER_BLUESKY_APP_PASSWORD="dummy-bench-password")
    return env


def _wait_ready(sock: socket.socket, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daemon exited with {proc.returncode} before READY=1")
        try:
            if b"READY=1" in sock.recv(4096).split(b"\n"):
                return
        except TimeoutError:
            continue
    raise RuntimeError("no READY=1 from the daemon")


def measure(seconds: float, settle: float) -> IdleFigures:
    from monitor.feedserver import FeedServer

    with tempfile.TemporaryDirectory(prefix="sgn-idle-", dir="/tmp") as tmp:
        folder = Path(tmp)
        (folder / "feeds").mkdir()
        (folder / "feeds" / "f.xml").write_text(FEED, encoding="utf-8")
        with FeedServer(folder / "feeds") as feeds, \
                socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(str(folder / "notify"))
            sock.settimeout(0.5)
            (folder / "cfg.toml").write_text(config(folder, feeds.url("f.xml")), encoding="utf-8")
            proc = subprocess.Popen(
                [sys.executable, "-m", "monitor", "--config", str(folder / "cfg.toml"), "run"],
                cwd=REPO, env=_env(folder, str(folder / "notify")), stdout=subprocess.DEVNULL,
                stderr=open(folder / "daemon.log", "wb"))  # noqa: SIM115
            try:
                return _window(proc, sock, seconds, settle)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)


def _window(proc: subprocess.Popen[bytes], sock: socket.socket, seconds: float,
            settle: float) -> IdleFigures:
    _wait_ready(sock, proc, 60)
    time.sleep(settle)
    _, cpu0, _ = proc_figures(proc.pid)
    t0 = time.monotonic()
    time.sleep(seconds)
    rss, cpu1, threads = proc_figures(proc.pid)
    elapsed = time.monotonic() - t0
    return IdleFigures(rss, 100 * (cpu1 - cpu0) / elapsed, cpu1 - cpu0, elapsed, threads)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="idle window (default 20)")
    parser.add_argument("--settle", type=float, default=8.0,
                        help="wait after READY=1 before measuring (default 8)")
    args = parser.parse_args(argv)
    figures = measure(args.seconds, args.settle)
    print_table("Idle daemon (rss, x, mastodon, bluesky configured; SQLite)",
                ["measure", "value"],
                [["RSS (MiB)", round(figures.rss_mb, 1)], ["CPU (%)", round(figures.cpu_pct, 3)],
                 ["CPU seconds in window", round(figures.cpu_seconds, 3)],
                 ["window (s)", round(figures.seconds, 1)], ["threads", figures.threads]])
    print_targets([  # a MISS is a figure to read, not a failed run (as in the other benchmarks):
        Target("idle RSS (MiB)", figures.rss_mb, RSS_LIMIT_MB),  # on a busy machine the CPU
        Target("idle CPU (%)", figures.cpu_pct, CPU_LIMIT_PCT),  # share is the machine's, too
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())
