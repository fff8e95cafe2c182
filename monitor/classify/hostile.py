"""Threat and hate signals from constructions, with quotations taken into account.

A threat or slur inside quotation marks is someone else's words: criticised ("walgelijk dat
iemand 'X' roept") it is no signal; reported without a verdict it is crisis news.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from monitor.classify.constructions import Constructions
from monitor.classify.frames import Frame, without_quotes
from monitor.classify.hate import CURSE_PREFIXES, find_hate, group_hits
from monitor.classify.reasons import reason
from monitor.classify.signals import Signal, noisy_or
from monitor.classify.text import Doc, prepare
from monitor.classify.threat import THREAT_EMOJI, Finding, find_threats

MAX_TERMS = 2
MEDIA_EMOJI = frozenset({"🎵", "🎶", "🎮", "🎬", "🎤", "🎧"})


def _nothing_to_find(emojis: frozenset[str], cons: Constructions, frame: Frame) -> bool:
    """A quick look for the words every construction starts from; most posts have none."""
    scan = frame.scan
    if emojis & THREAT_EMOJI.keys():
        return False
    if any(scan.of(m) for m in (cons.acts, cons.predicted_harm, cons.weapons, cons.doom,
                                 cons.whereabouts, cons.groups, cons.slurs, cons.receiving,
                                 cons.place_doom, cons.codes)):
        return False
    starts = _starts(cons.finite_prefixes)
    adjectives = cons.group_adjectives
    return not any(t.startswith(starts) or "*" in t or t in adjectives for t in frame.tokens)


@lru_cache(maxsize=8)
def _starts(finite_prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return (*finite_prefixes, *CURSE_PREFIXES)


def findings(emojis: frozenset[str], cons: Constructions, frame: Frame, *, named: bool,
             friendly: bool) -> list[Finding]:
    """Every threat and hate finding in the post read in ``frame``."""
    if _nothing_to_find(emojis, cons, frame):
        return []
    groups = group_hits(frame.scan, cons)
    found = find_threats(emojis, cons, frame, groups, named=named, friendly=friendly)
    return found + find_hate(cons, frame, groups, emojis)


@lru_cache(maxsize=8)  # asked by the offensive, learned and hostile signals of the same post
def unquoted_tokens(doc: Doc) -> tuple[str, ...] | None:
    """The post's tokens without its quotations, or None when it quotes nothing."""
    rest = without_quotes(doc.raw)
    return None if rest is None else prepare(rest).tokens


def _unquoted(doc: Doc, found: list[Finding], frame: Frame, cons: Constructions,
              named: bool) -> tuple[list[Finding], list[Finding]]:
    """``(asserted, quoted)``: findings the writer makes, and those only inside quotes."""
    if not found:
        return [], []
    tokens = unquoted_tokens(doc)
    if tokens is None:
        return found, []
    outside = findings(doc.emojis, cons, Frame.of(frame.scan.rescan(tokens), cons), named=named,
                       friendly=False)
    if outside:
        return outside, []
    quoting_media = bool(frame.media) or bool(doc.emojis & MEDIA_EMOJI)  # a line from a song
    return [], [] if frame.judged or quoting_media else found


def _signal(category: str, items: Sequence[Finding], lang: str) -> Signal | None:
    if not items:
        return None
    ordered = sorted(items, key=lambda f: -f.strength)
    reasons = tuple(dict.fromkeys(reason(f.kind, lang, term=f.term) for f in ordered))
    return Signal(category, noisy_or(f.strength for f in ordered), reasons[:MAX_TERMS])


def hostile_signals(doc: Doc, cons: Constructions, frame: Frame, lang: str, *, named: bool,
                    friendly: bool) -> list[Signal]:
    """Threat, hate and (for reported or quoted threats) crisis signals."""
    found = findings(doc.emojis, cons, frame, named=named, friendly=friendly)
    asserted, quoted = _unquoted(doc, found, frame, cons, named)
    threats = [f for f in asserted if f.kind.startswith("threat") and f.kind != "threat_reported"]
    hate = [f for f in asserted if f.kind.startswith("hate")]
    hate += [Finding("hate_threat", f.strength, f.term, f.pos, True)
             for f in threats if f.against_group]
    reported = [f for f in asserted if f.kind == "threat_reported"]
    reported += [Finding("threat_quoted", 0.75, f.term, f.pos) for f in quoted
                 if f.kind.startswith("threat")]
    signals = [_signal("threat", threats, lang), _signal("hate", hate, lang),
               _signal("crisis", reported, lang)]
    return [s for s in signals if s is not None]
