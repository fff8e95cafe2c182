"""The data behind threat and hate recognition: roles, acts, groups and frames, per language.

Loaded from ``lexicons/<language>.constructions.toml`` and compiled once into matchers. The
detectors (:mod:`monitor.classify.threat`, :mod:`monitor.classify.hate`) read who does what to
whom from these; nothing here decides anything.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from monitor.classify.insults import InsultCues
from monitor.classify.matcher import TermMatcher
from monitor.classify.problems import ComplaintCues
from monitor.errors import ConfigError

_WEIGHTED = ("patients", "acts", "predicted_harm", "weapons", "carry", "figurative", "harms",
             "receiving")


@dataclass(frozen=True, slots=True)
class Constructions:
    """Compiled construction data for one language."""

    language: str
    speaker: frozenset[str]
    dropped_subject: frozenset[str]  # a clause opening with these has the writer as subject
    addressee: frozenset[str]
    others: frozenset[str]
    incitement: frozenset[str]
    intent: frozenset[str]
    places: frozenset[str]
    doom: TermMatcher
    doomed: frozenset[str]
    place_doom: TermMatcher  # what is foretold of a building: "gaat ontploffen", "mag branden"
    knowing: frozenset[str]
    whereabouts: TermMatcher
    conditions: frozenset[str]
    reporting: TermMatcher
    clause_breaks: frozenset[str]
    negators: TermMatcher
    patients: TermMatcher
    acts: TermMatcher
    separable: Mapping[tuple[str, ...], tuple[str, ...]]  # particle words -> finite-verb prefixes
    finite_prefixes: tuple[str, ...]  # every prefix in ``separable``, for a quick first test
    predicted_harm: TermMatcher
    weapons: TermMatcher
    receiving: TermMatcher  # "krijgt", "is getting": harm that someone will get
    harms: TermMatcher  # "een klap", "a bullet", "jumped": what they will get
    carry: TermMatcher
    figurative: TermMatcher
    speech: frozenset[str]
    topics: TermMatcher
    relayed: TermMatcher
    judgement: TermMatcher
    hate_words: TermMatcher  # naming hate as such: "racisme", "homofoob", "hate speech"
    norms: TermMatcher
    harmless_objects: frozenset[str]
    tool_context: frozenset[str]
    denials: TermMatcher
    defiance: TermMatcher
    media_topics: TermMatcher
    groups: TermMatcher
    group_adjectives: frozenset[str]
    person_nouns: frozenset[str]
    copulas: TermMatcher
    dehumanising: TermMatcher
    hostility: TermMatcher
    exclusion: TermMatcher
    derogatory: TermMatcher
    generalisers: TermMatcher
    slurs: TermMatcher
    codes: TermMatcher  # hate's code words: "omvolking", "remigratie", "1488"
    complaints: ComplaintCues
    insults: InsultCues


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v).lower() for v in values)


def _phrases(values: Iterable[Any]) -> TermMatcher:
    return TermMatcher.compile({str(v).lower(): 1.0 for v in values})


def _weighted(table: Mapping[str, Any]) -> TermMatcher:
    return TermMatcher.compile({str(k).lower(): float(v) for k, v in table.items()})


def read_constructions(language: str) -> dict[str, Any]:
    """The raw TOML of ``lexicons/<language>.constructions.toml``."""
    path = resources.files("monitor.classify").joinpath(f"lexicons/{language}.constructions.toml")
    if not path.is_file():
        raise ConfigError(f"classifier.languages: no construction data for {language!r}")
    return tomllib.loads(path.read_text(encoding="utf-8"))


# Which fields come from which table of the TOML, as plain word sets or as phrase matchers.
_WORDS = {
    "roles": ("speaker", "dropped_subject", "addressee", "others", "incitement", "intent", "places", "doomed",
              "knowing", "conditions", "clause_breaks"),
    "frames": ("speech", "harmless_objects", "tool_context"),
    "hate": ("group_adjectives", "person_nouns"),
}
_PHRASES = {
    "roles": ("doom", "place_doom", "whereabouts", "reporting", "negators"),
    "frames": ("topics", "relayed", "judgement", "hate_words", "norms", "denials", "defiance",
               "media_topics"),
    "hate": ("groups", "copulas", "dehumanising", "hostility", "exclusion", "derogatory",
             "generalisers", "slurs", "codes"),
}


def build_constructions(language: str) -> Constructions:
    data = read_constructions(language)
    words = {name: _words(data.get(table, {}).get(name, ()))
             for table, names in _WORDS.items() for name in names}
    phrases = {name: _phrases(data.get(table, {}).get(name, ()))
               for table, names in _PHRASES.items() for name in names}
    weighted = {name: _weighted(data.get(name, {})) for name in _WEIGHTED}
    separable = {tuple(str(particle).lower().split()): tuple(str(p).lower() for p in prefixes)
                 for particle, prefixes in data.get("separable", {}).items()}
    return Constructions(
        language=language,
        separable=separable,
        finite_prefixes=tuple(sorted({p for prefixes in separable.values() for p in prefixes})),
        complaints=ComplaintCues.from_data(data.get("complaints", {})),
        insults=InsultCues.from_data(data.get("insults", {})),
        **words, **phrases, **weighted,
    )
