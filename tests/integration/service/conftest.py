"""Helpers for the service tests: a daemon in a subprocess, a feed, an SMTP server, a notify socket."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lokaal nieuws</title><link>http://127.0.0.1/</link>
<description>test</description>
<item><title>Curio mbo in Breda opent nieuwe opleiding</title><link>http://127.0.0.1/n/1</link>
<guid>n-1</guid><pubDate>{date}</pubDate>
<description>Studenten van Curio in Breda beginnen aan een nieuwe opleiding.</description></item>
</channel></rss>
"""


def write_feed(folder: Path) -> Path:
    from email.utils import formatdate

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nieuws.xml"
    path.write_text(RSS.format(date=formatdate(time.time() - 3600, usegmt=True)), encoding="utf-8")
    return path


def config_text(db_url: str, feed_url: str, smtp_port: int, *, every: str = "1s",
                digest_time: str = "00:00", extra: str = "") -> str:
    return f'''
[institution]
name = "Curio"
aliases = ["ROC West-Brabant"]
context_words = ["mbo", "breda", "studenten", "opleiding"]

[database]
url = "{db_url}"

[digest]
time = "{digest_time}"
recipients = ["mc@curio.example"]
sender = "signaleer@curio.example"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
timeout = 5

[[connectors]]
name = "nieuws"
kind = "rss"
every = "{every}"
options = {{ url = "{feed_url}", require_match = false }}
{extra}'''


@dataclass
class Mailbox:
    messages: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


@pytest.fixture
def feed_url(tmp_path: Path) -> Iterator[str]:
    from monitor.feedserver import FeedServer

    write_feed(tmp_path / "feeds")
    with FeedServer(tmp_path / "feeds") as server:
        yield server.url("nieuws.xml")


class NotifySocket:
    """A unix datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="sgn-", dir="/tmp")  # short: sun_path is 108 bytes
        self.path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.messages: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:
                return
            self.messages.append(data.decode())

    def seen(self, line: str) -> bool:
        return any(line in m.splitlines() for m in list(self.messages))

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def notify_socket() -> Iterator[NotifySocket]:
    sock = NotifySocket()
    yield sock
    sock.close()


def wait_for(predicate: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIGNALEER_", "NOTIFY_SOCKET", "WATCHDOG_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"),
               PYTHONPATH=str(REPO), **extra)
    return env


class DaemonProcess:
    """``python -m monitor --config CFG <args>`` with stderr captured to a file."""

    def __init__(self, config: Path, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), *args],
                                     cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()


@pytest.fixture
def daemons(tmp_path: Path) -> Iterator[Callable[..., DaemonProcess]]:
    started: list[DaemonProcess] = []

    def start(config: Path, *args: str, env: dict[str, str] | None = None) -> DaemonProcess:
        proc = DaemonProcess(config, list(args), env or base_env(tmp_path),
                             tmp_path / f"daemon-{len(started)}.log")
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
        print(f"--- {proc.log_path.name} ---\n{proc.log}")  # shown when a test fails
