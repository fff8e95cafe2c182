"""The "Worth sharing / Om te delen" section on SQLite and PostgreSQL: selection, linking, sending."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from monitor.classify import ClassifierContext, classify
from monitor.digest.delivery import claim, preview, send_due
from monitor.digest.model import ItemSection
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
    set_verdict,
)
from tests.integration.digest.smtp_server import smtp_server

PRAISE = ("praise",), ("lofsignaal 'trots'",)
QUESTION = ("question",), ("vraag over 'aanmelding'",)


def _share(content) -> ItemSection:  # type: ignore[no-untyped-def]
    section = content.section("share")
    assert isinstance(section, ItemSection)
    return section


def _add(store: Store, items, kind=PRAISE, severity: str = "info") -> list[int]:  # type: ignore[no-untyped-def]
    return add_flagged(store, items, severity, kind[0], kind[1], score=0.45)


def test_praise_is_listed_with_the_share_or_thank_action(store: Store) -> None:
    (pid,) = _add(store, [mention(1, text="Trots op Curio, wat een mooie diploma-uitreiking!")])
    content, rendered = preview(store, make_settings(), NOW)
    assert [i.mention_id for i in _share(content).items] == [pid]
    assert _share(content).items[0].actions == ("share_thank",)
    assert "## OM TE DELEN (1)" in rendered.text and "Om te delen (1)" in rendered.html
    assert "Actie: delen of bedanken" in rendered.text
    assert "Actie: beantwoorden" not in rendered.text
    assert "betrokken dienst" not in rendered.text  # the note on questions: only with questions


def test_question_gets_the_answer_action_and_the_press_protocol(store: Store) -> None:
    (qid,) = _add(store, [mention(1, text="Tot wanneer kan ik me bij Curio aanmelden?")], QUESTION)
    content, rendered = preview(store, make_settings(), NOW)
    assert _share(content).items[0].actions == ("answer",)
    assert ("Actie: beantwoorden, uit naam van de instelling door de woordvoerder van de Raad "
            "van Bestuur (via M&C) of, als het één college betreft, de collegedirecteur "
            "(persprotocol, gedragscode 2)") in rendered.text
    assert "dan vraagt M&amp;C het antwoord na bij de betrokken dienst" in rendered.html
    _, english = preview(store, make_settings(language="en"), NOW)
    assert "## WORTH SHARING (1)" in english.text
    assert "Action: answer, on behalf of the institution by the Executive Board's spokesperson"\
        in english.text
    assert f"signaleer show {qid}" in english.text


def test_absent_when_there_is_nothing_to_share(store: Store) -> None:
    add_flagged(store, [mention(1)], "attention")
    add_flagged(store, [mention(2)], "info", ["reach"], ["bereik"])
    content, rendered = preview(store, make_settings(), NOW)
    assert _share(content).total == 0
    assert "Om te delen" not in rendered.html and "OM TE DELEN" not in rendered.text


def test_cap_of_ten_ranked_by_reach_and_engagement(store: Store) -> None:
    ids = _add(store, [mention(i, author_followers=1000 * i) for i in range(1, 13)])
    (liked,) = _add(store, [mention(20, source="bluesky", author_followers=50,
                                    extra={"like": 900_000, "repost": 4})])
    content, rendered = preview(store, make_settings(), NOW)
    section = _share(content)
    assert [i.mention_id for i in section.items] == [liked, *ids[::-1][:9]]
    assert section.items[0].engagement == 900_004 and section.hidden == 3
    assert ("Nog 3 vermelding(en) niet getoond. Bekijk ze met: "
            "signaleer search --category praise") in rendered.text


def test_sarcasm_and_a_complaint_with_a_question_stay_in_attention(store: Store) -> None:
    ctx = ClassifierContext.build()
    sarcastic = mention(1, text="Geweldig hoor, weer geen rooster bij Curio 🙄")
    verdict = classify(sarcastic, ctx)
    assert verdict.severity.value == "attention" and "complaint" in verdict.categories
    (sid,) = store.insert_new([sarcastic]).new_ids
    with store.transaction() as conn:
        set_verdict(conn, sid, verdict.severity.value, verdict.categories, verdict.reasons,
                    verdict.score)
    (asks,) = add_flagged(store, [mention(2)], "attention", ["complaint", "question"],
                          ["klachtsignaal", "vraag"])
    (praise,) = _add(store, [mention(3)])
    claim(store, make_settings(), NOW.date(), NOW)
    assert {m: s for m, (_, s) in item_rows(store).items()} == {
        sid: "attention", asks: "attention", praise: "share"}


def test_own_accounts_are_counted_not_shared(store: Store) -> None:
    (own,) = _add(store, [mention(1, source="x", author="@curio_mbo")])
    base = make_settings()
    settings = replace(base, institution=replace(base.institution, own_accounts=("curio_mbo",)))
    content, _ = preview(store, settings, NOW)
    assert _share(content).total == 0
    assert dict(content.section("other").per_source) == {"x": 1}  # type: ignore[union-attr]
    claim(store, settings, NOW.date(), NOW)
    assert item_rows(store)[own][1] == "other"


def test_shared_items_go_out_once_and_are_never_still_open(store: Store) -> None:
    (praise,) = _add(store, [mention(1)])
    (question,) = _add(store, [mention(2)], QUESTION)
    settings = make_settings()
    first = claim(store, settings, NOW.date(), NOW)
    assert item_rows(store) == {praise: (first.id, "share"), question: (first.id, "share")}
    again, _ = preview(store, settings, NOW)  # the claimed digest shows its own items
    assert {i.mention_id for i in _share(again).items} == {praise, question}
    with store.transaction() as conn:
        db.finish_sent(conn, first.id, NOW, None)
    tomorrow, rendered = preview(store, settings, NOW + timedelta(days=1))
    assert _share(tomorrow).total == 0 and tomorrow.section("open").total == 0  # type: ignore[union-attr]
    assert "OM TE DELEN" not in rendered.text


def test_a_day_with_only_praise_is_sent_even_when_empty_days_are_skipped(store: Store) -> None:
    add_connector(store, "bn-destem", last_new_at=NOW - timedelta(hours=1))
    _add(store, [mention(1)])
    with smtp_server() as (server, port):
        report = send_due(store, make_settings(smtp={"port": port}, send_when_empty=False), NOW)
    assert [o.status for o in report.outcomes] == ["sent"]
    assert digest_rows(store)[0].status == "sent"
    (got,) = server.received
    assert "niets dat aandacht vraagt, 1 om te delen" in got.message["Subject"]
    assert "OM TE DELEN (1)" in got.part("plain") and "Om te delen (1)" in got.part("html")
    assert "Vandaag vroeg niets om aandacht." in got.part("plain")
