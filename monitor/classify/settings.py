"""The ``[classifier]`` config table: validated, frozen, with good defaults when it is absent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    """Validated ``[classifier]`` settings. Build with ``settings_parse.parse_classifier``."""

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
