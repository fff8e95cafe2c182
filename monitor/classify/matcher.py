"""Fast term matching over tokens: exact words, ``prefix*``, ``*suffix`` and multi-word phrases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

_HIDDEN = ("a", "e", "i", "o", "u", "uc", "c", "ck", "")  # what a star hides: "f*ck", "f**k"
_MAX_STARS = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon match: the token position, the text as written, and the entry's weight."""

    pos: int
    text: str
    weight: float
    length: int = 1


@dataclass(frozen=True, slots=True)
class TermMatcher:
    """Compiled lexicon entries. Build with :meth:`compile`; match with :meth:`find`."""

    exact: Mapping[str, float]
    phrases: Mapping[str, float]
    phrase_heads: frozenset[str]
    prefixes: tuple[tuple[str, float], ...]
    suffixes: tuple[tuple[str, float], ...]
    max_words: int
    prefix_keys: tuple[str, ...] = ()
    suffix_keys: tuple[str, ...] = ()

    @classmethod
    def compile(cls, entries: Mapping[str, float]) -> TermMatcher:
        exact: dict[str, float] = {}
        phrases: dict[str, float] = {}
        prefixes: dict[str, float] = {}
        suffixes: dict[str, float] = {}
        for term, weight in entries.items():
            key = " ".join(term.lower().split())
            if not key:
                continue
            if " " in key:
                phrases[key] = weight
            elif key.endswith("*") and len(key) > 2:
                prefixes[key[:-1]] = weight
            elif key.startswith("*") and len(key) > 2:
                suffixes[key[1:]] = weight
            else:
                exact[key] = weight
        ordered_pre = tuple(sorted(prefixes.items(), key=lambda kv: -len(kv[0])))
        ordered_suf = tuple(sorted(suffixes.items(), key=lambda kv: -len(kv[0])))
        return cls(
            exact=exact,
            phrases=phrases,
            phrase_heads=frozenset(p.split(" ", 1)[0] for p in phrases),
            prefixes=ordered_pre,
            suffixes=ordered_suf,
            max_words=max((p.count(" ") + 1 for p in phrases), default=1),
            prefix_keys=tuple(p for p, _ in ordered_pre),
            suffix_keys=tuple(s for s, _ in ordered_suf),
        )

    def __bool__(self) -> bool:
        return bool(self.exact or self.phrases or self.prefixes or self.suffixes)

    def find(self, tokens: Sequence[str]) -> list[Hit]:
        """Every match, left to right; a phrase match wins over a word match at the same spot."""
        hits: list[Hit] = []
        skip_until = 0
        for i in range(len(tokens)):
            if i < skip_until:
                continue
            hit = self.hit_at(tokens, i)
            if hit is not None:
                hits.append(hit)
                skip_until = i + hit.length
        return hits

    def hit_at(self, tokens: Sequence[str], i: int) -> Hit | None:
        """The match starting at token ``i``: a phrase if one starts there, else the word."""
        tok = tokens[i]
        if tok in self.phrase_heads:
            phrase = self._phrase_at(tokens, i)
            if phrase is not None:
                return phrase
        weight = self.exact.get(tok)
        if weight is None:
            weight = self.affix_weight(tok)
        return None if weight is None else Hit(i, tok, weight)

    def affix_weight(self, tok: str) -> float | None:
        """The weight of a ``prefix*`` or ``*suffix`` entry ``tok`` matches (exact words aside)."""
        if tok in self.exact:
            return None
        if self.prefix_keys and tok.startswith(self.prefix_keys):
            return next(w for p, w in self.prefixes if tok.startswith(p))
        if self.suffix_keys and tok.endswith(self.suffix_keys):
            return next(w for s, w in self.suffixes if tok.endswith(s))
        return None

    def unmask(self, tok: str) -> tuple[str, float] | None:
        """``f*ck``, ``k*nkerschool``, ``sh*thead``: the listed word a starred word stands for
        (each star one hidden letter or two, at most three stars), with its weight."""
        stars = tok.count("*")
        if not stars or stars > _MAX_STARS or len(tok) - stars < 2:
            return None
        parts = tok.split("*")
        for fill in product(_HIDDEN, repeat=stars):
            word = parts[0] + "".join(f + rest for f, rest in zip(fill, parts[1:], strict=True))
            weight = self.exact.get(word)
            if weight is None:
                weight = self.affix_weight(word)
            if weight is not None and weight > 0:
                return word, weight
        return None

    def _phrase_at(self, tokens: Sequence[str], i: int) -> Hit | None:
        for n in range(min(self.max_words, len(tokens) - i), 1, -1):
            text = " ".join(tokens[i:i + n])
            weight = self.phrases.get(text)
            if weight is not None:
                return Hit(i, text, weight, n)
        return None

