"""The instance lock on SQLite (flock beside the database) and its key for PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest

from monitor.errors import StoreError
from monitor.service.lock import (
    EX_TEMPFAIL,
    LOCK_KEY,
    InstanceLock,
    LockBusy,
    current_holder,
    instance_lock,
    lock_path_for,
)


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'signaleer.db'}"


def test_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert lock_path_for(_url(tmp_path)) == (tmp_path / "db" / "signaleer.db.lock").resolve()
    assert lock_path_for("sqlite:///:memory:") is None
    assert lock_path_for("postgresql://u@127.0.0.1/x") is None


def test_key_is_a_stable_signed_64_bit_value_derived_from_the_name() -> None:
    expected = int.from_bytes(hashlib.sha256(b"signaleer").digest()[:8], "big", signed=True)
    assert expected == LOCK_KEY
    assert -(2**63) <= LOCK_KEY < 2**63


def test_second_holder_is_refused_with_exit_75_and_told_who_holds_it(tmp_path: Path) -> None:
    url = _url(tmp_path)
    with instance_lock(url, purpose="daemon"):
        with pytest.raises(LockBusy) as caught, instance_lock(url, purpose="collect"):
            pass
        assert caught.value.exit_code == EX_TEMPFAIL == 75
        assert "held by daemon on" in str(caught.value)
        holder = current_holder(url)
        assert holder is not None and holder.purpose == "daemon"
    assert current_holder(url) is None
    with instance_lock(url, purpose="collect"):  # released: free again
        pass


def test_in_memory_database_needs_no_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    memory = "sqlite:///:memory:"
    with instance_lock(memory, purpose="a") as first, instance_lock(memory, purpose="b") as second:
        assert first.alive() and second.alive()  # both held at once: nothing is shared
        assert current_holder(memory) is None
    assert list(tmp_path.iterdir()) == []  # and no lock file was made anywhere


def test_waiting_acquires_once_the_holder_lets_go(tmp_path: Path) -> None:
    url = _url(tmp_path)
    first = InstanceLock(url, "daemon")
    first.acquire()
    threading.Timer(0.3, first.release).start()
    second = InstanceLock(url, "standby")
    messages: list[str] = []
    started = time.monotonic()
    second.acquire(wait=True, poll=0.05, on_wait=messages.append)
    assert second.held and second.alive()
    assert time.monotonic() - started < 5
    assert len(messages) == 1 and "holds the instance lock" in messages[0]
    second.release()


def test_waiting_gives_up_when_sleep_says_stop(tmp_path: Path) -> None:
    url = _url(tmp_path)
    with instance_lock(url):
        lock = InstanceLock(url, "standby")
        with pytest.raises(LockBusy, match="stopping"):
            lock.acquire(wait=True, poll=0.01, sleep=lambda s: True)
        assert not lock.held


def test_lock_is_dropped_when_the_holder_dies(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = _url(tmp_path)
    code = ("import sys,time; from monitor.service.lock import InstanceLock; "
            f"l=InstanceLock({url!r}, 'child'); l.acquire(); print('held', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy, match="child on"):
            InstanceLock(url).acquire()
    finally:
        child.kill()
        child.wait()
    with instance_lock(url):
        pass


def test_a_deleted_lock_file_means_the_lock_is_lost(tmp_path: Path) -> None:
    url = _url(tmp_path)
    with instance_lock(url) as lock:
        assert lock.alive()
        path = lock_path_for(url)
        assert path is not None
        path.unlink()
        assert not lock.alive()


def test_a_full_disk_at_the_lock_file_is_a_clear_error(tmp_path: Path) -> None:
    """Issue 18.13: writing the lock file on a full disk gave ``internal error: OSError``, exit 70.
    ``/dev/full`` answers every write with ENOSPC, as a full disk does."""
    url = _url(tmp_path)
    lock = lock_path_for(url)
    assert lock is not None
    lock.parent.mkdir(parents=True)
    lock.symlink_to("/dev/full")
    with pytest.raises(StoreError) as caught, instance_lock(url, purpose="collect"):
        pass
    message = str(caught.value)
    assert message == f"cannot write the instance lock {lock}: No space left on device " \
                      "(the disk is full)"
    assert caught.value.exit_code == 1


def test_cli_on_a_full_disk_says_so_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from monitor.cli import main

    url = _url(tmp_path)
    lock = lock_path_for(url)
    assert lock is not None
    lock.parent.mkdir(parents=True)
    lock.symlink_to("/dev/full")
    config = tmp_path / "signaleer.toml"
    config.write_text('[institution]\nname = "Curio"\n', encoding="utf-8")
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", url)
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(config), "collect", "--all"])
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 1, err
    assert "internal error" not in err
    assert err.endswith("No space left on device (the disk is full)"), err
