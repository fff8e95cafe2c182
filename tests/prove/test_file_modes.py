"""Files at rest (issue 18.12): with umask 0022 the data folder was 0755 and the database, its
WAL and the digest previews 0644: anyone on the machine could read the mentions. Now the default
data folder is 0700 and those files 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from monitor.config import default_database_url
from monitor.private_files import write_private_text
from monitor.store import Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_database_wal_and_data_folder_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  open_umask: None) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = default_database_url()
    folder = tmp_path / "xdg" / "signaleer"
    assert url == f"sqlite:///{folder / 'signaleer.db'}"
    with Store.open(url) as store:
        with store.transaction() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        files = sorted(folder.iterdir())
        assert {f.name for f in files} >= {"signaleer.db", "signaleer.db-wal", "signaleer.db-shm"}
        modes = {f.name: oct(mode(f)) for f in files}
    assert mode(folder) == 0o700
    assert set(modes.values()) == {oct(0o600)}, modes


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path,
                                                          open_umask: None) -> None:
    db = tmp_path / "old.db"
    with Store.open(f"sqlite:///{db}"):
        pass
    os.chmod(db, 0o644)
    with Store.open(f"sqlite:///{db}"):
        pass
    assert mode(db) == 0o600


def test_previews_are_private(tmp_path: Path, open_umask: None) -> None:
    out = tmp_path / "digest.html"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o644)
    write_private_text(out, "<html>Curio</html>")
    assert mode(out) == 0o600
    assert out.read_text(encoding="utf-8") == "<html>Curio</html>"
    write_private_text(tmp_path / "new.html", "x")
    assert mode(tmp_path / "new.html") == 0o600
