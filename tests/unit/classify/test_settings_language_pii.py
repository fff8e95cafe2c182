"""Config validation, language detection, personal data and reason wording."""

from __future__ import annotations

import pytest

from monitor.classify import ClassifierContext, classify
from monitor.classify.language import detect_language
from monitor.classify.pii import elfproef, find_pii
from monitor.classify.reasons import format_int, format_score
from monitor.classify.text import prepare
from monitor.config import parse_settings
from monitor.config.classifier import parse_classifier
from monitor.errors import ConfigError
from monitor.models import Severity

from .conftest import INSTITUTION


def test_defaults_without_config():
    s = parse_classifier({})
    assert s.attention_threshold == 0.4 and s.languages == ("nl", "en")
    assert any(r.any_of == ("crisis",) and r.min_followers == 5000 for r in s.rules)


@pytest.mark.parametrize("raw,key", [
    ({"attention_threshold": 1.5}, "classifier.attention_threshold"),
    ({"bogus": 1}, "classifier.bogus"),
    ({"weights": {"crisis": "high"}}, "classifier.weights.crisis"),
    ({"weights": {"nonsense": 0.5}}, "classifier.weights.nonsense"),
    ({"languages": ["de"]}, "classifier.languages"),
    ({"language": "fr"}, "classifier.language"),
    ({"rules": [{"any": ["crisis"]}]}, "classifier.rules[0].severity"),
    ({"rules": [{"any": ["fire"], "severity": "urgent"}]}, "classifier.rules[0].any"),
    ({"rules": [{"any": ["crisis"], "severity": "loud"}]}, "classifier.rules[0].severity"),
    ({"reach": {"min_followers": 10, "full_followers": 5}}, "classifier.reach.full_followers"),
    ({"lexicon": {"nl": {"crisis": [1, 2]}}}, "classifier.lexicon.nl.crisis"),
    ({"lexicon": {"nl": {"sentiment": {"top": 9}}}}, "classifier.lexicon.nl.sentiment.top"),
    ({"lexicon": {"nl": {"colours": ["rood"]}}}, "classifier.lexicon.nl.colours"),
    ({"spikes": {"min_count": 0}}, "classifier.spikes.min_count"),
    ({"model": {"raise_at": 0.2}}, "classifier.model.raise_at"),
    ({"negative_sentiment": 0.3}, "classifier.negative_sentiment"),
])
def test_config_errors_name_the_key(raw, key):
    with pytest.raises(ConfigError) as err:
        parse_classifier(raw)
    message = str(err.value)
    assert message.startswith(key) and "\n" not in message


def test_config_rules_and_lexicon_extension_take_effect():
    settings = parse_settings({"classifier": {
        "rules": [{"any": ["complaint"], "min_followers": 100, "severity": "urgent"}],
        "lexicon": {"nl": {"crisis": ["tentamenlek"]}},
    }}, None)
    ctx = ClassifierContext.from_settings(settings)
    from .conftest import make_mention
    v = classify(make_mention("Tentamenlek bij Curio!", author_followers=10), ctx)
    assert "crisis" in v.categories
    v2 = classify(make_mention("Waardeloos rooster bij Curio", author_followers=200), ctx)
    assert v2.severity is Severity.URGENT


def test_reason_language_follows_classifier_then_digest_setting():
    nl = ClassifierContext.from_settings(parse_settings({}, None))
    en = ClassifierContext.from_settings(parse_settings({"digest": {"language": "en"}}, None))
    forced = ClassifierContext.from_settings(parse_settings(
        {"digest": {"language": "en"}, "classifier": {"language": "nl"}}, None))
    assert (nl.language, en.language, forced.language) == ("nl", "en", "nl")


def test_reasons_in_english(context_en):
    from .conftest import make_mention
    v = classify(make_mention("Brand bij Curio, school ontruimd", author_followers=12400),
                 context_en)
    assert "crisis term 'ontruimd'" in v.reasons
    assert "account with 12,400 followers" in v.reasons
    assert any(r.startswith("rule: crisis + reach ≥ 5,000 → urgent") for r in v.reasons)


def test_number_formatting():
    assert format_int(12400, "nl") == "12.400" and format_int(12400, "en") == "12,400"
    assert format_score(-0.55, "nl") == "-0,55" and format_score(0.91, "en") == "0.91"


@pytest.mark.parametrize("text,lang", [
    ("Wanneer is de open dag van Curio?", "nl"),
    ("When is the open day at Curio?", "en"),
    ("Stabbing near Curio in Roosendaal, one student injured", "en"),
    ("Brand bij Curio!", "nl"),
    ("", "nl"),
])
def test_language_detection(context, text, lang):
    tokens = prepare(text).tokens
    assert detect_language(tokens, context.stopwords, "nl", None, context.vocabularies) == lang


def test_declared_language_wins_only_if_configured(context):
    tokens = prepare("the school is nice").tokens
    assert detect_language(tokens, context.stopwords, "nl", "nl-NL") == "nl"
    assert detect_language(tokens, context.stopwords, "nl", "de") == "en"


@pytest.mark.parametrize("digits,valid", [
    ("111222333", True), ("123456782", True), ("123456789", False), ("000000000", False),
    ("12345678", False),
])
def test_elfproef(digits, valid):
    assert elfproef(digits) is valid


def test_bsn_needs_elfproef_and_context_raises_strength():
    assert not [f for f in find_pii("nummer 123456789") if f.kind == "bsn"]
    plain = [f for f in find_pii("nummer 1234.56.782") if f.kind == "bsn"]
    with_context = [f for f in find_pii("bsn 123456782") if f.kind == "bsn"]
    assert plain and with_context and with_context[0].strength > plain[0].strength
    assert with_context[0].masked == "…782"


def test_phone_numbers_are_not_bsns():
    kinds = {f.kind for f in find_pii("bel 06-12345678 of 076-5250000")}
    assert kinds == {"mobile", "phone"}


def test_context_uses_institution(context):
    assert context.institution is INSTITUTION
    assert context.identity.is_own("@Curio_MBO") and not context.identity.is_own("curio_mbo_")
