"""Digest delivery over real SMTP on loopback, on SQLite and PostgreSQL: exactly once, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.digest import delivery
from monitor.digest.delivery import send_due
from monitor.store import Store
from monitor.store import digests as db
from tests.factories import mention
from tests.integration.digest.helpers import (
    NOW,
    add_connector,
    add_flagged,
    digest_rows,
    item_rows,
    make_settings,
)
from tests.integration.digest.smtp_server import Recorder, free_port, smtp_server


def _settings(port: int, **digest):  # type: ignore[no-untyped-def]
    return make_settings(smtp={"port": port}, **digest)


def test_sends_once_with_deterministic_message_id(store: Store) -> None:
    ids = add_flagged(store, [mention(1), mention(2)], "attention")
    with smtp_server() as (server, port):
        settings = _settings(port)
        report = send_due(store, settings, NOW)
        again = send_due(store, settings, NOW + timedelta(hours=1))
    assert [o.status for o in report.outcomes] == ["sent"]
    assert [o.status for o in again.outcomes] == ["already-sent"]
    assert len(server.received) == 1
    got = server.received[0]
    assert got.rcpt_tos == ["mc@curio.example"]
    assert got.message["Message-ID"] == "<digest-2026-03-02-mc@signaleer.curio.example>"
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert "Vraagt aandacht (2)" in got.part("html")
    assert "VRAAGT AANDACHT (2)" in got.part("plain")
    (row,) = digest_rows(store)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)
    assert set(item_rows(store)) == set(ids)


def test_not_due_before_the_configured_time(store: Store) -> None:
    add_flagged(store, [mention(1)], "urgent")
    early = NOW.replace(hour=6, minute=0)  # 07:00 in Amsterdam, before 07:30
    with smtp_server() as (server, port):
        report = send_due(store, _settings(port), early)
    assert [o.status for o in report.outcomes] == ["not-due"]
    assert server.received == [] and digest_rows(store) == []


def test_server_down_then_retry_with_backoff(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    port = free_port()
    settings = _settings(port)
    report = send_due(store, settings, NOW)
    assert [o.status for o in report.outcomes] == ["pending"] and not report.ok
    (row,) = digest_rows(store)
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at == NOW + timedelta(minutes=5)
    assert "ConnectionRefused" in row.last_error
    with smtp_server(port=port) as (server, _):
        too_soon = send_due(store, settings, NOW + timedelta(minutes=2))
        assert [o.status for o in too_soon.outcomes] == [] and server.received == []
        later = send_due(store, settings, NOW + timedelta(minutes=6))
    assert [o.status for o in later.outcomes] == ["sent"]
    assert len(server.received) == 1
    (row,) = digest_rows(store)
    assert row.status == "sent" and row.attempts == 2


@pytest.mark.parametrize("reply", ["421 4.3.2 shutting down", "451 4.3.0 try again later"])
def test_temporary_replies_are_retried(store: Store, reply: str) -> None:
    add_flagged(store, [mention(1)], "attention")
    with smtp_server(Recorder(plan=[reply])) as (server, port):
        settings = _settings(port)
        first = send_due(store, settings, NOW)
        second = send_due(store, settings, NOW + timedelta(minutes=5))
    assert [o.status for o in first.outcomes] == ["pending"]
    assert reply.split()[0] in (first.outcomes[0].error or "")
    assert [o.status for o in second.outcomes] == ["sent"]
    assert len(server.received) == 1


def test_connection_dropped_mid_data_no_loss_no_duplicate(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    with smtp_server(Recorder(plan=["drop"])) as (server, port):
        settings = _settings(port)
        first = send_due(store, settings, NOW)
        second = send_due(store, settings, NOW + timedelta(minutes=5))
    assert [o.status for o in first.outcomes] == ["pending"]
    assert [o.status for o in second.outcomes] == ["sent"]
    assert server.data_attempts == 2 and len(server.received) == 1


def test_550_fails_permanently_until_an_operator_retries(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    handler = Recorder(refuse_rcpt={"mc@curio.example": "550 5.1.1 no such user"})
    with smtp_server(handler) as (server, port):
        settings = _settings(port)
        first = send_due(store, settings, NOW)
        assert [o.status for o in first.outcomes] == ["failed"]
        later = send_due(store, settings, NOW + timedelta(hours=5))
        assert [o.status for o in later.outcomes] == [] and server.received == []
        handler.refuse_rcpt.clear()
        manual = send_due(store, settings, NOW + timedelta(hours=6), if_due=False,
                          digest_date=NOW.date())
    assert [o.status for o in manual.outcomes] == ["sent"]
    assert len(server.received) == 1


def test_some_recipients_refused_still_counts_as_sent(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    handler = Recorder(refuse_rcpt={"gone@curio.example": "550 5.1.1 no such user"})
    with smtp_server(handler) as (server, port):
        settings = _settings(port, recipients=["mc@curio.example", "gone@curio.example"])
        report = send_due(store, settings, NOW)
    assert [o.status for o in report.outcomes] == ["sent"]
    assert server.received[0].rcpt_tos == ["mc@curio.example"]
    assert "gone@curio.example" in digest_rows(store)[0].last_error


def test_crash_after_accept_gives_at_most_one_duplicate(store: Store,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    add_flagged(store, [mention(1)], "attention")

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed between SMTP accept and commit")

    with smtp_server() as (server, port):
        settings = _settings(port)
        monkeypatch.setattr(db, "finish_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            send_due(store, settings, NOW)
        monkeypatch.undo()
        assert digest_rows(store)[0].status == "sending"
        during_lease = send_due(store, settings, NOW + timedelta(minutes=5))
        assert during_lease.outcomes == () and len(server.received) == 1
        after = send_due(store, settings, NOW + delivery.lease_for(settings) + timedelta(seconds=1))
    assert [o.status for o in after.outcomes] == ["sent"]
    assert len(server.received) == 2
    assert len({r.message["Message-ID"] for r in server.received}) == 1


def test_empty_day_is_sent_and_says_sources_are_healthy(store: Store) -> None:
    add_connector(store, "bn-destem", last_new_at=NOW - timedelta(hours=1))
    with smtp_server() as (server, port):
        send_due(store, _settings(port), NOW)
    text = server.received[0].part("plain")
    assert "Vandaag vroeg niets om aandacht." in text
    assert "Alle bronnen werken normaal (1)." in text
    assert "niets dat aandacht vraagt" in server.received[0].message["Subject"]


def test_empty_day_can_be_skipped(store: Store) -> None:
    add_connector(store, "bn-destem", last_new_at=NOW - timedelta(hours=1))
    with smtp_server() as (server, port):
        report = send_due(store, _settings(port, send_when_empty=False), NOW)
    assert [o.status for o in report.outcomes] == ["skipped"] and server.received == []
    assert digest_rows(store)[0].status == "skipped"


def test_silence_never_hides_a_failing_source(store: Store) -> None:
    add_connector(store, "bn-destem", failures=5, last_error="HTTP 503 <b>down</b>")
    with smtp_server() as (server, port):
        send_due(store, _settings(port, send_when_empty=False), NOW)
    assert len(server.received) == 1
    html = server.received[0].part("html")
    assert "bn-destem" in html and "5 keer achter elkaar mislukt" in html
    assert "down" not in html  # the raw error is for `signaleer status`, not the digest
    assert "bron(nen) met storing" in server.received[0].message["Subject"]


def test_no_recipients_is_a_clear_error_and_claims_nothing(store: Store) -> None:
    from monitor.errors import MailError

    add_flagged(store, [mention(1)], "urgent")
    with pytest.raises(MailError, match=r"digest\.recipients"):
        send_due(store, make_settings(recipients=[]), NOW)
    assert digest_rows(store) == []


def test_hostile_post_text_arrives_escaped(store: Store) -> None:
    evil = mention(1, author="Evil\r\nBcc: victim@example.com",
                   title="<img src=x onerror=alert(1)>",
                   text="<script>alert('x')</script> Curio \x1b[31m rood \u202e omgekeerd",
                   url="javascript:alert(document.cookie)")
    add_flagged(store, [evil], "urgent", ["crisis"], ["<b>reden</b>"])
    with smtp_server() as (server, port):
        send_due(store, _settings(port), NOW)
    got = server.received[0]
    assert got.rcpt_tos == ["mc@curio.example"] and got.message["Bcc"] is None
    html, text = got.part("html"), got.part("plain")
    for needle in ("<script>", "<img src=x", "javascript:", "\x1b", "\u202e"):
        assert needle not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;reden&lt;/b&gt;" in html
    assert "\x1b" not in text and "\u202e" not in text and "Evil Bcc: victim@example.com" in text


def test_english_digest(store: Store) -> None:
    add_flagged(store, [mention(1)], "urgent", ["press"], ["press cue 'journalist'"])
    with smtp_server() as (server, port):
        send_due(store, _settings(port, language="en"), NOW)
    got = server.received[0]
    assert got.message["Subject"].startswith("[Signaleer] Digest Monday 2 March 2026: 1 urgent")
    assert "Code of conduct 2 · Press protocol: The rules for press relations" in got.part("plain")
    assert got.message["Content-Language"] == "en"


def test_lease_is_taken_once(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    record = delivery.claim(store, make_settings(), NOW.date(), NOW)
    lease = NOW + timedelta(minutes=10)
    with store.transaction() as conn:
        assert db.begin_attempt(conn, record.id, NOW, lease)
        assert not db.begin_attempt(conn, record.id, NOW, lease)
        assert db.begin_attempt(conn, record.id, lease, lease + timedelta(minutes=10))


def test_pending_digest_keeps_its_items_out_of_the_next_one(store: Store) -> None:
    (first,) = add_flagged(store, [mention(1)], "attention")
    down = _settings(free_port())
    send_due(store, down, NOW)  # claimed, not delivered
    (second,) = add_flagged(store, [mention(2)], "attention")
    tomorrow = NOW + timedelta(days=1)
    with smtp_server() as (server, port):
        report = send_due(store, _settings(port), tomorrow)
    assert sorted(o.status for o in report.outcomes) == ["sent", "sent"]
    by_date = {r.message["Message-ID"]: r.part("plain") for r in server.received}
    yesterday = by_date["<digest-2026-03-02-mc@signaleer.curio.example>"]
    today = by_date["<digest-2026-03-03-mc@signaleer.curio.example>"]
    assert f"signaleer show {first}" in yesterday and f"signaleer show {first}" not in today
    assert f"signaleer show {second}" in today and f"signaleer show {second}" not in yesterday


def test_write_digest_file_marks_nothing(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from monitor.digest.files import write_digest_file

    add_flagged(store, [mention(1)], "urgent")
    path = write_digest_file(store, make_settings(), tmp_path / "out", NOW)
    assert path.name == "digest-2026-03-02-mc.html"
    assert "Urgent (1)" in path.read_text(encoding="utf-8")
    assert digest_rows(store) == [] and item_rows(store) == {}
