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

_WEIGHTED = ("patients", "acts", "predicted_harm", "weapons", "carry", "figurative")


@dataclass(frozen=True, slots=True)
class Constructions:
    """Compiled construction data for one language."""

    language: str
    speaker: frozenset[str]
    addressee: frozenset[str]
    others: frozenset[str]
    incitement: frozenset[str]
    intent: frozenset[str]
    places: frozenset[str]
    doom: TermMatcher
    doomed: frozenset[str]
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
    carry: TermMatcher
    figurative: TermMatcher
    speech: frozenset[str]
    topics: TermMatcher
    relayed: TermMatcher
    judgement: TermMatcher
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


def build_constructions(language: str) -> Constructions:
    data = read_constructions(language)
    roles, frames, hate = data.get("roles", {}), data.get("frames", {}), data.get("hate", {})
    weighted = {name: _weighted(data.get(name, {})) for name in _WEIGHTED}
    separable = {tuple(str(particle).lower().split()): tuple(str(p).lower() for p in prefixes)
                 for particle, prefixes in data.get("separable", {}).items()}
    return Constructions(
        language=language,
        speaker=_words(roles.get("speaker", ())),
        addressee=_words(roles.get("addressee", ())),
        others=_words(roles.get("others", ())),
        incitement=_words(roles.get("incitement", ())),
        intent=_words(roles.get("intent", ())),
        places=_words(roles.get("places", ())),
        doom=_phrases(roles.get("doom", ())),
        doomed=_words(roles.get("doomed", ())),
        knowing=_words(roles.get("knowing", ())),
        whereabouts=_phrases(roles.get("whereabouts", ())),
        conditions=_words(roles.get("conditions", ())),
        reporting=_phrases(roles.get("reporting", ())),
        clause_breaks=_words(roles.get("clause_breaks", ())),
        negators=_phrases(roles.get("negators", ())),
        separable=separable,
        finite_prefixes=tuple(sorted({p for prefixes in separable.values() for p in prefixes})),
        speech=_words(frames.get("speech", ())),
        topics=_phrases(frames.get("topics", ())),
        relayed=_phrases(frames.get("relayed", ())),
        judgement=_phrases(frames.get("judgement", ())),
        norms=_phrases(frames.get("norms", ())),
        harmless_objects=_words(frames.get("harmless_objects", ())),
        tool_context=_words(frames.get("tool_context", ())),
        denials=_phrases(frames.get("denials", ())),
        defiance=_phrases(frames.get("defiance", ())),
        media_topics=_phrases(frames.get("media_topics", ())),
        groups=_phrases(hate.get("groups", ())),
        group_adjectives=_words(hate.get("group_adjectives", ())),
        person_nouns=_words(hate.get("person_nouns", ())),
        copulas=_phrases(hate.get("copulas", ())),
        dehumanising=_phrases(hate.get("dehumanising", ())),
        hostility=_phrases(hate.get("hostility", ())),
        exclusion=_phrases(hate.get("exclusion", ())),
        derogatory=_phrases(hate.get("derogatory", ())),
        generalisers=_phrases(hate.get("generalisers", ())),
        slurs=_phrases(hate.get("slurs", ())),
        complaints=ComplaintCues.from_data(data.get("complaints", {})),
        insults=InsultCues.from_data(data.get("insults", {})),
        **weighted,
    )
