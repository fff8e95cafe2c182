"""``subject export/erase`` and ``retention apply/new-key`` through the CLI, on both databases."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from tests.integration.privacy.helpers import KEY, add, audit_rows, ids_found, judge, snapshot


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def seeded(cli_env: dict, db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SIGNALEER_PSEUDONYM_KEY", KEY)
    with Store.open(db_url) as store:
        own = add(store, 1, 2, author="JanDeVries")
        about = add(store, 2, 2, author="pietpuk", text="Curio en @jandevries op de open dag")
        judge(store, own)
        add(store, 3, 120, author="klaas")
        add(store, 4, 40, author="klaas")
    yield {"own": own, "about": about, "url": db_url}


def test_export_to_a_private_file(seeded: dict, tmp_path: Path) -> None:
    out = tmp_path / "jan.json"
    result = run("subject", "export", "@JanDeVries", "--out", str(out), "--by", "anouk")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [m["id"] for m in data["authored"]] == [seeded["own"]]
    assert [m["id"] for m in data["mentioned_in"]] == [seeded["about"]]
    log = [json.loads(x) for x in run("audit", "--json", "--action", "export").output.splitlines()]
    assert log[0]["actor"] == "anouk" and "jandevries" not in json.dumps(log).lower()


def test_export_to_stdout(seeded: dict) -> None:
    result = run("subject", "export", "jandevries")
    assert result.exit_code == 0 and json.loads(result.output)["subject"] == "jandevries"


def test_erase_refuses_without_yes_when_not_interactive(seeded: dict) -> None:
    with Store.open(seeded["url"]) as store:
        before = snapshot(store)
        result = run("subject", "erase", "@jandevries")
        assert result.exit_code == 2 and "--yes" in result.output
        assert snapshot(store) == before


def test_erase_asks_when_interactive(seeded: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("monitor.cli.privacy_cmd._interactive", lambda: True)
    no = run("subject", "erase", "@jandevries", stdin="n\n")
    assert no.exit_code == 1 and "delete 1 mention(s) by them" in no.output
    yes = run("subject", "erase", "@jandevries", stdin="y\n")
    assert yes.exit_code == 0 and "deleted 1 mention(s), redacted 1" in yes.output
    with Store.open(seeded["url"]) as store:
        assert ids_found(store, "jandevries") == []
        assert len(audit_rows(store, "erase")) == 1


def test_erase_with_yes(seeded: dict) -> None:
    result = run("subject", "erase", "@jandevries", "--yes", "--by", "anouk")
    assert result.exit_code == 0 and "audit reference anon:" in result.output
    with Store.open(seeded["url"]) as store:
        (entry,) = audit_rows(store, "erase")
    assert entry.actor == "anouk" and "jandevries" not in str(entry.details).lower()


def test_retention_dry_run_then_apply(seeded: dict) -> None:
    with Store.open(seeded["url"]) as store:
        before = snapshot(store)
        dry = run("retention", "apply", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert "would delete 1 (" in dry.output and "the authors of 1 (" in dry.output
        assert snapshot(store) == before
        done = run("retention", "apply")
        assert done.exit_code == 0 and "deleted 1 (" in done.output
        assert ids_found(store, None, authors=("klaas",)) == []
        assert len(audit_rows(store, "retention")) == 1


def test_new_key(cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "pseudonym-key"
    assert run("retention", "new-key", str(path)).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = run("retention", "new-key", str(path))
    assert again.exit_code == 2 and "refusing to overwrite" in again.output
