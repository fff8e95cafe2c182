"""Lexicon sentiment with negation, intensifiers and contrast ("maar", "but"); offline, no model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.classify.lexicon import Lexicon
from monitor.classify.matcher import Hit
from monitor.classify.text import BOUNDARY

NEGATION_WINDOW = 3
# "niet goed" is clearly negative; "niet slecht" is only mildly positive.
NEGATED_POSITIVE = -0.75
NEGATED_NEGATIVE = -0.4
SARCASM_FLIP = -0.8
_ALPHA = 8.0


@dataclass(frozen=True, slots=True)
class Sentiment:
    """``score`` in -1..1, with the words that carried it (for reasons)."""

    score: float
    positives: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()


def sentiment_hits(hits: Sequence[Hit], lex: Lexicon) -> list[Hit]:
    """Sentiment words (``hits`` of ``lex.sentiment``), minus those that act as an intensifier
    of the next sentiment word."""
    positions = {h.pos for h in hits}
    return [h for h in hits
            if not (h.text in lex.intensifiers and h.pos + h.length in positions)]


def is_negated(tokens: Sequence[str], pos: int, lex: Lexicon) -> bool:
    for j in range(pos - 1, max(-1, pos - 1 - NEGATION_WINDOW), -1):
        tok = tokens[j]
        if tok == BOUNDARY or tok in lex.contrast:
            return False
        if tok in lex.negators:
            return True
    return False


def _intensity(tokens: Sequence[str], pos: int, lex: Lexicon) -> float:
    factor = 1.0
    for j in (pos - 1, pos - 2):
        if j < 0:
            break
        boost = lex.intensifiers.get(tokens[j])
        if boost is None:
            break
        factor *= boost
    return factor


def _contrast_at(tokens: Sequence[str], lex: Lexicon) -> int:
    for i, tok in enumerate(tokens):
        if tok in lex.contrast and i > 0:
            return i
    return -1


def score_sentiment(
    tokens: Sequence[str], hits: Sequence[Hit], lex: Lexicon, *, sarcastic: bool = False,
    exclamations: int = 0,
) -> Sentiment:
    """Combine ``hits`` into one score. With ``sarcastic``, praise words count against."""
    if not hits:
        return Sentiment(0.0)
    pivot = _contrast_at(tokens, lex)
    total = 0.0
    pos_words: list[str] = []
    neg_words: list[str] = []
    negated: list[str] = []
    for hit in hits:
        value = hit.weight * _intensity(tokens, hit.pos, lex)
        if is_negated(tokens, hit.pos, lex):
            value *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
            negated.append(hit.text)
        if sarcastic and value > 0:
            value *= SARCASM_FLIP
        if pivot >= 0:
            value *= 1.5 if hit.pos > pivot else 0.5
        total += value
        (pos_words if value > 0 else neg_words).append(hit.text)
    total *= 1.0 + 0.1 * min(exclamations, 3)
    score = total / math.sqrt(total * total + _ALPHA)
    return Sentiment(round(score, 3), tuple(pos_words), tuple(neg_words), tuple(negated))
