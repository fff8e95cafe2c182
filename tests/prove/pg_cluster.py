"""A throwaway PostgreSQL cluster for tests that must restart or kill the server (issue 12.11).

The machine's own cluster on 127.0.0.1:5432 is shared: nothing in the test suite may stop, restart or
reconfigure it. A test that needs a restart gets its own cluster instead: ``initdb`` in a temporary
folder, ``pg_ctl`` on a free loopback port, removed again at the end (also when the test fails).
As root, the server binaries run as the ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    """The PostgreSQL server binaries: ``pg_config --bindir``, else the newest Debian install."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        done = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                           key=lambda p: int(p.split("/")[-2]), reverse=True)]
    for path in candidates:
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster: its data folder, port and the prefix that runs a binary."""

    bindir: Path
    data: Path
    port: int
    as_user: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run pg_ctl. The server's own output must go to ``-l`` (start, restart): a server that
        inherited our pipes would keep them open and the call would never return."""
        cmd = [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w",
               "-t", "60", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    def start(self) -> None:
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        done = self.pg_ctl("-l", str(self.data / "server.log"), "-o", opts, "start")
        assert done.returncode == 0, f"throwaway PostgreSQL did not start: {done.stderr}{self._log()}"

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; ``fast`` cuts open connections as a real restart does."""
        self.pg_ctl("-m", mode, "stop")

    def _log(self) -> str:
        log = self.data / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""


def _runner() -> tuple[str, ...]:
    if os.geteuid() != 0:
        return ()
    if not shutil.which("runuser"):
        pytest.skip("a throwaway PostgreSQL cluster as root needs runuser")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("a throwaway PostgreSQL cluster as root needs a 'postgres' user")
    return ("runuser", "-u", "postgres", "--")


@pytest.fixture
def throwaway_postgres() -> Iterator[Cluster]:
    """A fresh PostgreSQL cluster on a free loopback port; stopped and deleted afterwards."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    as_user = _runner()
    root = Path(tempfile.mkdtemp(prefix="signaleer-pg-"))
    try:
        if as_user:
            shutil.chown(root, user="postgres", group="postgres")
        data = root / "data"
        init = subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                               "-A", "trust", "-E", "UTF8", "--no-sync"],
                              capture_output=True, text=True, timeout=300, check=False)
        assert init.returncode == 0, f"initdb failed: {init.stderr}"
        cluster = Cluster(bindir=bindir, data=data, port=_free_port(), as_user=as_user)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
