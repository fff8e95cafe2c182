"""A mistake in the config is refused at once; a job that fails before it fetches is a failed run
that status, sources and the digest show (issue 12.3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.collecting import run_collect
from monitor.digest.delivery import preview
from monitor.runtime import load_checked_settings
from monitor.scheduler import Daemon, DaemonOptions
from monitor.status import build_status
from monitor.store import Store
from monitor.store.audit import entries

TYPO_ERROR = "signaleer: error: classifier.attention_treshold: unknown key"


def _config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[institution]
name = "Curio"

[database]
url = "{db_url}"

[[connectors]]
name = "fedi"
kind = "mastodon"
[connectors.options]
instances = ["http://127.0.0.1:9"]
search = ["Curio mbo"]
token_file = "{tmp_path / 'mastodon.token'}"
{extra}""", encoding="utf-8")
    (tmp_path / "mastodon.token").write_text("geheim\n", encoding="utf-8")
    return path


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def test_a_classifier_typo_is_refused_by_doctor_and_every_command(cli_env: dict, db_url: str,
                                                                   tmp_path: Path) -> None:
    config = _config(tmp_path, db_url, "\n[classifier]\nattention_treshold = 0.5\n")
    doctor = run(config, "doctor", "--offline")
    assert doctor.exit_code != 0
    assert "✗ config: classifier.attention_treshold: unknown key" in doctor.output
    for args in (("collect", "--all"), ("search", "curio"), ("status",), ("sources",),
                 ("digest", "preview", "--text")):
        result = run(config, *args)
        assert result.exit_code != 0, (args, result.output)
        assert result.output.strip().splitlines()[-1].startswith(TYPO_ERROR), args


def test_sighup_reload_refuses_a_classifier_typo(db_url: str, tmp_path: Path) -> None:
    config = _config(tmp_path, db_url)
    daemon = Daemon(load_checked_settings(config), DaemonOptions(config_path=str(config)))
    daemon.store = Store.open(db_url)
    try:
        config.write_text(config.read_text(encoding="utf-8")
                          + "\n[classifier]\nattention_treshold = 0.5\n", encoding="utf-8")
        assert daemon.reload() is False
        with daemon.store.reading() as conn:
            (audited,) = entries(conn, action="config-reload")
    finally:
        daemon.store.close()
    assert audited.details and audited.details["ok"] is False
    assert "classifier.attention_treshold" in audited.details["error"]


def test_a_job_that_fails_before_fetching_is_a_failed_run_everywhere(
        cli_env: dict, db_url: str, tmp_path: Path) -> None:
    config = _config(tmp_path, db_url)
    settings = load_checked_settings(config)
    (tmp_path / "mastodon.token").unlink()  # gone after the config was loaded
    with Store.open(db_url) as store:
        (outcome,) = run_collect(settings, store)
        assert not outcome.ok and "mastodon.token" in (outcome.error or "")
        (line,) = build_status(settings, store).connectors
        assert line.health == "failed-1x" and line.last_failure is not None
        content, rendered = preview(store, settings, datetime.now(UTC))
    assert [s.name for s in content.unhealthy] == ["fedi"]  # never succeeded: not "working"
    assert "fedi" in rendered.text
    (tmp_path / "mastodon.token").write_text("geheim\n", encoding="utf-8")
    sources = run(config, "sources", "--json")
    assert json.loads(sources.output.splitlines()[0])["health"] == "failed 1x"
