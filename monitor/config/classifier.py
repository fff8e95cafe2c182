"""The ``[classifier]`` table: validated at config load into frozen :class:`ClassifierSettings`,
with good defaults when it is absent. ``parse_classifier`` raises ``ConfigError`` naming the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.configschema import check_keys, opt_float, opt_int, opt_str, opt_str_list, opt_table
from monitor.errors import ConfigError
from monitor.models import Severity

CATEGORIES = (
    "threat", "hate", "complaint", "crisis", "press", "offensive", "confidential", "student_media",
    "impersonation", "reach", "spike", "praise", "question",
)
# Categories that can lift a mention to "attention" on their own. The rest top out at "info".
ATTENTION_CATEGORIES = frozenset(CATEGORIES) - {"reach", "praise", "question"}
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "threat": 1.0, "hate": 0.95,
    "complaint": 0.85, "crisis": 1.0, "press": 0.75, "offensive": 0.85, "confidential": 1.0,
    "student_media": 0.8, "impersonation": 0.85, "spike": 0.8, "reach": 0.3, "praise": 0.3,
    "question": 0.3,
}
DEFAULT_PRESS_DOMAINS = (
    "bndestem.nl", "omroepbrabant.nl", "nos.nl", "ad.nl", "nu.nl", "rtlnieuws.nl", "telegraaf.nl",
    "volkskrant.nl", "nrc.nl", "trouw.nl", "parool.nl", "bredavandaag.nl", "internetbode.nl",
    "dtvnieuws.nl", "nltimes.nl", "dutchnews.nl", "bbc.co.uk", "bbc.com", "theguardian.com",
    "reuters.com", "scienceguide.nl", "onderwijsvanmorgen.nl",
)
DEFAULT_MEDIA_DOMAINS = (
    "youtube.com", "youtu.be", "tiktok.com", "instagram.com", "snapchat.com", "vm.tiktok.com",
)


@dataclass(frozen=True, slots=True)
class SeverityRule:
    """Raise severity to ``severity`` when the categories, reach and score conditions all hold."""

    severity: Severity
    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()
    min_followers: int = 0
    min_score: float = 0.0

    def matches(self, categories: frozenset[str], followers: int, score: float) -> bool:
        if self.any_of and not categories.intersection(self.any_of):
            return False
        if not categories.issuperset(self.all_of):
            return False
        return followers >= self.min_followers and score >= self.min_score


DEFAULT_RULES = (
    SeverityRule(Severity.URGENT, any_of=("threat",), min_score=0.9),
    SeverityRule(Severity.URGENT, any_of=("crisis",), min_followers=5000),
    SeverityRule(Severity.URGENT, any_of=("crisis", "confidential"), min_score=0.95),
    SeverityRule(Severity.URGENT, all_of=("crisis", "press")),
    SeverityRule(Severity.URGENT, all_of=("student_media", "offensive"), min_followers=5000),
)


@dataclass(frozen=True, slots=True)
class SpikeSettings:
    baseline_days: int = 14
    min_count: int = 5
    factor: float = 3.0
    min_z: float = 3.0
    top_terms: int = 5


@dataclass(frozen=True, slots=True)
class ModelSettings:
    enabled: bool = True
    min_labels: int = 200
    raise_at: float = 0.9
    lower_at: float = 0.1
    protect: tuple[str, ...] = ("crisis", "confidential")


@dataclass(frozen=True, slots=True)
class ClassifierSettings:
    """Validated ``[classifier]`` settings. Build with :func:`parse_classifier`."""

    language: str | None = None
    languages: tuple[str, ...] = ("nl", "en")
    attention_threshold: float = 0.4
    info_threshold: float = 0.2
    category_threshold: float = 0.45
    negative_sentiment: float = -0.3
    positive_sentiment: float = 0.4
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reach_min_followers: int = 1000
    reach_full_followers: int = 1_000_000
    reach_boost: float = 0.3
    own_accounts_max: Severity = Severity.INFO
    rules: tuple[SeverityRule, ...] = DEFAULT_RULES
    press_domains: tuple[str, ...] = DEFAULT_PRESS_DOMAINS
    media_domains: tuple[str, ...] = DEFAULT_MEDIA_DOMAINS
    lexicon: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    spikes: SpikeSettings = SpikeSettings()
    model: ModelSettings = ModelSettings()
    # The shipped learned model's abuse probability from which it flags a post as offensive on
    # its own (1 switches that off); below it the model only ever adds to the rules' evidence.
    learned_at: float = 0.85


def check_category(name: str, where: str) -> str:
    if name not in CATEGORIES:
        raise ConfigError(f"{where}: unknown category {name!r} (known: {', '.join(CATEGORIES)})")
    return name


# The lexicons' languages and the word groups one may extend per language.
TERM_GROUPS = (
    "crisis", "press", "offensive", "complaint", "praise", "question", "confidential",
    "student", "filming", "school", "impersonation", "impersonation_report",
)
AVAILABLE_LANGUAGES = ("nl", "en")

# ----------------------------------------------------------------------------- parsing

_TOP = {
    "language", "languages", "attention_threshold", "info_threshold", "category_threshold",
    "negative_sentiment", "positive_sentiment", "weights", "reach", "own_accounts_max", "rules",
    "press_domains", "media_domains", "lexicon", "spikes", "model", "learned_at",
}
P = "classifier"


def _fraction(t: Mapping[str, Any], dotted: str, default: float, low: float = 0.0) -> float:
    value = opt_float(t, dotted, default)
    if not low <= value <= 1.0:
        raise ConfigError(f"{dotted}: must be between {low:g} and 1, got {value:g}")
    return value


def _negative(t: Mapping[str, Any], dotted: str, default: float) -> float:
    value = opt_float(t, dotted, default)
    if not -1.0 <= value <= 0.0:
        raise ConfigError(f"{dotted}: must be between -1 and 0, got {value:g}")
    return value


def _severity(t: Mapping[str, Any], dotted: str, default: Severity) -> Severity:
    try:
        return Severity.parse(opt_str(t, dotted, default.value))
    except ValueError as exc:
        raise ConfigError(f"{dotted}: {exc}") from None


def _languages(t: Mapping[str, Any]) -> tuple[str, ...]:
    langs = opt_str_list(t, f"{P}.languages") or ("nl", "en")
    for lang in langs:
        if lang not in AVAILABLE_LANGUAGES:
            raise ConfigError(f"{P}.languages: no lexicon for {lang!r} "
                              f"(available: {', '.join(AVAILABLE_LANGUAGES)})")
    return tuple(dict.fromkeys(langs))


def _weights(t: Mapping[str, Any]) -> dict[str, float]:
    table = opt_table(t, "weights", where=f"{P}.weights")
    check_keys(table, CATEGORIES, f"{P}.weights")
    weights = dict(DEFAULT_WEIGHTS)
    for name in table:
        weights[name] = _fraction(table, f"{P}.weights.{name}", 0.0)
    return weights


def _rule(entry: Any, where: str) -> SeverityRule:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    check_keys(entry, {"any", "all", "min_followers", "min_score", "severity"}, where)
    any_of = tuple(check_category(c, f"{where}.any") for c in opt_str_list(entry, f"{where}.any"))
    all_of = tuple(check_category(c, f"{where}.all") for c in opt_str_list(entry, f"{where}.all"))
    if not any_of and not all_of:
        raise ConfigError(f"{where}: give 'any' or 'all' (a list of categories)")
    if "severity" not in entry:
        raise ConfigError(f"{where}.severity: required (info, attention or urgent)")
    return SeverityRule(
        severity=_severity(entry, f"{where}.severity", Severity.ATTENTION),
        any_of=any_of,
        all_of=all_of,
        min_followers=opt_int(entry, f"{where}.min_followers", 0, minimum=0),
        min_score=_fraction(entry, f"{where}.min_score", 0.0),
    )


def _rules(t: Mapping[str, Any]) -> tuple[SeverityRule, ...] | None:
    if "rules" not in t:
        return None
    raw = t["rules"]
    if not isinstance(raw, list):
        raise ConfigError(f"{P}.rules: expected an array of tables ([[classifier.rules]])")
    return tuple(_rule(entry, f"{P}.rules[{i}]") for i, entry in enumerate(raw))


def _lexicon_group(value: Any, where: str) -> dict[str, float]:
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings or a table of weights")
        return {v: 0.8 for v in value}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a list of strings or a table of weights")
    low = -4.0 if where.endswith(".sentiment") else 0.0
    high = 4.0 if low < 0 else 1.0
    result = {}
    for term, weight in value.items():
        w = opt_float(value, f"{where}.{term}", 0.0)
        if not low <= w <= high:
            raise ConfigError(f"{where}.{term}: must be between {low:g} and {high:g}, got {weight}")
        result[term] = w
    return result


def _lexicon(t: Mapping[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    table = opt_table(t, "lexicon", where=f"{P}.lexicon")
    check_keys(table, AVAILABLE_LANGUAGES, f"{P}.lexicon")
    result: dict[str, dict[str, dict[str, float]]] = {}
    for lang, groups in table.items():
        where = f"{P}.lexicon.{lang}"
        if not isinstance(groups, dict):
            raise ConfigError(f"{where}: expected a table")
        check_keys(groups, (*TERM_GROUPS, "sentiment"), where)
        result[lang] = {g: _lexicon_group(v, f"{where}.{g}") for g, v in groups.items()}
    return result


def _spikes(t: Mapping[str, Any]) -> SpikeSettings:
    s = opt_table(t, "spikes", where=f"{P}.spikes")
    check_keys(s, SpikeSettings.__dataclass_fields__, f"{P}.spikes")
    d, w = SpikeSettings(), f"{P}.spikes"
    return SpikeSettings(
        baseline_days=opt_int(s, f"{w}.baseline_days", d.baseline_days, minimum=1, maximum=365),
        min_count=opt_int(s, f"{w}.min_count", d.min_count, minimum=1),
        factor=max(1.0, opt_float(s, f"{w}.factor", d.factor)),
        min_z=max(0.0, opt_float(s, f"{w}.min_z", d.min_z)),
        top_terms=opt_int(s, f"{w}.top_terms", d.top_terms, minimum=0, maximum=50),
    )


def _model(t: Mapping[str, Any]) -> ModelSettings:
    m = opt_table(t, "model", where=f"{P}.model")
    check_keys(m, ModelSettings.__dataclass_fields__, f"{P}.model")
    d, w = ModelSettings(), f"{P}.model"
    enabled = m.get("enabled", d.enabled)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{w}.enabled: expected true or false, got {enabled!r}")
    protect = tuple(check_category(c, f"{w}.protect")
                    for c in opt_str_list(m, f"{w}.protect")) if "protect" in m else d.protect
    return ModelSettings(
        enabled=enabled,
        min_labels=opt_int(m, f"{w}.min_labels", d.min_labels, minimum=20),
        raise_at=_fraction(m, f"{w}.raise_at", d.raise_at, low=0.5),
        lower_at=_fraction(m, f"{w}.lower_at", d.lower_at),
        protect=protect,
    )


def _reach(t: Mapping[str, Any]) -> tuple[int, int, float]:
    r = opt_table(t, "reach", where=f"{P}.reach")
    check_keys(r, {"min_followers", "full_followers", "boost"}, f"{P}.reach")
    low = opt_int(r, f"{P}.reach.min_followers", 1000, minimum=1)
    full = opt_int(r, f"{P}.reach.full_followers", 1_000_000, minimum=2)
    if full <= low:
        raise ConfigError(f"{P}.reach.full_followers: must be larger than min_followers ({low})")
    return low, full, _fraction(r, f"{P}.reach.boost", 0.3)


def parse_classifier(t: Mapping[str, Any] | None) -> ClassifierSettings:
    """Validate the raw ``[classifier]`` table; raise ``ConfigError`` naming the bad key."""
    t = t or {}
    check_keys(t, _TOP, P)
    language = opt_str(t, f"{P}.language", "") or None
    if language not in (None, "nl", "en"):
        raise ConfigError(f"{P}.language: expected 'nl' or 'en', got {language!r}")
    attention = _fraction(t, f"{P}.attention_threshold", 0.4)
    info = _fraction(t, f"{P}.info_threshold", 0.2)
    if info > attention:
        raise ConfigError(f"{P}.info_threshold: must not exceed attention_threshold ({attention})")
    low, full, boost = _reach(t)
    rules = _rules(t)
    return ClassifierSettings(
        language=language, languages=_languages(t), attention_threshold=attention,
        info_threshold=info,
        category_threshold=_fraction(t, f"{P}.category_threshold", 0.45),
        negative_sentiment=_negative(t, f"{P}.negative_sentiment", -0.3),
        positive_sentiment=_fraction(t, f"{P}.positive_sentiment", 0.4),
        weights=_weights(t), reach_min_followers=low, reach_full_followers=full,
        reach_boost=boost, own_accounts_max=_severity(t, f"{P}.own_accounts_max", Severity.INFO),
        rules=ClassifierSettings().rules if rules is None else rules,
        press_domains=DEFAULT_PRESS_DOMAINS + opt_str_list(t, f"{P}.press_domains"),
        media_domains=DEFAULT_MEDIA_DOMAINS + opt_str_list(t, f"{P}.media_domains"),
        lexicon=_lexicon(t), spikes=_spikes(t), model=_model(t),
        learned_at=_fraction(t, f"{P}.learned_at", 0.85),
    )
