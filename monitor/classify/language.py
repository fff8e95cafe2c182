"""Offline language detection restricted to the configured languages (stopwords + letter cues)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Letter sequences far more common in one language than the other; a tie-breaker for short posts.
_CHAR_CUES: Mapping[str, tuple[str, ...]] = {
    "nl": ("ij", "oe", "aa", "uu", "sch", "cht", "eu", "ui", "oo", "ee"),
    "en": ("th", "wh", "ing", "ck", "ea", "ou", "ph", "tion"),
}


def _char_score(tokens: Sequence[str], cues: tuple[str, ...]) -> float:
    return sum(1 for tok in tokens for cue in cues if cue in tok) * 0.25


def detect_language(
    tokens: Sequence[str],
    stopwords: Mapping[str, frozenset[str]],
    default: str,
    declared: str | None = None,
    vocabularies: Mapping[str, frozenset[str]] | None = None,
) -> str:
    """Best guess among ``stopwords``' languages; ``declared`` (the source's tag) wins if usable.

    Stopword hits count one point each. When that is not decisive, words only one language's
    lexicon knows (``vocabularies``) count half a point and letter cues a quarter. Ties and
    empty texts give ``default``: for a Dutch institution the safer guess.
    """
    if declared:
        short = declared.strip().lower()[:2]
        if short in stopwords:
            return short
    if len(stopwords) == 1:
        return next(iter(stopwords))
    scores = {lang: float(sum(1 for tok in tokens if tok in words))
              for lang, words in stopwords.items()}
    top = sorted(scores.values(), reverse=True)
    if top[0] - top[1] < 1.0:
        for lang in scores:
            vocab = (vocabularies or {}).get(lang, frozenset())
            scores[lang] += 0.5 * sum(1 for tok in tokens if tok in vocab)
            scores[lang] += _char_score(tokens, _CHAR_CUES.get(lang, ()))
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
