"""The "Worth sharing / Om te delen" section without a database: rules, ranking, cap, rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from monitor.classify import ClassifierContext, classify
from monitor.config import parse_settings
from monitor.digest import share
from monitor.digest.model import ItemSection
from monitor.digest.render import MAX_HTML_BYTES, render_digest
from monitor.digest.selection import LAYOUT, _Inputs, assign_sections, build_content
from monitor.models import Mention, Severity, StoredMention, Verdict

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
SARCASM = "Geweldig hoor, weer geen rooster bij Curio 🙄"


def stored(i: int, severity: str = "info", categories: tuple[str, ...] = ("praise",),
           followers: int | None = 100, text: str = "Mooie open dag bij Curio, dank!",
           author: str | None = None, **extra: int) -> StoredMention:
    mention = Mention(source="x", external_id=str(i), url=f"https://x.example/{i}", text=text,
                      published_at=NOW - timedelta(minutes=i), author=author or f"a{i}",
                      author_followers=followers, extra=extra)
    verdict = Verdict(Severity(severity), 0.5, categories, tuple(f"r{c}" for c in categories))
    return StoredMention(id=i, mention=mention, collected_at=NOW, verdict=verdict)


def classified(i: int, text: str) -> StoredMention:
    """A mention judged by the real classifier with its default context."""
    mention = Mention(source="x", external_id=str(i), url=f"https://x.example/{i}", text=text,
                      published_at=NOW, author=f"a{i}", author_followers=500)
    verdict = classify(mention, ClassifierContext.build())
    return StoredMention(id=i, mention=mention, collected_at=NOW, verdict=verdict)


def content_for(items: list[StoredMention], language: str = "nl", **digest: object):  # type: ignore[no-untyped-def]
    settings = parse_settings({"digest": {"language": language, **digest}}, None)
    inputs = _Inputs(sections=assign_sections(items), mentions={m.id: m for m in items},
                     spikes=(), open_items=(), clusters={}, health=())
    return build_content(inputs, settings, date(2026, 3, 2), NOW)


def share_section(content) -> ItemSection:  # type: ignore[no-untyped-def]
    section = content.section("share")
    assert isinstance(section, ItemSection)
    return section


def test_share_sits_after_the_attention_sections_and_spikes() -> None:
    keys = [key for key, _ in LAYOUT]
    assert keys.index("share") == keys.index("spikes") + 1
    assert keys.index("share") < keys.index("other")


@pytest.mark.parametrize("severity, categories, section", [
    ("info", ("praise",), "share"),
    ("info", ("question",), "share"),
    ("info", ("praise", "reach"), "share"),
    ("info", ("reach",), "other"),
    ("attention", ("complaint", "question"), "attention"),  # a complaint that asks a question
    ("info", ("complaint", "question"), "other"),  # weak complaint: still never "share"
    ("urgent", ("crisis", "praise"), "urgent"),
    ("attention", ("student_media", "praise"), "attention"),
])
def test_first_matching_rule_keeps_attention_items_out(severity: str,
                                                       categories: tuple[str, ...],
                                                       section: str) -> None:
    assert assign_sections([stored(1, severity, categories)]) == {1: section}


def test_own_accounts_are_not_worth_sharing() -> None:
    items = [stored(1, author="@Curio_MBO"), stored(2, author="@oud_student")]
    found = assign_sections(items, lambda author: (author or "").lower() == "@curio_mbo")
    assert found == {1: "other", 2: "share"}


def test_sarcasm_from_the_real_classifier_is_not_worth_sharing() -> None:
    sarcastic = classified(1, SARCASM)
    assert "complaint" in sarcastic.verdict.categories  # type: ignore[union-attr]
    assert not share.is_shareable(sarcastic)
    for language in ("nl", "en"):
        content = content_for([sarcastic], language)
        assert share_section(content).total == 0
        rendered = render_digest(content, "[Signaleer]")
        for needle in ("Om te delen", "OM TE DELEN", "Worth sharing", "WORTH SHARING"):
            assert needle not in rendered.html and needle not in rendered.text


def test_ranked_by_reach_and_engagement() -> None:
    quiet = stored(1, followers=5_000)
    liked = stored(2, followers=5_000, like=300, repost=40)  # Bluesky-style counts
    famous = stored(3, followers=900_000)
    unknown = stored(4, followers=None)
    order = sorted([quiet, liked, famous, unknown],
                   key=lambda m: share.share_rank_key(m, {}))
    # log10(5001) + log10(341) ≈ 6.2 > log10(900001) ≈ 6.0 > log10(5001) ≈ 3.7 > 0
    assert [m.id for m in order] == [2, 3, 1, 4]
    assert share.engagement(liked) == 340 and share.engagement(quiet) is None
    assert share.engagement(quiet, cluster_size=4) == 3
    assert share.engagement(stored(5, favourites=2, reblogs=1, replies=1)) == 4  # Mastodon


def test_praise_gets_share_or_thank_and_a_question_the_answer_action() -> None:
    content = content_for([stored(1, followers=9_000),
                           stored(2, categories=("question",), text="Wanneer is de open dag?"),
                           stored(3, categories=("praise", "question"))])
    by_id = {i.mention_id: i for i in share_section(content).items}
    assert by_id[1].actions == ("share_thank",)
    assert by_id[2].actions == ("answer",)
    assert by_id[3].actions == ("answer", "share_thank")
    text = render_digest(content, "[Signaleer]").text
    assert "## OM TE DELEN (3)" in text
    assert "Actie: delen of bedanken" in text
    assert "Actie: beantwoorden, uit naam van de instelling door de woordvoerder" in text
    assert "persprotocol, gedragscode 2" in text


def test_english_labels() -> None:
    content = content_for([stored(1), stored(2, categories=("question",))], "en")
    rendered = render_digest(content, "[Signaleer]")
    assert "Worth sharing (2)" in rendered.html and "## WORTH SHARING (2)" in rendered.text
    assert "Action: share or thank" in rendered.text
    assert "Action: answer, on behalf of the institution by the Executive Board" in rendered.text
    assert "press protocol, code of conduct 2" in rendered.text
    assert "2 worth sharing" in rendered.subject


def test_absent_when_empty() -> None:
    content = content_for([stored(1, "attention", ("complaint",))])
    assert share_section(content).total == 0
    rendered = render_digest(content, "[Signaleer]")
    assert "Om te delen" not in rendered.html and "OM TE DELEN" not in rendered.text
    assert "om te delen" not in rendered.subject


def test_capped_at_ten_with_the_command_for_the_rest() -> None:
    items = [stored(i, followers=1000 * i) for i in range(1, 14)]
    items.append(stored(20, categories=("question",), followers=0))
    section = share_section(content_for(items))
    assert len(section.items) == share.MAX_SHARE and section.hidden == 4
    assert [i.mention_id for i in section.items] == list(range(13, 3, -1))
    assert section.more_command == "signaleer search --category praise --category question"
    text = render_digest(content_for(items), "[Signaleer]").text
    assert ("Nog 4 vermelding(en) niet getoond. Bekijk ze met: "
            "signaleer search --category praise --category question") in text
    only_praise = share_section(content_for(items[:13]))
    assert only_praise.more_command == "signaleer search --category praise"


def test_only_praise_is_not_news_that_needs_attention_but_is_worth_sending() -> None:
    content = content_for([stored(1)])
    assert content.is_empty and content.has_news and content.attention_count == 0
    rendered = render_digest(content, "[Signaleer]")
    assert "Vandaag vroeg niets om aandacht." in rendered.text
    assert "niets dat aandacht vraagt, 1 om te delen" in rendered.subject


def test_share_gets_only_what_the_attention_sections_leave_of_the_budget() -> None:
    items = [stored(i, "attention", ("complaint",)) for i in range(1, 4)]
    items += [stored(i) for i in range(10, 15)]
    content = content_for(items, max_items=5)
    assert len(content.section("attention").items) == 3  # type: ignore[union-attr]
    assert len(share_section(content).items) == 2 and share_section(content).total == 5


def test_hostile_praise_is_escaped_and_the_html_stays_small() -> None:
    huge = "<script>alert(1)</script> Curio dank! " + "&<>\"' " * 20_000
    items = [stored(i, text=huge, author="<b>x</b>", like=10) for i in range(1, 40)]
    rendered = render_digest(content_for(items), "[Signaleer]")
    assert rendered.html_bytes <= MAX_HTML_BYTES
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<b>x</b>" not in rendered.html
