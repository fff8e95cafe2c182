"""Complaints recognised by construction: something that should work and does not ("de wifi
werkt weer niet"), that broke or changed and keeps doing so ("rooster wéér veranderd"), that
takes long ("al 3 weken geen reactie"), costs money ("€250 voor een boekenpakket"), or an angry
question ("waarom reageert er niemand??"). Each cue becomes a weighted hit for the complaint
signal, so its reason names the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.classify.matcher import Hit, TermMatcher
from monitor.classify.scan import Scan
from monitor.classify.text import BOUNDARY

_NEAR = 4  # words between a function verb and its negation ("neemt gewoon de telefoon niet op")
_MONEY_SIGNS = ("€", "$", "£")


@dataclass(frozen=True, slots=True)
class ComplaintCues:
    """Compiled ``[complaints]`` data of one language."""

    functions: frozenset[str]
    negations: TermMatcher
    states: TermMatcher
    repeats: TermMatcher
    units: frozenset[str]
    money: frozenset[str]
    angry: TermMatcher
    reliefs: TermMatcher
    disclaimers: TermMatcher
    figures: TermMatcher  # a state word in a figure of speech: "lach me kapot", "maakt me kapot"

    @classmethod
    def from_data(cls, table: dict[str, Any]) -> ComplaintCues:
        def words(name: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in table.get(name, ()))

        def phrases(name: str) -> TermMatcher:
            return TermMatcher.compile({str(w).lower(): 1.0 for w in table.get(name, ())})

        return cls(functions=words("functions"), negations=phrases("negations"),
                   states=phrases("states"), repeats=phrases("repeats"), units=words("units"),
                   money=words("money"), angry=phrases("angry"), reliefs=phrases("reliefs"),
                   disclaimers=phrases("disclaimers"), figures=phrases("figures"))


def _near(hits: Iterable[Hit], pos: int, reach: int = _NEAR) -> Hit | None:
    return next((h for h in hits if abs(h.pos - pos) <= reach), None)


def _failures(tokens: Sequence[str], cues: ComplaintCues, negations: list[Hit]) -> list[Hit]:
    found = []
    for i, tok in enumerate(tokens):
        if tok in cues.functions:
            neg = _near(negations, i)
            if neg is None:
                continue
            first, last = sorted((neg.pos, i))
            if BOUNDARY not in tokens[first:last + 1]:  # one clause: "doen. dat is niet" is not
                found.append(Hit(first, " ".join(tokens[first:last + 1]), 0.6, last - first + 1))
    return found


def _durations(tokens: Sequence[str], cues: ComplaintCues) -> list[Hit]:
    return [Hit(i, f"{tokens[i]} {tokens[i + 1]}", 0.35, 2) for i in range(len(tokens) - 1)
            if tokens[i].isdigit() and tokens[i + 1] in cues.units]


def _money(raw: str, tokens: Sequence[str], cues: ComplaintCues) -> list[Hit]:
    """An amount to pay; said with "!" or "?" it is a complaint on its own ("€35!!")."""
    amount = any(sign in raw for sign in _MONEY_SIGNS) or "euro" in tokens
    paying = next((i for i, t in enumerate(tokens) if t in cues.money), None)
    if not amount or paying is None:
        return []
    return [Hit(paying, tokens[paying], 0.5 if ("!" in raw or "?" in raw) else 0.4)]


def problem_cues(raw: str, scan: Scan, questions: int, cues: ComplaintCues) -> list[Hit]:
    """Complaint cues found by construction, with weights for the complaint signal."""
    tokens = scan.tokens
    negations = scan.of(cues.negations)
    figures = [(f.pos, f.pos + f.length) for f in scan.of(cues.figures)]
    states = [s for s in scan.of(cues.states) if not any(a <= s.pos < b for a, b in figures)]
    repeats = scan.of(cues.repeats)
    failures = [] if scan.of(cues.reliefs) else _failures(tokens, cues, negations)
    waits = [Hit(d.pos, d.text, 0.5, d.length) if repeats or failures else d
             for d in _durations(tokens, cues)]  # "3 weken geleden ... nog steeds niks"
    hits = [*failures, *waits, *_money(raw, tokens, cues)]
    # A specific state ("valt de helft van de lessen uit") is a complaint on its own; a single
    # word ("wachten", "vol") only together with repetition or a failure.
    hits += [Hit(s.pos, s.text, 0.6 if repeats or failures else 0.5 if s.length > 1 else 0.4,
                 s.length) for s in states]
    if repeats and (failures or states):
        hits.append(Hit(repeats[0].pos, repeats[0].text, 0.5, repeats[0].length))
    angry = scan.of(cues.angry)
    if angry and (failures or states or repeats or waits or "??" in raw or "?!" in raw
                  or "!?" in raw or (questions and "!" in raw)):
        hits.append(Hit(angry[0].pos, angry[0].text, 0.65, angry[0].length))
    hits += [Hit(d.pos, d.text, 0.7, d.length) for d in scan.of(cues.disclaimers)]
    return hits
