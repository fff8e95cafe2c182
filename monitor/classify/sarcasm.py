"""Sarcasm: praise on the surface, complaint underneath ("Geweldig hoor, weer geen rooster 🙄")."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.classify.lexicon import Lexicon
from monitor.classify.matcher import Hit
from monitor.classify.scan import Scan
from monitor.classify.text import Doc

SARCASM_EMOJIS = {"🙄": 1.0, "🙃": 1.0, "😒": 1.0, "😑": 0.8, "🤡": 1.0, "🥱": 0.7, "👏": 0.4}
THRESHOLD = 1.0


def _explicit_marker(doc: Doc) -> str | None:
    lower = doc.lower
    if "#not" in lower or "/s" in lower.split() or "#sarcasme" in lower or "#sarcasm" in lower:
        return "#not" if "#not" in lower else "/s"
    return None


def detect_sarcasm(
    doc: Doc, lex: Lexicon, sentiment_hits: Sequence[Hit], complaint_hits: Sequence[Hit],
    scan: Scan, thanks: Sequence[Hit] = (),
) -> str | None:
    """Evidence text when the post praises on the surface but complains underneath, else None.

    Markers add up: a sarcastic emoji (1.0), a stock phrase like "ja hoor" (0.7), a repetition
    cue like "weer geen"/"again" (0.5), and real negative content next to the praise (0.5).
    """
    positives = [*(h for h in sentiment_hits if h.weight > 0), *thanks]  # praise on the surface
    if not positives:
        return None
    evidence: list[str] = []
    score = 0.0
    marker = _explicit_marker(doc)
    if marker:
        score, evidence = score + 1.0, [*evidence, marker]
    emoji = max(doc.emojis, key=lambda e: SARCASM_EMOJIS.get(e, 0.0), default=None)
    if emoji is not None and emoji in SARCASM_EMOJIS:
        weight = SARCASM_EMOJIS[emoji] * (2 if doc.raw.count(emoji) > 1 else 1)  # "👏👏"
        score, evidence = score + min(1.0, weight), [*evidence, emoji]
    phrase = next(iter(scan.of(lex.sarcasm_phrases)), None)
    if phrase is not None:
        score, evidence = score + 0.7, [*evidence, phrase.text]
    repeat = next(iter(scan.of(lex.repeat_cues)), None)
    if repeat is not None:
        score, evidence = score + 0.5, [*evidence, repeat.text]
    if complaint_hits or any(h.weight < 0 for h in sentiment_hits):
        score += 0.5
    if score < THRESHOLD:
        return None
    return " + ".join(dict.fromkeys([positives[0].text, *evidence]))
