"""Faults (issue 8.2): PostgreSQL restarted mid-run, a full disk, a read-only database, and an SMTP
server that accepts the message and then drops the connection.

The disk tests mount a small tmpfs (root only; CI runs as root) and put the SQLite file on it, so
SQLite gets a real ENOSPC / EROFS from the kernel rather than a simulated limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.db import digest_items, digests
from monitor.digest.delivery import send_due
from monitor.feedserver import FeedServer
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged, make_settings
from tests.integration.digest.smtp_server import Recorder, smtp_server
from tests.prove.helpers import (
    GrowingFeeds,
    check_collect,
    kill_hard,
    one_line_error,
    report,
    run,
    spawn,
    sqlite_integrity,
    stage_counts,
    wait_for,
)
from tests.prove.pg_cluster import Cluster

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_postgres_restart_mid_collect(throwaway_postgres: Cluster, tmp_path: Path) -> None:
    """PostgreSQL goes down mid-collect and comes back: the connectors that could not write fail
    with one clear line each, nothing is half-written, and the next collect catches up.

    Restarts a cluster of its own (issue 12.11), never the machine's shared server. The server stays
    down until the collect has ended: collect holds a connection only while it writes, so a restart
    that is quick enough falls between writes and is ridden out, and which one it is would be
    timing, not behaviour."""
    pg_url = throwaway_postgres.url
    feeds = GrowingFeeds(tmp_path / "feeds", feeds=12, items=800)
    feeds.root.mkdir()
    feeds.write(1)
    Store.open(pg_url).close()  # the schema, by migration
    out = tmp_path / "run.out"
    with FeedServer(feeds.root) as server:
        config = feeds.config(tmp_path / "c.toml", server.base_url)
        proc = spawn(config, "collect", "--all", db_url=pg_url, out=out)
        assert wait_for(lambda: stage_counts(out.read_text().splitlines())["ok"] >= 2
                        or proc.poll() is not None, 120)
        t0 = time.monotonic()
        throwaway_postgres.stop("fast")  # open connections are cut
        try:
            rc = proc.wait(timeout=300)
        finally:
            stderr = proc.stderr.read().decode() if proc.stderr else ""
            kill_hard(proc)
            throwaway_postgres.start()
        restart_s = time.monotonic() - t0
        lines = out.read_text().splitlines()
        counts = stage_counts(lines)
        failed = [ln for ln in lines if ": FAILED" in ln]
        check_collect(pg_url, feeds)  # nothing half-written
        assert rc == 1, (rc, lines, stderr[-2000:])
        assert counts["failed"] >= 1, lines
        assert "Traceback" not in stderr, stderr[-3000:]
        for line in failed:  # one clear line per failed connector, naming the database
            assert "database" in line and len(line) < 600, line
        again = run(config, "collect", "--all", db_url=pg_url)
        assert again.returncode == 0, again.stdout + again.stderr[-2000:]
        state = check_collect(pg_url, feeds)
    assert state.rows == feeds.total and state.complete_feeds == feeds.feeds
    report("postgres_restart", restart_seconds=round(restart_s, 1), connectors_ok_before=counts["ok"],
           connectors_failed=counts["failed"], exit_status=rc, example_error=failed[0][:300],
           caught_up_rows=state.rows, lost=0, duplicates=0)


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, unmounted afterwards."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False, capture_output=True)


def _remount(mnt: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True, capture_output=True)


def test_full_disk_then_read_only_then_recovery(tiny_fs: Path, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tiny_fs / 'signaleer.db'}"
    feeds = GrowingFeeds(tmp_path / "feeds", feeds=12, items=1000)
    feeds.root.mkdir()
    feeds.write(1)
    Store.open(db_url).close()
    with FeedServer(feeds.root) as server:
        config = feeds.config(tmp_path / "c.toml", server.base_url)
        # 1. the disk fills up mid-run
        full = run(config, "collect", "--all", db_url=db_url)
        assert full.returncode == 1, full.stdout + full.stderr
        failed = [ln for ln in full.stdout.splitlines() if ": FAILED" in ln]
        assert failed and all("full" in ln for ln in failed), full.stdout
        assert "Traceback" not in full.stderr, full.stderr[-3000:]
        integrity, fts_ok = sqlite_integrity(tiny_fs / "signaleer.db")
        assert integrity == "ok" and fts_ok
        partial = check_collect(db_url, feeds)
        # 2. the file system is read-only
        _remount(tiny_fs, "ro")
        ro = run(config, "collect", "--all", db_url=db_url)
        assert ro.returncode != 0
        ro_line = one_line_error(ro.stderr) or next(
            (ln for ln in ro.stdout.splitlines() if "FAILED" in ln), "")
        assert "read" in ro_line.lower() or "open" in ro_line.lower(), ro.stdout + ro.stderr
        assert "internal error" not in ro.stderr, ro.stderr
        # 3. room again: integrity intact, the next run catches up
        _remount(tiny_fs, "rw,size=256m")
        integrity, fts_ok = sqlite_integrity(tiny_fs / "signaleer.db")
        assert integrity == "ok" and fts_ok
        again = run(config, "collect", "--all", db_url=db_url)
        assert again.returncode == 0, again.stdout + again.stderr[-2000:]
        state = check_collect(db_url, feeds)
    assert state.rows == feeds.total
    integrity, fts_ok = sqlite_integrity(tiny_fs / "signaleer.db")
    assert integrity == "ok" and fts_ok
    report("disk_full_read_only", stored_before_full=partial.rows, failed_connectors=len(failed),
           full_error=failed[0][:200],
           read_only_error=ro_line.replace(str(tiny_fs), "<tmpfs>")[:200], integrity=integrity,
           fts_integrity=fts_ok, caught_up_rows=state.rows)


def test_smtp_accepts_then_drops_digest_stays_pending_and_is_retried(store: Store) -> None:
    ids = add_flagged(store, [mention(i, text=f"Curio Breda klacht dropcase{i} slecht")
                              for i in range(4)])
    handler = Recorder(plan=["drop"])
    now = datetime.now(UTC)
    with smtp_server(handler) as (server, port):
        settings = make_settings(smtp={"port": port})
        first = send_due(store, settings, now, if_due=False)
        assert [o.status for o in first.outcomes] == ["pending"], first
        with store.reading() as conn:
            row = conn.execute(select(digests)).one()
        assert row.status == "pending" and row.last_error and row.next_attempt_at
        assert "\n" not in row.last_error
        early = send_due(store, settings, now + timedelta(minutes=1), if_due=True)
        assert all(o.status != "sent" for o in early.outcomes)  # backing off, not hammering
        later = send_due(store, settings, row.next_attempt_at + timedelta(seconds=1), if_due=True)
        assert [o.status for o in later.outcomes if o.status == "sent"] == ["sent"], later
    with store.reading() as conn:
        linked = {r.mention_id for r in conn.execute(select(digest_items))}
        final = conn.execute(select(digests)).one()
    assert final.status == "sent" and final.attempts == 2 and linked == set(ids)
    assert handler.data_attempts == 2 and len(server.received) == 1
    text = server.received[0].part("plain")
    assert all(f"dropcase{i}" in text for i in range(4))
    report("smtp_drop", backend=store.dialect, first_error=row.last_error[:200],
           attempts=final.attempts, delivered=len(server.received), lost=0)


def test_smtp_that_keeps_storing_then_dropping_gets_one_retry_only(store: Store) -> None:
    """Issue 18.13: a server that stores the DATA and drops the connection without a reply. The
    outcome is unknown, so the digest is retried, but once: at most one duplicate, not one per
    back-off step (5, 10, 20 ... minutes, then every 2 hours)."""
    add_flagged(store, [mention(i, text=f"Curio Breda klacht twice{i} slecht") for i in range(2)])
    handler = Recorder(plan=["drop"] * 10)
    now = datetime.now(UTC)
    with smtp_server(handler) as (_server, port):
        settings = make_settings(smtp={"port": port})
        first = send_due(store, settings, now, if_due=False)
        assert [o.status for o in first.outcomes] == ["pending"], first
        for hours in range(1, 49):  # two days of scheduler ticks
            send_due(store, settings, now + timedelta(hours=hours), if_due=True)
    day = first.outcomes[0].digest_date
    with store.reading() as conn:  # later days have digests of their own
        final = conn.execute(select(digests).where(digests.c.digest_date == day)).one()
    assert final.status == "failed" and final.attempts == 2  # two copies at most
    assert "not retried again" in final.last_error and "digest send --date" in final.last_error
