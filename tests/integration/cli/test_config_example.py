"""``signaleer config example`` prints the shipped example, which passes ``doctor --offline`` apart
from the secrets it names; the config lookup ends at ``/etc/signaleer/signaleer.toml``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings

ROOT = Path(__file__).resolve().parents[3]
# the secrets config.example.toml names and leaves to the environment or a *_file key
NAMED_SECRETS = {"SIGNALEER_SMTP_PASSWORD": "secret smtp.password",
                 "SIGNALEER_BLUESKY_APP_PASSWORD": "secret bluesky app_password"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_config_example_prints_the_repository_example() -> None:
    result = run("config", "example")
    assert result.exit_code == 0
    assert result.output == (ROOT / "config.example.toml").read_text(encoding="utf-8")


@pytest.fixture
def example(tmp_path: Path, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(run("config", "example").output, encoding="utf-8")
    with monkeypatch.context() as secrets:  # a command that builds the connectors needs them
        for env in NAMED_SECRETS:
            secrets.setenv(env, "not-a-real-secret")
        assert run("--config", str(path), "db", "upgrade").exit_code == 0
    for env in NAMED_SECRETS:
        monkeypatch.delenv(env, raising=False)
    return path


def test_the_example_passes_doctor_offline_but_for_its_secrets(
        example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("--config", str(example), "doctor", "--offline")
    failed = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert result.exit_code == 1
    assert {line.split(":")[0][2:] for line in failed} >= set(NAMED_SECRETS.values())
    for line in failed:  # a connector that cannot be built without its secret says which
        assert any(f"${env}" in line for env in NAMED_SECRETS), line

    for env in NAMED_SECRETS:
        monkeypatch.setenv(env, "not-a-real-secret")
    result = run("--config", str(example), "doctor", "--offline")
    assert result.exit_code == 0, result.output
    assert "✓ config:" in result.output and "✓ database:" in result.output


def test_system_config_comes_after_the_user_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = tmp_path / "etc" / "signaleer.toml"
    system.parent.mkdir()
    system.write_text("[institution]\nname = 'Systeem'\n", encoding="utf-8")
    monkeypatch.setattr("monitor.config.SYSTEM_CONFIG", system)
    monkeypatch.delenv("SIGNALEER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_settings().institution.name == "Systeem"
    assert load_settings().source == system

    user = tmp_path / "xdg" / "signaleer" / "signaleer.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[institution]\nname = 'Gebruiker'\n", encoding="utf-8")
    assert load_settings().institution.name == "Gebruiker"

    monkeypatch.setenv("SIGNALEER_CONFIG", str(system))
    assert load_settings().institution.name == "Systeem"
