"""The weekly overview on SQLite and PostgreSQL: once per week by email and to weekly channels."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Settings, parse_settings
from monitor.digest.chat_delivery import send_chat_alerts
from monitor.digest.weekly_delivery import send_weekly_due
from monitor.service.jobs import digest_job
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged
from tests.integration.digest.smtp_server import smtp_server
from tests.integration.digest.webhook_server import WebhookServer, webhook_server


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    with webhook_server(tmp_path, monkeypatch) as s:
        yield s


def settings_for(smtp_port: int, hook: WebhookServer) -> Settings:
    return parse_settings({
        "institution": {"name": "Curio"},
        "digest": {"recipients": ["mc@curio.example"], "sender": "signaleer@curio.example",
                   "language": "en"},
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "timeout": 5},
        "weekly": {"enabled": True, "day": "monday", "time": "08:00",
                   "recipients": ["directie@curio.example"]},
        "alerts": {"channels": [
            {"name": "mc", "url": f"mmost://127.0.0.1:{hook.port}/weeklytoken123456", "weekly": True},
            {"name": "pers", "url": f"mmost://127.0.0.1:{hook.port}/perstoken12345678"}]},
    }, None)


def next_send_time(settings: Settings) -> datetime:
    """Next Monday 08:00 local: the overview of the week the test's mentions were collected in."""
    local = datetime.now(UTC).astimezone(settings.institution.tz)
    monday = local.date() - timedelta(days=local.weekday()) + timedelta(days=7)
    return datetime.combine(monday, time(8, 0), tzinfo=settings.institution.tz).astimezone(UTC)


def test_weekly_goes_out_once_by_email_and_to_weekly_channels(store: Store,
                                                              server: WebhookServer) -> None:
    add_flagged(store, [mention(i) for i in range(3)], "attention", ["complaint"], ["klacht"])
    add_flagged(store, [mention(9, title="Mooie diploma-uitreiking")], "info", ["praise"],
                ["lof"])
    with smtp_server() as (smtp, port):
        settings = settings_for(port, server)
        send_at = next_send_time(settings)
        early = send_weekly_due(store, settings, send_at - timedelta(minutes=1))
        first = send_weekly_due(store, settings, send_at)
        again = send_weekly_due(store, settings, send_at + timedelta(hours=1))
        send_chat_alerts(store, settings, send_at + timedelta(minutes=5))
        send_chat_alerts(store, settings, send_at + timedelta(minutes=20))
    assert early is None  # not due yet
    assert first is not None and first.status == "sent"
    assert again is not None and again.status == "already-sent"
    (mail,) = smtp.received
    assert mail.rcpt_tos == ["directie@curio.example"]
    text = mail.part("plain")
    assert "4 mentions" in text and "3 needed attention" in text
    assert "complaint" in text and "Mooie diploma-uitreiking" in text
    assert 'class="bar"' in mail.part("html") and "width: 100%" in mail.part("html")
    (post,) = [h for h in server.hooks if h.path.endswith("weeklytoken123456")]
    assert post.json["text"].startswith("Weekly overview for Curio")
    assert "4 mentions" in post.json["text"]
    assert not [h for h in server.hooks if h.path.endswith("perstoken12345678")]


def test_the_digest_job_sends_the_weekly_overview(store: Store, server: WebhookServer) -> None:
    with smtp_server() as (smtp, port):
        settings = settings_for(port, server)
        result = digest_job(settings, store, next_send_time(settings))
    assert result.ok and "weekly" in result.summary and "sent" in result.summary
    subjects = [str(r.message["Subject"]) for r in smtp.received]
    assert any("Week of" in s for s in subjects)
