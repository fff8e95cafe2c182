"""Load the per-language lexicon data files and compile them (with config extensions) once."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from monitor.classify.matcher import TermMatcher
from monitor.config.classifier import AVAILABLE_LANGUAGES, TERM_GROUPS
from monitor.errors import ConfigError

LIST_GROUPS = (
    "negators", "contrast", "stopwords", "question_starts", "question_phrases",
    "sarcasm_phrases", "repeat_cues", "name_as_noun_before", "name_as_noun_after",
    "unrelated_context",
)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything language-specific the detectors need, compiled for fast lookups."""

    language: str
    terms: Mapping[str, TermMatcher]
    sentiment: TermMatcher
    intensifiers: Mapping[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    stopwords: frozenset[str]
    question_starts: frozenset[str]
    question_phrases: TermMatcher
    sarcasm_phrases: TermMatcher
    repeat_cues: TermMatcher
    name_as_noun_before: frozenset[str]
    name_as_noun_after: frozenset[str]
    unrelated_context: frozenset[str]

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every plain word this lexicon knows (a hint for language detection)."""
        words = set(self.sentiment.exact) | self.stopwords
        for matcher in self.terms.values():
            words.update(matcher.exact)
        return frozenset(words)


def read_lexicon_data(language: str) -> dict[str, Any]:
    """The raw TOML of a shipped lexicon file (``lexicons/<language>.toml``)."""
    if language not in AVAILABLE_LANGUAGES:
        raise ConfigError(f"classifier.languages: no lexicon for {language!r} "
                          f"(available: {', '.join(AVAILABLE_LANGUAGES)})")
    text = resources.files("monitor.classify").joinpath(f"lexicons/{language}.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def _merged_terms(base: Mapping[str, float], extra: Mapping[str, float]) -> dict[str, float]:
    merged = {str(k).lower(): float(v) for k, v in base.items()}
    merged.update({k.lower(): float(v) for k, v in extra.items()})
    return merged


def build_lexicon(language: str, extensions: Mapping[str, Mapping[str, float]]) -> Lexicon:
    """Compile the shipped data for ``language`` plus ``extensions`` (group -> term -> weight)."""
    data = read_lexicon_data(language)
    terms_data = data.get("terms", {})
    terms = {
        group: TermMatcher.compile(_merged_terms(terms_data.get(group, {}),
                                                 extensions.get(group, {})))
        for group in TERM_GROUPS
    }
    lists = data.get("lists", {})

    def words(name: str) -> frozenset[str]:
        return frozenset(w.lower() for w in lists.get(name, ()))

    def phrases(name: str) -> TermMatcher:
        return TermMatcher.compile({p: 1.0 for p in lists.get(name, ())})

    return Lexicon(
        language=language,
        terms=terms,
        sentiment=TermMatcher.compile(
            _merged_terms(data.get("sentiment", {}), extensions.get("sentiment", {}))),
        intensifiers={k.lower(): float(v) for k, v in data.get("intensifiers", {}).items()},
        negators=words("negators"),
        contrast=words("contrast"),
        stopwords=words("stopwords"),
        question_starts=words("question_starts"),
        question_phrases=phrases("question_phrases"),
        sarcasm_phrases=phrases("sarcasm_phrases"),
        repeat_cues=phrases("repeat_cues"),
        name_as_noun_before=words("name_as_noun_before"),
        name_as_noun_after=words("name_as_noun_after"),
        unrelated_context=words("unrelated_context"),
    )
