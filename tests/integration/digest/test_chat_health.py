"""A chat message that failed or may not have arrived shows in ``status`` and the digest's health
section; ``doctor`` checks each channel without showing its URL. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.db import chat_outbox
from monitor.digest.chat_delivery import send_chat_alerts
from monitor.digest.delivery import preview
from monitor.digest.render import render_digest
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged
from tests.integration.digest.webhook_server import WebhookServer, webhook_server

TOKEN = "hooktokenZZ9secret77"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    with webhook_server(tmp_path, monkeypatch) as s:
        yield s


def config(tmp_path: Path, server: WebhookServer, language: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[digest]
language = "{language}"
recipients = ["mc@curio.example"]

[[alerts.channels]]
name = "mc"
url = "mmost://127.0.0.1:{server.port}/{TOKEN}"
""", encoding="utf-8")
    return path


def fail_one_and_interrupt_one(store: Store, settings: Any, server: WebhookServer) -> None:
    ids = add_flagged(store, [mention(1), mention(2)], "urgent", ["crisis"], ["crisis"])
    now = datetime.now(UTC)
    with store.transaction() as conn:  # a sender killed mid-send left this one behind
        conn.execute(chat_outbox.insert().values(
            channel="mc", kind="mention", ref=str(ids[1]), mention_id=ids[1], status="sending",
            created_at=now, due_at=now, lease_until=now, started_at=now, attempts=1))
    server.plan = [400] * 5
    (report,) = send_chat_alerts(store, settings, now + timedelta(seconds=1))
    assert report.count("uncertain") == 1 and report.count("retrying") == 1
    for hours in (1, 2, 4, 8):
        send_chat_alerts(store, settings, now + timedelta(hours=hours))
    assert len(server.hooks) == 5


@pytest.mark.parametrize(("language", "failed", "uncertain"), [
    ("en", "Alert channel mc: 1 message(s) not delivered.",
     "Alert channel mc: 1 message(s) may not have arrived"),
    ("nl", "Meldingskanaal mc: 1 bericht(en) niet afgeleverd.",
     "Meldingskanaal mc: 1 bericht(en) misschien niet aangekomen"),
])
def test_failures_show_in_the_digest_and_status(tmp_path: Path, server: WebhookServer,
                                                store: Store, cli_env: dict[str, str],
                                                language: str, failed: str,
                                                uncertain: str) -> None:
    path = config(tmp_path, server, language)
    settings = load_settings(path)
    fail_one_and_interrupt_one(store, settings, server)
    content, rendered = preview(store, settings, datetime.now(UTC) + timedelta(hours=9))
    assert failed in rendered.text and uncertain in rendered.text
    assert failed in rendered.html
    assert render_digest(content, "[S]").text == rendered.text
    status = CliRunner().invoke(cli, ["--config", str(path), "status", "--json"])
    (line,) = json.loads(status.output)["channels"]
    assert (line["name"], line["failed"], line["uncertain"], line["sent"]) == ("mc", 1, 1, 0)
    assert "not delivered" in line["last_error"] or "interrupted" in line["last_error"]
    table = CliRunner().invoke(cli, ["--config", str(path), "status"])
    flat = " ".join(table.output.split())  # the console wraps long lines
    assert "alert channel mc: 0 sent, 0 waiting" in flat
    assert "1 failed, 1 uncertain (may not have arrived)" in flat
    assert TOKEN not in status.output + table.output


def test_doctor_checks_channels_without_showing_the_url(tmp_path: Path, server: WebhookServer,
                                                        cli_env: dict[str, str]) -> None:
    path = config(tmp_path, server, "en")
    result = CliRunner().invoke(cli, ["--config", str(path), "doctor", "--offline"])
    assert "✓ alert channel mc: Mattermost (URL hidden); try it: signaleer alerts test mc" \
        in result.output
    assert TOKEN not in result.output and str(server.port) not in result.output
