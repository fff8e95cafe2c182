"""One Signaleer at a time: the single-instance lock shared by the daemon and the one-shot jobs.

* SQLite: ``fcntl.flock`` on ``<database file>.lock`` (beside the database). The kernel drops the
  lock when the process dies, however it dies.
* PostgreSQL: ``pg_try_advisory_lock(LOCK_KEY)`` on a dedicated connection held for as long as the
  lock is held. Two hosts sharing one database therefore never collect or send twice. The server
  drops the lock when that connection ends. ``LOCK_KEY`` is derived from the name "signaleer";
  an installation whose tables live in another schema than ``public`` gets a key derived from
  "signaleer:<schema>", so that separate installations sharing one database do not block each other.

Use it as a context manager::

    with instance_lock(settings.database.url, purpose="collect"):
        run_collect(settings, store, ())

A held lock raises :class:`LockBusy` (exit code 75, ``EX_TEMPFAIL``) unless ``wait=True``, which
polls every ``poll`` seconds until the lock is free, or until ``sleep(poll)`` returns True (the
daemon's "stop requested"; then :class:`LockBusy` too).
"""

from __future__ import annotations

import errno
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from monitor.db import sqlite_path
from monitor.errors import SignaleerError, StoreError
from monitor.service.holder import Holder, lock_key
from monitor.service.pglock import AdvisoryLock

EX_TEMPFAIL = 75
LOCK_KEY = lock_key()
APP_PREFIX = "signaleer-lock"


class LockBusy(SignaleerError):
    """Another Signaleer process holds the instance lock."""

    exit_code = EX_TEMPFAIL


class _Backend(Protocol):
    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...
    def alive(self) -> bool: ...
    def holder(self) -> Holder | None: ...
    def where(self) -> str: ...


def _identity(purpose: str) -> dict[str, Any]:
    return {"purpose": purpose, "host": socket.gethostname(), "pid": os.getpid(),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}


class _FileLock:
    """``flock`` on a file beside the SQLite database; the file holds who has it (for messages)."""

    def __init__(self, path: Path, purpose: str) -> None:
        self.path = path
        self.purpose = purpose
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        except OSError as exc:
            raise _lock_file_error(self.path, "create", exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        me = _identity(self.purpose)
        line = f"{me['purpose']} {me['host']} {me['pid']} {me['since']}\n".encode()
        try:  # overwrite first, then cut: an old line's block is reused on a full disk
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, line)
            os.ftruncate(fd, len(line))
        except OSError as exc:
            os.close(fd)
            raise _lock_file_error(self.path, "write", exc) from None
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock; the file stays (unlinking would race)
            self._fd = None

    def alive(self) -> bool:
        """Still ours: the fd is open and the path still names the file we locked (not deleted
        or replaced, which would let another process lock a new file of the same name)."""
        if self._fd is None:
            return False
        try:
            return os.fstat(self._fd).st_ino == os.stat(self.path).st_ino
        except OSError:
            return False

    def holder(self) -> Holder | None:
        try:
            with open(self.path, "rb") as fh:  # bounded: the path may name anything
                parts = fh.read(1024).decode("utf-8", "replace").split()
        except OSError:
            return None
        if len(parts) != 4:
            return None
        return Holder(parts[0], parts[1], int(parts[2]) if parts[2].isdigit() else None, parts[3])

    def where(self) -> str:
        return str(self.path)


_HINTS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
          errno.EROFS: "the database folder is read-only",
          errno.EACCES: "check the database folder's owner and permissions"}


def _lock_file_error(path: Path, doing: str, exc: OSError) -> StoreError:
    """A one-line error for the lock file, with a hint for the usual causes."""
    hint = _HINTS.get(exc.errno or 0, "is the database folder writable?")
    return StoreError(f"cannot {doing} the instance lock {path}: "
                      f"{exc.strerror or type(exc).__name__} ({hint})")


class _NoLock:
    """In-memory SQLite: nothing to share, nothing to lock."""

    def try_acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def alive(self) -> bool:
        return True

    def holder(self) -> Holder | None:
        return None

    def where(self) -> str:
        return "in-memory database (no lock)"


def lock_path_for(url: str) -> Path | None:
    """``<db>.lock`` beside a SQLite file; ``None`` for in-memory SQLite and other databases."""
    db = sqlite_path(url)
    return db.with_name(db.name + ".lock") if db is not None else None


def _backend(url: str, purpose: str) -> _Backend:
    if url.startswith("sqlite"):
        path = lock_path_for(url)
        return _FileLock(path, purpose) if path else _NoLock()
    return AdvisoryLock(url, purpose)


class InstanceLock:
    """The lock itself; prefer :func:`instance_lock`. ``alive()`` says whether it is still held."""

    def __init__(self, url: str, purpose: str = "signaleer") -> None:
        self.purpose = purpose
        self._backend = _backend(url, purpose)
        self.held = False

    def acquire(self, *, wait: bool = False, poll: float = 5.0,
                sleep: Callable[[float], bool] | None = None,
                on_wait: Callable[[str], object] | None = None) -> None:
        """Take the lock, or raise ``LockBusy``; with ``wait``, poll until free. ``sleep(s)``
        sleeps up to ``s`` seconds and returns True to give up (default: ``time.sleep``)."""
        announced = False
        while True:
            if self._backend.try_acquire():
                self.held = True
                return
            if not wait:
                raise LockBusy(self._busy_message())
            if not announced and on_wait is not None:
                on_wait(self._busy_message())
                announced = True
            if sleep is None:
                time.sleep(poll)
            elif sleep(poll):
                raise LockBusy("gave up waiting for the instance lock (stopping)")

    def _busy_message(self) -> str:
        holder = self._backend.holder()
        who = f": held by {holder.describe()}" if holder else ""
        return (f"another Signaleer run holds the instance lock ({self._backend.where()}){who}; "
                "try again later, or start the daemon with --standby to wait")

    def alive(self) -> bool:
        """False when the lock was lost (e.g. the PostgreSQL connection holding it broke)."""
        return self.held and self._backend.alive()

    def holder(self) -> Holder | None:
        return self._backend.holder()

    def release(self) -> None:
        if self.held:
            self.held = False
        self._backend.release()


@contextmanager
def instance_lock(url: str, *, purpose: str = "signaleer", wait: bool = False, poll: float = 5.0,
                  sleep: Callable[[float], bool] | None = None) -> Iterator[InstanceLock]:
    """Hold the single-instance lock for the block. Raises ``LockBusy`` (exit 75) when taken."""
    lock = InstanceLock(url, purpose)
    try:
        lock.acquire(wait=wait, poll=poll, sleep=sleep)
    except StoreError:
        lock.release()
        raise
    try:
        yield lock
    finally:
        lock.release()


def current_holder(url: str) -> Holder | None:
    """Who holds the lock right now, without taking it (``None`` if nobody, or unknown)."""
    backend = _backend(url, "status")
    if isinstance(backend, _FileLock):
        return _file_holder(backend)
    try:
        return backend.holder()
    finally:
        backend.release()


def _file_holder(backend: _FileLock) -> Holder | None:
    import fcntl

    if not backend.path.exists():
        return None
    fd = os.open(backend.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # a shared lock never blocks the holder out
    except BlockingIOError:
        return backend.holder()  # someone holds it exclusively
    finally:
        os.close(fd)
    return None
