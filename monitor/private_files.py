"""Files that hold personal data are for their owner only, whatever the umask.

The data folder (the default location of the SQLite database) is 0700; the database, its WAL and
shared-memory files, and digest previews are 0600. SQLite creates ``-wal`` and ``-shm`` with the
mode of the database file, so a database file that is 0600 keeps them 0600 too. A folder you
choose yourself (``[database] url``, ``--out``) keeps its own mode; the files in it do not.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["default_data_dir", "prepare_sqlite_file", "restrict", "write_private_text"]

APP_NAME = "signaleer"


def default_data_dir() -> Path:
    """Where the database lives when no ``[database] url`` is set. (platformdirs is imported here,
    as in ``config.default_config_path``: a configured database never needs it; start-up time.)"""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def restrict(path: Path, mode: int = 0o600) -> None:
    """Take group and other permissions away from ``path`` (if it exists and is ours)."""
    with contextlib.suppress(OSError):  # not there, not ours, or a read-only file system
        os.chmod(path, mode)


def prepare_sqlite_file(database: str) -> None:
    """Before SQLite opens ``database``: create it 0600, and make the default data folder 0700."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.parent.resolve() == default_data_dir().resolve():
        restrict(path.parent, 0o700)
    if not path.exists() and path.parent.is_dir():
        with contextlib.suppress(OSError):  # SQLite will say what is wrong, in its words
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if name.exists():
            restrict(name)


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o600)  # the file may have existed with a wider mode
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
