"""Sentiment, negation, intensifiers, sarcasm, praise and questions."""

from __future__ import annotations

import pytest

from monitor.classify import classify
from monitor.classify.lexicon import build_lexicon
from monitor.classify.sentiment import score_sentiment, sentiment_hits
from monitor.classify.text import prepare
from monitor.models import Severity

NL = build_lexicon("nl", {})
EN = build_lexicon("en", {})


def _score(text: str, lex=NL) -> float:
    tokens = prepare(text).tokens
    return score_sentiment(tokens, sentiment_hits(lex.sentiment.find(tokens), lex), lex).score


def test_negation_flips_and_softens():
    assert _score("slecht") < 0 < _score("niet slecht")
    assert _score("niet slecht") < _score("goed")
    assert _score("not bad", EN) > 0 > _score("not good", EN)


def test_negation_stops_at_sentence_boundary():
    assert _score("Zonder uitleg. Oneerlijk.") < 0


def test_intensifier_strengthens():
    assert _score("heel slecht") < _score("slecht") < 0
    assert _score("very good", EN) > _score("good", EN) > 0


def test_intensifier_word_is_not_counted_as_sentiment():
    hits = sentiment_hits(NL.sentiment.find(prepare("super slecht").tokens), NL)
    assert [h.text for h in hits] == ["slecht"]


@pytest.mark.parametrize("text", [
    "Geweldig hoor, weer geen rooster 🙄",
    "Great job Curio, another week without a timetable 🙄",
    "Bedankt voor niks Curio, mijn stage is alweer kwijt",
])
def test_sarcastic_praise_is_a_complaint(context, mention, text):
    v = classify(mention(f"{text} #curio"), context)
    assert "praise" not in v.categories
    assert "complaint" in v.categories
    assert v.severity is Severity.ATTENTION
    assert any(r.startswith("sarcasme") for r in v.reasons)


def test_sincere_praise_is_info_with_reason(context, mention):
    v = classify(mention("Zo trots op mijn zoon die zijn diploma bij Curio heeft gehaald!"),
                 context)
    assert v.categories == ("praise",)
    assert v.severity is Severity.INFO
    assert "lof 'trots'" in v.reasons


def test_praise_never_above_info_even_with_reach(context, mention):
    v = classify(mention("Gefeliciteerd Curio met de award, trots!", author_followers=90_000),
                 context)
    assert v.severity is Severity.INFO


def test_neutral_news_is_not_praise(context, mention):
    v = classify(mention("Curio opent in september een nieuwe locatie in Roosendaal"), context)
    assert "praise" not in v.categories
    assert v.severity is Severity.NONE


def test_negated_praise_is_not_praise(context, mention):
    v = classify(mention("Curio heeft geen prijs gewonnen dit jaar"), context)
    assert "praise" not in v.categories


def test_not_bad_is_not_a_complaint(context, mention):
    for text in ("Niet slecht, die nieuwe kantine van Curio", "Not bad at all, Curio"):
        assert "complaint" not in classify(mention(text), context).categories


@pytest.mark.parametrize("text,topic", [
    ("Wanneer is de open dag van Curio?", "open dag"),
    ("Is the Curio building in Breda wheelchair accessible?", "wheelchair"),
    ("Weet iemand hoe je je inschrijft bij Curio", "inschrijft"),
])
def test_question(context, mention, text, topic):
    v = classify(mention(text), context)
    assert v.categories[0] == "question"
    assert v.severity is Severity.INFO
    assert f"vraag over '{topic}'" in v.reasons


def test_angry_question_is_a_complaint_not_a_question(context, mention):
    v = classify(mention("Waarom is het rooster van Curio weer niet klaar? Belachelijk."), context)
    assert "complaint" in v.categories and "question" not in v.categories
