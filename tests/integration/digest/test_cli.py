"""``signaleer digest`` through click's CliRunner against a real database and SMTP server."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged, digest_rows
from tests.integration.digest.smtp_server import free_port, smtp_server


def _config(tmp_path: Path, port: int, time: str = "00:00") -> str:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[digest]
time = "{time}"
recipients = ["mc@curio.example"]
sender = "signaleer@curio.example"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
timeout = 5
""", encoding="utf-8")
    return str(path)


def _run(config: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--config", config, "digest", *args], catch_exceptions=False)


def test_preview_marks_nothing(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    add_flagged(store, [mention(1, text="<script>x</script> Curio")], "urgent")
    config = _config(tmp_path, free_port())
    out = tmp_path / "d.html"
    result = _run(config, "preview", "--out", str(out), "--text")
    assert result.exit_code == 0, result.output
    assert "URGENT (1)" in result.stdout and "*Curio*" in result.stdout
    assert "&lt;script&gt;" in out.read_text(encoding="utf-8")
    assert digest_rows(store) == []


def test_send_if_due_then_list(store: Store, cli_env: dict[str, str], tmp_path: Path) -> None:
    add_flagged(store, [mention(1)], "attention")
    with smtp_server() as (server, port):
        config = _config(tmp_path, port)
        first = _run(config, "send", "--if-due")
        second = _run(config, "send", "--if-due")
    assert first.exit_code == 0 and ": sent (attempt 1)" in first.stdout
    assert second.exit_code == 0 and "already-sent" in second.stdout
    assert len(server.received) == 1
    listing = _run(config, "list")
    assert listing.exit_code == 0 and "sent" in listing.stdout


def test_send_failure_exit_code_and_list_shows_error(store: Store, cli_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    add_flagged(store, [mention(1)], "attention")
    config = _config(tmp_path, free_port())
    result = _run(config, "send")
    assert result.exit_code == 75 and "pending" in result.stdout
    listing = _run(config, "list")
    assert "pending" in listing.stdout and "Connection" in listing.stdout


def test_bad_date_is_a_usage_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = _run(_config(tmp_path, free_port()), "preview", "--date", "gisteren")
    assert result.exit_code == 2 and "--date" in result.output
