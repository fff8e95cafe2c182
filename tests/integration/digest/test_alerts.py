"""Urgent alerts on SQLite and PostgreSQL: one per mention, hourly limit, retries, hostile text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.digest.alerts import send_pending_alerts
from monitor.digest.delivery import preview
from monitor.digest.model import ItemSection
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged, alert_rows, make_settings
from tests.integration.digest.smtp_server import Recorder, free_port, smtp_server


def _now() -> datetime:
    return datetime.now(UTC)  # alerts look at collected_at, which insert_new sets to the clock


def test_one_alert_per_urgent_mention(store: Store) -> None:
    (urgent,) = add_flagged(store, [mention(1)], "urgent", ["crisis", "press"],
                            ["crisiswoord 'brand'"])
    add_flagged(store, [mention(2)], "attention")
    with smtp_server() as (server, port):
        settings = make_settings(smtp={"port": port}, alert_recipients=["pers@curio.example"])
        first = send_pending_alerts(store, settings, _now())
        second = send_pending_alerts(store, settings, _now())
    assert first.sent == (urgent,) and second.sent == ()
    assert len(server.received) == 1
    got = server.received[0]
    assert got.rcpt_tos == ["pers@curio.example"]
    assert got.message["Message-ID"] == f"<alert-{urgent}@signaleer.curio.example>"
    assert got.message["Subject"].startswith("[Signaleer] URGENT:")
    assert "Persprotocol" in got.part("plain")
    assert [r.status for r in alert_rows(store)] == ["sent"]


def test_hourly_limit_suppresses_the_rest_but_the_digest_keeps_them(store: Store) -> None:
    ids = add_flagged(store, [mention(i) for i in range(7)], "urgent", ["crisis"], ["crisis"])
    with smtp_server() as (server, port):
        settings = make_settings(smtp={"port": port}, alerts_per_hour=5)
        report = send_pending_alerts(store, settings, _now())
        more = add_flagged(store, [mention(20)], "urgent", ["crisis"], ["crisis"])
        within_hour = send_pending_alerts(store, settings, _now() + timedelta(minutes=30))
    assert len(report.sent) == 5 and len(report.suppressed) == 2
    assert within_hour.sent == () and within_hour.suppressed == tuple(more)
    assert len(server.received) == 5
    content, _ = preview(store, settings, _now())
    urgent = content.section("urgent")
    assert isinstance(urgent, ItemSection) and urgent.total == len(ids) + 1


def test_failed_alert_is_retried_on_the_next_call(store: Store) -> None:
    (urgent,) = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    port = free_port()
    settings = make_settings(smtp={"port": port})
    down = send_pending_alerts(store, settings, _now())
    assert down.retrying == (urgent,) and down.errors
    with smtp_server(Recorder(plan=["451 4.3.0 later"]), port=port) as (server, _):
        busy = send_pending_alerts(store, settings, _now())
        ok = send_pending_alerts(store, settings, _now())
    assert busy.retrying == (urgent,) and ok.sent == (urgent,)
    assert len(server.received) == 1
    (row,) = alert_rows(store)
    assert row.status == "sent" and row.attempts == 3


def test_permanent_refusal_marks_failed(store: Store) -> None:
    (urgent,) = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisis"])
    handler = Recorder(refuse_rcpt={"mc@curio.example": "550 5.1.1 unknown"})
    with smtp_server(handler) as (server, port):
        settings = make_settings(smtp={"port": port})
        report = send_pending_alerts(store, settings, _now())
        again = send_pending_alerts(store, settings, _now())
    assert report.failed == (urgent,) and again.failed == () and server.received == []


def test_no_recipients_means_no_alerts_and_no_rows(store: Store) -> None:
    add_flagged(store, [mention(1)], "urgent")
    report = send_pending_alerts(store, make_settings(recipients=[]), _now())
    assert report.skipped_reason and alert_rows(store) == []


def test_hostile_author_cannot_inject_headers(store: Store) -> None:
    evil = mention(1, author="Evil\r\nBcc: victim@example.com\r\nX-Evil: 1",
                   text="<script>alert('x')</script> Curio <img src=x onerror=alert(1)>",
                   url="javascript:alert(1)")
    add_flagged(store, [evil], "urgent", ["crisis"], ["<b>reason</b>"])
    with smtp_server() as (server, port):
        send_pending_alerts(store, make_settings(smtp={"port": port}), _now())
    got = server.received[0]
    assert got.rcpt_tos == ["mc@curio.example"]
    assert got.message["Bcc"] is None and got.message["X-Evil"] is None
    assert "\n" not in got.message["Subject"] and "Evil Bcc: victim@example.com" in got.message["Subject"]
    html = got.part("html")
    assert "<script>" not in html and "<img src=x" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;reason&lt;/b&gt;" in html
