"""Lexicon-driven signals: crisis, press, offensive, confidential words, complaint and praise."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.classify.lexicon import Lexicon
from monitor.classify.matcher import Hit
from monitor.classify.reasons import format_score, reason
from monitor.classify.sentiment import Sentiment, is_negated


@dataclass(frozen=True, slots=True)
class Signal:
    """Evidence for one category: ``strength`` in 0..1 and the reasons behind it."""

    category: str
    strength: float
    reasons: tuple[str, ...] = ()


def noisy_or(weights: Iterable[float]) -> float:
    """Combine independent pieces of evidence: 1 - prod(1 - w)."""
    remaining = 1.0
    for w in weights:
        if w > 0:
            remaining *= 1.0 - min(w, 1.0)
    return 1.0 - remaining


def merged(signals: Iterable[Signal | None]) -> list[Signal]:
    """One signal per category: strengths combined (noisy-or), reasons kept in order."""
    by_category: dict[str, Signal] = {}
    for s in signals:
        if s is None:
            continue
        seen = by_category.get(s.category)
        by_category[s.category] = s if seen is None else Signal(
            s.category, noisy_or((seen.strength, s.strength)),
            tuple(dict.fromkeys((*seen.reasons, *s.reasons))))
    return list(by_category.values())


def _top_terms(hits: Sequence[Hit], n: int = 2) -> list[str]:
    ordered = sorted((h for h in hits if h.weight > 0), key=lambda h: -h.weight)
    return list(dict.fromkeys(h.text for h in ordered))[:n]


def lexical_signal(category: str, hits: Sequence[Hit], lang: str, key: str = "") -> Signal | None:
    """A signal from plain term hits (crisis, press, offensive, confidential words)."""
    strength = noisy_or(h.weight for h in hits)
    if strength <= 0:
        return None
    reasons = tuple(reason(key or category, lang, term=t) for t in _top_terms(hits))
    return Signal(category, strength, reasons)


def affirmed(hits: Sequence[Hit], tokens: Sequence[str], lex: Lexicon) -> list[Hit]:
    """Drop hits that are negated ("niet ontevreden", "not disappointed")."""
    return [h for h in hits if not is_negated(tokens, h.pos, lex)]


def complaint_signal(
    cues: Sequence[Hit], sentiment: Sentiment, sarcasm: str | None, negative_at: float,
    lang: str,
) -> Signal | None:
    """Complaint from explicit cues, clearly negative sentiment, or sarcastic praise."""
    parts: list[float] = [noisy_or(h.weight for h in cues)]
    reasons = [reason("complaint", lang, term=t) for t in _top_terms(cues, 1)]
    if sentiment.score <= negative_at:
        parts.append(min(1.0, (-sentiment.score - 0.1) / 0.5))
        reasons.insert(0, reason("negative", lang, score=format_score(sentiment.score, lang)))
    if sarcasm:
        parts.append(0.8)
        reasons.insert(0, reason("sarcasm", lang, term=sarcasm))
    strength = noisy_or(parts)
    return Signal("complaint", strength, tuple(reasons)) if strength > 0 else None


def praise_signal(
    cues: Sequence[Hit], sentiment: Sentiment, positive_at: float, lang: str,
) -> Signal | None:
    """Praise from praise cues with non-negative sentiment, or clearly positive sentiment."""
    if sentiment.score < 0:
        return None
    parts = [noisy_or(h.weight for h in cues)]
    reasons = [reason("praise", lang, term=t) for t in _top_terms(cues)]
    if sentiment.score >= positive_at and len(sentiment.positives) >= 2:
        parts.append(0.5 + 0.4 * sentiment.score)
        score = format_score(sentiment.score, lang, signed=True)
        reasons.append(reason("positive", lang, score=score))
    strength = noisy_or(parts)
    return Signal("praise", strength, tuple(reasons)) if strength > 0 else None
