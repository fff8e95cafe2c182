"""``status``, ``doctor`` and ``retention apply`` through CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.integration.service.conftest import config_text


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def config(tmp_path: Path, cli_env: dict, feed_url: str, smtp_server) -> Path:
    port, _ = smtp_server
    path = tmp_path / "signaleer.toml"
    path.write_text(config_text(cli_env["SIGNALEER_DATABASE_URL"], feed_url, port), encoding="utf-8")
    return path


def test_status_reports_connectors_digest_and_database(config: Path, smtp_server) -> None:
    before = json.loads(run("--config", str(config), "status", "--json").output)
    assert before["connectors"][0]["health"] == "never-ran"
    assert before["digest"] is None and before["database"]["mentions"] == 0

    assert run("--config", str(config), "collect", "--all").exit_code == 0
    from monitor.config import load_settings
    from monitor.service.jobs import digest_job
    from monitor.store import Store

    settings = load_settings(config)
    with Store.open(settings.database.url) as store:
        assert digest_job(settings, store).ok

    report = json.loads(run("--config", str(config), "status", "--json").output)
    line = report["connectors"][0]
    assert line["name"] == "nieuws" and line["health"] == "ok"
    assert line["items_today"] == 1 and line["last_success"] and line["last_failure"] is None
    assert line["next_run"] > line["last_run"]
    assert report["digest"]["status"] == "sent"
    db = report["database"]
    assert db["mentions"] == 1 and db["flagged"] >= 0 and db["open"] <= db["flagged"]
    assert db["size_bytes"] > 0
    assert report["instance"] is None

    text = run("--config", str(config), "status").output
    assert "nieuws" in text and "last digest:" in text and "free (no daemon running)" in text


def test_doctor_passes_on_a_working_setup(config: Path) -> None:
    assert run("--config", str(config), "db", "upgrade").exit_code == 0
    result = run("--config", str(config), "doctor", "--timeout", "5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(line.startswith("✓") for line in lines), result.output
    names = [line.split(":")[0] for line in lines]
    assert names[:4] == ["✓ config", "✓ database", "✓ connector nieuws", "✓ smtp 127.0.0.1"]
    assert any(line.startswith("✓ source nieuws") and "HTTP 200" in line for line in lines)


def test_doctor_fails_on_missing_secrets_without_showing_any(config: Path, monkeypatch) -> None:
    extra = ('\n[[connectors]]\nname = "x"\nkind = "x"\nevery = "15m"\noptions = { query = "Curio" }\n'
             '\n[[connectors]]\nname = "sky"\nkind = "bluesky"\nevery = "15m"\n'
             'options = { handle = "curio.bsky.social" }\n')
    config.write_text(config.read_text(encoding="utf-8").replace(
        'security = "none"', 'security = "none"\nusername = "mailer"') + extra, encoding="utf-8")
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "hunter2-very-secret")
    result = run("--config", str(config), "doctor", "--offline")
    assert result.exit_code == 1
    out = result.output
    assert "✗ secret smtp.password: missing" in out
    assert "✗ secret x bearer_token: missing: set $SIGNALEER_X_BEARER_TOKEN" in out
    assert "✓ secret sky app_password: present ($SIGNALEER_BLUESKY_APP_PASSWORD)" in out
    assert "hunter2" not in out
    assert "smtp 127.0.0.1" not in out  # --offline


def test_doctor_flags_an_unmigrated_database_and_missing_starttls(tmp_path: Path, cli_env: dict,
                                                                  feed_url: str, smtp_server) -> None:
    port, _ = smtp_server
    path = tmp_path / "signaleer.toml"
    path.write_text(config_text(cli_env["SIGNALEER_DATABASE_URL"], feed_url, port)
                    .replace('security = "none"', 'security = "starttls"'), encoding="utf-8")
    result = run("--config", str(path), "doctor")
    assert result.exit_code == 1
    assert "✗ database:" in result.output and "signaleer db upgrade" in result.output
    assert "does not offer STARTTLS" in result.output


def test_doctor_reports_an_invalid_config(tmp_path: Path, cli_env: dict) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[digest]\ntime = "25:00"\n', encoding="utf-8")
    result = run("--config", str(path), "doctor")
    assert result.exit_code == 1
    assert result.output.startswith("✗ config: digest.time")


def test_retention_apply_takes_the_lock_and_runs(config: Path) -> None:
    from monitor.config import load_settings
    from monitor.service import single_instance

    result = run("--config", str(config), "retention", "apply", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("retention:")
    with single_instance(load_settings(config), "daemon"):
        busy = run("--config", str(config), "retention", "apply")
    assert busy.exit_code == 75
    assert "holds the instance lock" in busy.output
