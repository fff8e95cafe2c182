"""Chat alerts on SQLite and PostgreSQL, against a loopback webhook server (Mattermost format).

The clock is frozen: each pass gets an explicit ``now``. Mentions are collected at the real clock
(``insert_new`` sets ``collected_at``), so ``now`` starts from it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from monitor.config import Settings, parse_settings
from monitor.db import chat_outbox
from monitor.digest.chat_delivery import ChannelReport, send_chat_alerts
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged, add_spike
from tests.integration.digest.webhook_server import WebhookServer, webhook_server

TOKEN = "tok3nSecretAbcdefghijklmn"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    with webhook_server(tmp_path, monkeypatch) as s:
        yield s


def settings_for(server: WebhookServer, language: str = "nl", **channel: Any) -> Settings:
    entry = {"name": "mc", "url": f"mmost://127.0.0.1:{server.port}/{TOKEN}", **channel}
    return parse_settings({
        "institution": {"name": "Curio", "timezone": "Europe/Amsterdam"},
        "digest": {"language": language},
        "web": {"base_url": "https://signaleer.curio.example/"},
        "alerts": {"channels": [entry]}}, None)


def texts(server: WebhookServer) -> list[str]:
    return [h.json["text"] for h in server.hooks]


def rows(store: Store) -> list[Any]:
    with store.reading() as conn:
        return list(conn.execute(select(chat_outbox).order_by(chat_outbox.c.id)))


def one(reports: tuple[ChannelReport, ...]) -> ChannelReport:
    (report,) = reports
    return report


def at(hour: int, minute: int = 0) -> datetime:
    """The next moment at this Amsterdam clock time (so never before the mentions came in)."""
    local = datetime.now(UTC).astimezone(AMSTERDAM)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (target if target >= local else target + timedelta(days=1)).astimezone(UTC)


def test_urgent_mention_reaches_the_channel_once(store: Store, server: WebhookServer) -> None:
    (urgent,) = add_flagged(store, [mention(1, title="Brand in gebouw Breda")], "urgent",
                            ["crisis"], ["crisiswoord 'brand'"])
    add_flagged(store, [mention(2)], "attention")
    settings = settings_for(server)
    now = datetime.now(UTC)
    first = one(send_chat_alerts(store, settings, now))
    second = one(send_chat_alerts(store, settings, now + timedelta(minutes=5)))
    assert first.count("sent") == 1 and second.counts == ()
    (text,) = texts(server)
    assert server.hooks[0].path == f"/hooks/{TOKEN}"
    assert text.startswith("URGENT: Brand in gebouw Breda")
    assert "**Waarom:** crisiswoord 'brand'" in text
    assert f"[Open in Signaleer](https://signaleer.curio.example/mentions/{urgent})" in text
    assert "rss · auteur1 · 100 volgers" in text
    assert [(r.status, r.mention_id) for r in rows(store)] == [("sent", urgent)]


def test_min_severity_and_categories_choose_what_a_channel_gets(store: Store,
                                                                server: WebhookServer) -> None:
    add_flagged(store, [mention(1)], "urgent", ["threat"], ["dreiging"])
    (crisis,) = add_flagged(store, [mention(2)], "attention", ["crisis"], ["crisis"])
    add_flagged(store, [mention(3)], "attention", ["complaint"], ["klacht"])
    settings = settings_for(server, min_severity="attention", categories=["crisis"])
    one(send_chat_alerts(store, settings, datetime.now(UTC)))
    assert [r.mention_id for r in rows(store)] == [crisis] and len(server.hooks) == 1


def test_cap_suppresses_and_one_summary_tells_the_rest(store: Store,
                                                       server: WebhookServer) -> None:
    ids = add_flagged(store, [mention(i, title=f"Melding {i}") for i in range(6)], "urgent",
                      ["crisis"], ["crisis"])
    settings = settings_for(server, max_per_hour=2)
    now = datetime.now(UTC)
    report = one(send_chat_alerts(store, settings, now))
    assert report.count("sent") == 2 and report.count("suppressed") == 4
    assert report.count("summary-sent") == 1
    summary = texts(server)[-1]
    assert summary.startswith("4 melding(en) meer voor mc")
    assert all(f"Melding {i}" in summary for i in range(2, 6))
    more = add_flagged(store, [mention(9, title="Later")], "urgent", ["crisis"], ["crisis"])
    later = one(send_chat_alerts(store, settings, now + timedelta(minutes=30)))
    assert later.count("suppressed") == 1 and later.count("summary-sent") == 0
    hour_on = one(send_chat_alerts(store, settings, now + timedelta(minutes=61)))
    assert hour_on.count("summary-sent") == 1 and "Later" in texts(server)[-1]
    assert len(server.hooks) == 4
    status = {r.mention_id: r.status for r in rows(store) if r.kind == "mention"}
    assert sorted(status) == sorted(ids + more)


def test_quiet_hours_hold_all_but_an_urgent_crisis(store: Store, server: WebhookServer) -> None:
    (crisis,) = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    (press,) = add_flagged(store, [mention(2)], "urgent", ["press"], ["pers"])
    settings = settings_for(server, quiet_hours="22:00-07:00")
    night = at(23, 30)
    report = one(send_chat_alerts(store, settings, night))
    assert report.count("sent") == 1 and report.count("held") == 1
    assert f"/mentions/{crisis})" in texts(server)[0]
    still = one(send_chat_alerts(store, settings, night + timedelta(hours=1)))
    assert still.counts == () and len(server.hooks) == 1  # held rows are not due yet
    morning = night.astimezone(AMSTERDAM).replace(hour=7, minute=0) + timedelta(days=1)
    after = one(send_chat_alerts(store, settings, morning.astimezone(UTC)))
    assert after.count("sent") == 1
    assert {r.mention_id: r.status for r in rows(store)} == {crisis: "sent", press: "sent"}


def test_a_refused_message_is_retried_with_back_off_then_failed(store: Store,
                                                                server: WebhookServer) -> None:
    add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    server.plan = [500] * 10
    settings = settings_for(server)
    now = datetime.now(UTC)
    first = one(send_chat_alerts(store, settings, now))
    assert first.count("retrying") == 1 and "not delivered" in first.errors[0]
    assert TOKEN not in first.errors[0]
    assert one(send_chat_alerts(store, settings, now + timedelta(minutes=4))).counts == ()
    outcomes = [one(send_chat_alerts(store, settings, now + timedelta(hours=h))).counts
                for h in (1, 2, 4, 8)]
    assert outcomes == [(("retrying", 1),)] * 3 + [(("failed", 1),)]
    (row,) = rows(store)
    assert row.status == "failed" and row.attempts == 5 and len(server.hooks) == 5


def test_an_interrupted_send_is_never_repeated(store: Store, server: WebhookServer) -> None:
    (urgent,) = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    settings = settings_for(server)
    now = datetime.now(UTC)
    with store.transaction() as conn:  # what a sender killed after 'sending' leaves behind
        conn.execute(chat_outbox.insert().values(
            channel="mc", kind="mention", ref=str(urgent), mention_id=urgent, status="sending",
            created_at=now, due_at=now, lease_until=now + timedelta(minutes=10), started_at=now,
            attempts=1))
    assert one(send_chat_alerts(store, settings, now + timedelta(minutes=5))).counts == ()
    report = one(send_chat_alerts(store, settings, now + timedelta(minutes=11)))
    assert report.count("uncertain") == 1 and server.hooks == []
    assert [r.status for r in rows(store)] == ["uncertain"]


def test_an_expired_claim_is_sent_after_all(store: Store, server: WebhookServer) -> None:
    (urgent,) = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    settings = settings_for(server)
    now = datetime.now(UTC)
    with store.transaction() as conn:  # killed after the claim, before the hand-over
        conn.execute(chat_outbox.insert().values(
            channel="mc", kind="mention", ref=str(urgent), mention_id=urgent, status="claimed",
            created_at=now, due_at=now, lease_until=now + timedelta(minutes=10), started_at=now,
            attempts=1))
    report = one(send_chat_alerts(store, settings, now + timedelta(minutes=11)))
    assert report.count("sent") == 1 and len(server.hooks) == 1


def test_a_spike_is_alerted_once_with_its_why(store: Store, server: WebhookServer) -> None:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    posts = add_flagged(store, [mention(i, published_at=start + timedelta(minutes=i),
                                        author_followers=f, title=f"Post {i}")
                                for i, f in enumerate((10, 5000, 300, 20))], "info")
    add_spike(store, start, count=14)
    add_spike(store, start + timedelta(hours=1), count=20)  # the same spike going on
    settings = settings_for(server, language="en")
    now = datetime.now(UTC)
    report = one(send_chat_alerts(store, settings, now))
    again = one(send_chat_alerts(store, settings, now + timedelta(minutes=10)))
    assert report.count("sent") == 1 and again.counts == ()
    (text,) = texts(server)
    assert text.startswith("Spike: 14 mentions in one hour")
    assert "**Why:** spike: 14 mentions in one hour (baseline 3.50)" in text
    assert "Frequent words: brand, school" in text
    top = text.split("**Widest reach:**")[1]
    assert top.index("Post 1") < top.index("Post 2") < top.index("Post 3")
    assert "Post 0" not in top
    assert f"/mentions/{posts[1]}" in top


def test_a_channel_without_spikes_gets_none(store: Store, server: WebhookServer) -> None:
    add_spike(store, datetime.now(UTC) - timedelta(hours=2))
    one(send_chat_alerts(store, settings_for(server, spikes=False), datetime.now(UTC)))
    assert server.hooks == [] and rows(store) == []


def test_hostile_post_text_cannot_ping_or_link(store: Store, server: WebhookServer) -> None:
    add_flagged(store, [mention(1, title="@channel <!here> [klik](https://evil.example) **x**")],
                "urgent", ["threat"], ["dreiging"])
    one(send_chat_alerts(store, settings_for(server), datetime.now(UTC)))
    (text,) = texts(server)
    title = text.splitlines()[0]
    assert "@channel" not in title and "<!here>" not in title
    assert "](https://evil.example)" not in title and "**x**" not in title
