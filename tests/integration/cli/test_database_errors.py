"""A missing, unreachable or read-only database gives one clear line, never a traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli


def invoke(monkeypatch: pytest.MonkeyPatch, url: str, *args: str):
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", url)
    return CliRunner().invoke(cli, list(args))


def test_unreachable_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(monkeypatch, "postgresql://nobody@127.0.0.1:1/none", "search", "curio")
    assert result.exit_code == 1
    assert result.output.startswith("signaleer: error: cannot open database")
    assert "Traceback" not in result.output


def test_database_folder_cannot_be_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke(monkeypatch, f"sqlite:///{blocker}/sub/db.sqlite", "search", "curio")
    assert result.exit_code == 1 and "cannot create database folder" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_sqlite_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    assert invoke(monkeypatch, f"sqlite:///{db}", "db", "upgrade").exit_code == 0
    db.chmod(stat.S_IRUSR)
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = invoke(monkeypatch, f"sqlite:///{db}", "search", "curio")
        assert result.exit_code == 0
    finally:
        tmp_path.chmod(stat.S_IRWXU)


def test_read_only_sqlite_via_uri(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "ro.db"
    assert invoke(monkeypatch, f"sqlite:///{db}", "db", "upgrade").exit_code == 0
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    assert invoke(monkeypatch, url, "search", "curio").exit_code == 0
    path = tmp_path / "one.jsonl"
    path.write_text('{"source":"rss","external_id":"1","url":"u","text":"curio",'
                    '"published_at":"2026-01-01T00:00:00Z"}\n')
    result = invoke(monkeypatch, url, "import", str(path))
    assert result.exit_code == 1
    assert "signaleer: error: database write failed" in result.output
    assert "readonly" in result.output.replace("-", "").replace(" ", "").lower()
    assert not (tmp_path / "file:").exists()  # issue 12.12: no stray "file:" folder tree
