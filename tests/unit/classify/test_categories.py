"""One behaviour per category: the verdict's severity, categories and reasons."""

from __future__ import annotations

import pytest

from monitor.classify import classify
from monitor.models import Severity


def test_crisis_with_reach_is_urgent_with_rule_reason(context, mention):
    v = classify(mention("Brand bij Curio in Breda, het gebouw is ontruimd",
                         author_followers=12400), context)
    assert v.severity is Severity.URGENT
    assert v.categories[0] == "crisis" and "reach" in v.categories
    assert "crisiswoord 'ontruimd'" in v.reasons
    assert "account met 12.400 volgers" in v.reasons
    assert any(r.startswith("regel: crisis + bereik ≥ 5.000") for r in v.reasons)


def test_crisis_without_reach_is_attention(context, mention):
    v = classify(mention("De inspectie kijkt naar de examens bij Curio"), context)
    assert v.severity is Severity.ATTENTION
    assert "crisis" in v.categories


def test_several_strong_crisis_terms_are_urgent_by_score_rule(context, mention):
    v = classify(mention("Vechtpartij bij de ingang van Curio, twee gewonden"), context)
    assert v.severity is Severity.URGENT
    assert any("score ≥ 0,95" in r for r in v.reasons)


def test_fire_drill_and_negated_fire_are_not_crisis(context, mention):
    for text in ("Vandaag brandoefening bij Curio, iedereen buiten",
                 "Het was gelukkig geen echte brand bij Curio"):
        assert "crisis" not in classify(mention(text), context).categories


def test_complaint_from_negative_sentiment(context, mention):
    v = classify(mention("Slecht geregeld bij Curio, examen verplaatst en niemand wist het"),
                 context)
    assert v.severity is Severity.ATTENTION
    assert "complaint" in v.categories
    assert any(r.startswith("negatief sentiment (-0,") for r in v.reasons)


def test_press_inquiry_is_attention_but_news_site_alone_is_not(context, mention):
    inquiry = classify(mention("Ik ben journalist en zoek studenten van Curio voor een artikel"),
                       context)
    assert inquiry.severity is Severity.ATTENTION and "press" in inquiry.categories
    news = classify(mention("Curio start nieuwe opleiding installatietechniek",
                            url="https://www.bndestem.nl/breda/curio"), context)
    assert news.severity.rank < Severity.ATTENTION.rank


@pytest.mark.parametrize("text", ["Curio is echt een kutschool", "Curio is a shithole"])
def test_offensive(context, mention, text):
    v = classify(mention(text), context)
    assert v.severity is Severity.ATTENTION and "offensive" in v.categories


def test_offensive_prefix_has_exceptions(context, mention):
    v = classify(mention("Studenten van Curio lopen voor het kankeronderzoek"), context)
    assert "offensive" not in v.categories


def test_confidential_bsn_is_masked_in_reason(context, mention):
    v = classify(mention("Curio zette mijn BSN 111222333 op een openbare lijst"), context)
    assert "confidential" in v.categories
    assert not any("111222333" in r for r in v.reasons)
    assert any("elfproef" in r and "333" in r for r in v.reasons)


def test_confidential_email_and_phone(context, mention):
    v = classify(mention("Mail die docent van Curio: p.devries1984@gmail.com of 06-12345678"),
                 context)
    assert "confidential" in v.categories
    assert any("e-mailadres" in r for r in v.reasons)
    assert not any("p.devries1984" in r for r in v.reasons)


def test_role_mailbox_is_not_confidential(context, mention):
    v = classify(mention("Vragen over de open dag? Mail info@curio.nl"), context)
    assert "confidential" not in v.categories


def test_student_media_needs_platform_and_student_cue(context, mention):
    v = classify(mention("Filmpje van de klas bij Curio https://www.tiktok.com/@x/video/1"),
                 context)
    assert "student_media" in v.categories and v.severity is Severity.ATTENTION
    no_students = classify(mention("Curio op https://www.tiktok.com/@x/video/1"), context)
    assert "student_media" not in no_students.categories


def test_youtube_source_counts_as_platform(context, mention):
    v = classify(mention("Studenten van Curio in de les", source="youtube"), context)
    assert "student_media" in v.categories


def test_impersonation_lookalike_handle(context, mention):
    v = classify(mention("Officieel account van Curio: klik op de link voor je inschrijving",
                         author="curi0_mbo"), context)
    assert "impersonation" in v.categories and v.severity is Severity.ATTENTION
    assert any("curi0_mbo" in r for r in v.reasons)


def test_own_account_is_never_impersonation_and_capped_at_info(context, mention):
    v = classify(mention("Officieel: klik op de link voor de ontruimingsinstructies van Curio",
                         author="curio_mbo"), context)
    assert "impersonation" not in v.categories
    assert v.severity.rank <= Severity.INFO.rank


def test_reach_is_log_scaled_and_not_a_category_alone(context, mention):
    small = classify(mention("Slecht rooster bij Curio", author_followers=2000), context)
    big = classify(mention("Slecht rooster bij Curio", author_followers=200_000), context)
    assert big.score > small.score
    neutral = classify(mention("Curio heeft een nieuwe website", author_followers=50_000), context)
    assert "reach" not in neutral.categories and neutral.severity is Severity.NONE


def test_unrelated_sense_of_ambiguous_name(context, mention):
    v = classify(mention("Op de markt een oude curio gevonden, wat een vreselijk ding"), context)
    assert v.severity is Severity.NONE
    assert v.reasons and "curio" in v.reasons[0]


def test_exclude_word_wins(context, mention):
    v = classify(mention("Terrible stay at the Curio Collection hotel"), context)
    assert v.severity is Severity.NONE


def test_verdict_is_deterministic(context, mention):
    m = mention("Geweldig hoor, weer geen rooster 🙄 #curio")
    assert classify(m, context) == classify(m, context)


def test_a_question_mark_inside_a_link_is_no_question(context, mention):
    """Issue 12.12: '?' in a URL made an announcement a question."""
    v = classify(mention("Curio Breda houdt open dag, aanmelden via "
                         "https://curio.example/aanmelden?dag=zaterdag"), context)
    assert "question" not in v.categories
    asked = classify(mention("Wanneer is de open dag van Curio Breda?"), context)
    assert "question" in asked.categories
