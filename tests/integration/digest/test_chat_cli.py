"""``signaleer alerts`` and the collect hook, against loopback webhooks for each URL format.

Teams Workflows and Slack post over HTTPS to their own hosts; the loopback server receives them as
an HTTPS proxy with a test CA (see ``webhook_server``). Mattermost posts to the loopback directly.
No secret may appear in anything the commands print or log.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.collecting import run_collect
from monitor.config import load_settings
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged
from tests.integration.digest.webhook_server import WebhookServer, webhook_server

WORKFLOW_SIG = "KODuebWbDGYFr0z0eu-6Rj8aUKz7108W3wrNJZxFE5A"
TEAMS = ("https://prod-161.westeurope.logic.azure.com:443/workflows/"
         "643e69f83c8944438d68119179a10a64/triggers/manual/paths/invoke?api-version=2016-06-01"
         f"&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={WORKFLOW_SIG}")
SLACK_TOKEN = "TIiajkdnlazkcOXrIdevi7"
SLACK = f"https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/{SLACK_TOKEN}"
MM_TOKEN = "yobjmukpaw3r3urc5h6i369yima"
SECRETS = (WORKFLOW_SIG, SLACK_TOKEN, MM_TOKEN)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    with webhook_server(tmp_path, monkeypatch) as s:
        yield s


def write_config(tmp_path: Path, server: WebhookServer, language: str = "en") -> Path:
    (tmp_path / "teams.url").write_text(TEAMS + "\n", encoding="utf-8")
    (tmp_path / "slack.url").write_text(SLACK + "\n", encoding="utf-8")
    config = tmp_path / "signaleer.toml"
    config.write_text(f"""
[institution]
name = "Curio"

[digest]
language = "{language}"

[[alerts.channels]]
name = "teams"
url_file = "teams.url"

[[alerts.channels]]
name = "slack"
url_file = "slack.url"
categories = ["threat"]

[[alerts.channels]]
name = "mattermost"
url = "mmost://127.0.0.1:{server.port}/{MM_TOKEN}"
min_severity = "attention"
""", encoding="utf-8")
    return config


def run(config: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config), "-vv", "alerts", *args])


def no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def by_host(server: WebhookServer) -> dict[str, Any]:
    return {h.host: h for h in server.hooks}


def test_alerts_test_reaches_each_format(tmp_path: Path, server: WebhookServer,
                                         cli_env: dict[str, str],
                                         caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path, server)
    caplog.set_level(logging.DEBUG)
    results = [run(config, "test", name) for name in ("teams", "slack", "mattermost")]
    assert [r.exit_code for r in results] == [0, 0, 0], [r.output for r in results]
    assert "sent a test message to teams (Power Automate / Workflows" in results[0].output
    hooks = by_host(server)
    teams = hooks["prod-161.westeurope.logic.azure.com"]
    assert teams.path.startswith("/workflows/643e69f83c8944438d68119179a10a64/triggers/manual/")
    card = teams.json["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    blocks = [b.get("text") for b in card["content"]["body"]]
    assert "Test message from Signaleer" in blocks
    assert any("Channel teams works" in (b or "") for b in blocks)
    slack = hooks["hooks.slack.com"]
    assert slack.path == f"/services/T1JJ3T3L2/A1BRTD4JD/{SLACK_TOKEN}"
    assert slack.json["attachments"][0]["title"] == "Test message from Signaleer"
    assert "Channel slack works" in slack.json["attachments"][0]["text"]
    mattermost = hooks["127.0.0.1"]
    assert mattermost.path == f"/hooks/{MM_TOKEN}"
    assert mattermost.json["username"] == "Signaleer"
    assert "Channel mattermost works" in mattermost.json["text"]
    no_secret(*(r.output for r in results), caplog.text)
    listed = run(config, "list")
    assert "slack: Slack (URL hidden); urgent and up; categories: threat" in listed.output
    no_secret(listed.output)


def test_alerts_test_names_a_refusal_without_the_url(tmp_path: Path, server: WebhookServer,
                                                     cli_env: dict[str, str]) -> None:
    config = write_config(tmp_path, server)
    server.plan = [403]
    result = run(config, "test", "mattermost")
    assert result.exit_code == 1
    assert "channel mattermost: not delivered" in result.output
    no_secret(result.output)
    unknown = run(config, "test", "teams-mc")
    assert unknown.exit_code == 2 and "no alert channel named 'teams-mc'" in unknown.output


def test_collect_routes_urgent_items_within_one_cycle(tmp_path: Path, server: WebhookServer,
                                                      store: Store, db_url: str,
                                                      cli_env: dict[str, str],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    add_flagged(store, [mention(1, title="Dreigement tegen school")], "urgent", ["threat"],
                ["threat: 'ik steek'"])
    add_flagged(store, [mention(2, title="Brand bij Curio")], "urgent", ["crisis"], ["crisis"])
    add_flagged(store, [mention(3, title="Klacht over rooster")], "attention", ["complaint"],
                ["klacht"])
    settings = load_settings(write_config(tmp_path, server))
    caplog.set_level(logging.DEBUG)
    run_collect(settings, store)  # no connectors: the after-collect hooks alone
    got = sorted((h.host, _title(h)) for h in server.hooks)
    assert got == [
        ("127.0.0.1", "ATTENTION: Klacht over rooster"),
        ("127.0.0.1", "URGENT: Brand bij Curio"),
        ("127.0.0.1", "URGENT: Dreigement tegen school"),
        ("hooks.slack.com", "URGENT: Dreigement tegen school"),
        ("prod-161.westeurope.logic.azure.com", "URGENT: Brand bij Curio"),
        ("prod-161.westeurope.logic.azure.com", "URGENT: Dreigement tegen school"),
    ]
    run_collect(settings, store)
    assert len(server.hooks) == 6  # nothing twice
    no_secret(caplog.text)
    sent = CliRunner().invoke(cli, ["--config", str(tmp_path / "signaleer.toml"), "alerts",
                                    "send"])
    assert sent.exit_code == 0 and "teams: nothing due" in sent.output


def _title(hook: Any) -> str:
    body = hook.json
    if "attachments" in body and "content" in body["attachments"][0]:
        blocks = body["attachments"][0]["content"]["body"]
        return next(b["text"] for b in blocks if b.get("id") == "title")
    if "attachments" in body:
        return body["attachments"][0]["title"]
    return body["text"].split("\r\n")[0]


def test_the_daemon_does_not_load_apprise_without_channels() -> None:
    """Apprise with its plug-ins costs some 25 MiB: only installations with channels pay it."""
    code = ("import sys; from monitor.runtime import load_checked_settings; "
            "import monitor.scheduler, monitor.collecting; load_checked_settings(None); "
            "print('apprise' in sys.modules)")
    env = {**os.environ, "SIGNALEER_CONFIG": os.devnull}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "False"
