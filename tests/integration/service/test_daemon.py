"""``signaleer run`` in a subprocess, on SQLite and PostgreSQL: it collects, sends the digest, stops
cleanly on SIGTERM, refuses a second instance, hands over to a standby, reloads on SIGHUP, and
speaks sd_notify.

The schedule is compressed honestly: the connector runs ``every = "1s"``, and the digest time is
00:00 local, which has passed today, so the daemon's start-up digest tick (the same ``--if-due`` job
that catches up a digest missed while the daemon was down) sends it a few seconds after start.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db import audit_log, connector_runs, digests, mentions
from monitor.store import Store
from tests.integration.service.conftest import (
    REPO,
    NotifySocket,
    base_env,
    config_text,
    wait_for,
)

pytestmark = pytest.mark.slow


def _count(db_url: str, table, *where) -> int:
    with Store.open(db_url, upgrade=False) as store, store.reading() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _curio_stored(db_url: str) -> bool:
    try:
        return _count(db_url, mentions, mentions.c.title.like("%Curio%")) > 0
    except Exception:  # tables not there yet
        return False


@pytest.fixture
def config(tmp_path: Path, db_url: str, feed_url: str, smtp_server) -> Path:
    port, _ = smtp_server
    path = tmp_path / "signaleer.toml"
    path.write_text(config_text(db_url, feed_url, port), encoding="utf-8")
    return path


def test_collects_sends_digest_notifies_and_stops_cleanly(config: Path, db_url: str, smtp_server,
                                                          notify_socket: NotifySocket, daemons,
                                                          tmp_path: Path) -> None:
    _, mailbox = smtp_server
    env = base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path, WATCHDOG_USEC="1000000")
    daemon = daemons(config, "run", env=env)
    wait_for(lambda: notify_socket.seen("READY=1"), what="READY=1")
    assert any(m.startswith("READY=1\nSTATUS=running: 1 connector(s)") for m in notify_socket.messages)
    wait_for(lambda: notify_socket.seen("WATCHDOG=1"), what="WATCHDOG=1 (every WATCHDOG_USEC/2)")
    wait_for(lambda: _curio_stored(db_url), what="the Curio item to be collected")
    wait_for(lambda: mailbox.messages, what="the digest to arrive over SMTP")
    assert b"Curio" in mailbox.messages[0]
    wait_for(lambda: "job collect:nieuws ok" in daemon.log, what="a job log line")

    started = time.monotonic()
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=5) == 0
    assert time.monotonic() - started < 5
    assert notify_socket.seen("STOPPING=1")
    assert "daemon stopped" in daemon.log
    # nothing half-written: the digest is sent (not left 'sending'); every run is recorded
    assert _count(db_url, digests, digests.c.status == "sent") == 1
    assert _count(db_url, digests, digests.c.status.in_(["sending", "pending"])) == 0
    assert _count(db_url, connector_runs, connector_runs.c.ok.is_(True)) >= 1
    assert len(mailbox.messages) == 1  # sent once, although the retry tick ran too
    assert "Traceback" not in daemon.log


def test_second_instance_is_refused_with_75(config: Path, db_url: str, notify_socket: NotifySocket,
                                            daemons, tmp_path: Path) -> None:
    first = daemons(config, "run", env=base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    wait_for(lambda: notify_socket.seen("READY=1"), what="READY=1")
    for args in (["run"], ["retention", "apply"]):
        second = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), *args],
                                cwd=REPO, env=base_env(tmp_path), capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 75, second.stderr
        assert "another Signaleer run holds the instance lock" in second.stderr
        assert "held by daemon on" in second.stderr
    assert first.proc.poll() is None
    first.signal(signal.SIGTERM)
    assert first.wait(timeout=5) == 0


def test_standby_takes_over_when_the_first_dies(config: Path, db_url: str,
                                                notify_socket: NotifySocket, daemons,
                                                tmp_path: Path) -> None:
    first = daemons(config, "run", env=base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    wait_for(lambda: notify_socket.seen("READY=1"), what="READY=1")
    standby = daemons(config, "run", "--standby", "--poll-seconds", "0.3")
    wait_for(lambda: "standby:" in standby.log, what="the standby to wait")
    assert standby.proc.poll() is None
    first.signal(signal.SIGKILL)
    first.wait(timeout=5)
    wait_for(lambda: "took over the instance lock" in standby.log, what="the take-over")
    wait_for(lambda: "daemon started" in standby.log, what="the standby to start its jobs")
    standby.signal(signal.SIGTERM)
    assert standby.wait(timeout=5) == 0


def test_standby_stops_on_sigterm_while_waiting(config: Path, notify_socket: NotifySocket, daemons,
                                                tmp_path: Path) -> None:
    first = daemons(config, "run", env=base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    wait_for(lambda: notify_socket.seen("READY=1"), what="READY=1")
    standby = daemons(config, "run", "--standby", "--poll-seconds", "5")
    wait_for(lambda: "standby:" in standby.log, what="the standby to wait")
    standby.signal(signal.SIGTERM)
    assert standby.wait(timeout=5) == 0
    first.signal(signal.SIGTERM)
    assert first.wait(timeout=5) == 0


def _reloads(db_url: str) -> list[dict]:
    with Store.open(db_url, upgrade=False) as store, store.reading() as conn:
        rows = conn.execute(select(audit_log.c.details).where(audit_log.c.action == "config-reload")
                            .order_by(audit_log.c.id))
        return [r.details for r in rows]


def test_sighup_keeps_old_config_when_broken_and_reloads_a_good_one(
        config: Path, db_url: str, feed_url: str, smtp_server, notify_socket: NotifySocket,
        daemons, tmp_path: Path) -> None:
    daemon = daemons(config, "run", env=base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    wait_for(lambda: notify_socket.seen("READY=1"), what="READY=1")
    good = config.read_text(encoding="utf-8")

    config.write_text(good.replace('every = "1s"', 'every = "often"'), encoding="utf-8")
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: "config reload failed" in daemon.log, what="the refused reload")
    assert "connectors[0].every" in daemon.log
    assert daemon.proc.poll() is None
    runs = _count(db_url, connector_runs)
    wait_for(lambda: _count(db_url, connector_runs) > runs, what="collecting on the old config")

    port, _ = smtp_server
    second = '\n[[connectors]]\nname = "tweede"\nkind = "rss"\nevery = "1s"\n' \
             f'options = {{ url = "{feed_url}", require_match = false }}\n'
    config.write_text(config_text(db_url, feed_url, port, extra=second), encoding="utf-8")
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: "config reloaded" in daemon.log, what="the reload")
    wait_for(lambda: _count(db_url, connector_runs, connector_runs.c.connector == "tweede") > 0,
             what="the new connector to run")
    assert [d["ok"] for d in _reloads(db_url)] == [False, True]
    assert _reloads(db_url)[1]["connectors"] == ["nieuws", "tweede"]
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=5) == 0


def test_json_log_lines(config: Path, daemons, tmp_path: Path, notify_socket: NotifySocket) -> None:
    import json

    daemon = daemons(config, "--log-format", "json", "run",
                     env=base_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    wait_for(lambda: '"job": "collect:nieuws"' in daemon.log, what="a JSON job line")
    daemon.signal(signal.SIGTERM)
    assert daemon.wait(timeout=5) == 0
    lines = [json.loads(line) for line in daemon.log.splitlines() if line.startswith("{")]
    job = next(line for line in lines if line.get("job") == "collect:nieuws")
    assert job["ok"] is True and job["seconds"] >= 0
