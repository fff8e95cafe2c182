"""One pass over a post's tokens for every lexicon matcher at once.

A post is read by some forty term lists (crisis words, acts, groups, negators, ...). Asking each
list separately walks the tokens forty times; :class:`MatcherIndex` merges the lists into one
index and :meth:`MatcherIndex.scan` walks them once, giving each list exactly the hits its own
:meth:`TermMatcher.find` would give.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from monitor.classify.matcher import Hit, TermMatcher


def matchers_in(*objects: Any) -> Iterator[TermMatcher]:
    """Every :class:`TermMatcher` held by these dataclasses (and dataclasses or mappings in them)."""
    for obj in objects:
        if isinstance(obj, TermMatcher):
            yield obj
        elif isinstance(obj, Mapping):
            yield from matchers_in(*obj.values())
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            yield from matchers_in(*(getattr(obj, f.name) for f in dataclasses.fields(obj)))


@dataclass(frozen=True, slots=True)
class Scan:
    """The hits of every indexed matcher in one token sequence."""

    tokens: tuple[str, ...]
    hits: list[list[Hit]]  # per matcher of the index, its hits left to right
    index: MatcherIndex

    def rescan(self, tokens: tuple[str, ...]) -> Scan:
        """The same matchers over other tokens (a post without its quotations)."""
        return self.index.scan(tokens)

    def of(self, matcher: TermMatcher) -> list[Hit]:
        n = self.index.position.get(id(matcher))
        return matcher.find(self.tokens) if n is None else self.hits[n]

    def within(self, matcher: TermMatcher, start: int, end: int) -> list[Hit]:
        return [h for h in self.of(matcher) if start <= h.pos < end]

    def at(self, matcher: TermMatcher, pos: int) -> Hit | None:
        return next((h for h in self.of(matcher) if h.pos == pos), None)


@dataclass(frozen=True, slots=True)
class MatcherIndex:
    """Many matchers merged: which matchers a token may hit, found with one look-up."""

    matchers: tuple[TermMatcher, ...]
    position: Mapping[int, int]  # id(matcher) -> its number
    by_word: Mapping[str, tuple[tuple[int, float], ...]]  # exact word -> (matcher, weight)
    by_phrase: Mapping[str, tuple[tuple[int, float], ...]]  # phrase -> (matcher, weight)
    sizes: Mapping[str, tuple[int, ...]]  # phrase head -> its phrases' word counts, longest first
    prefixed: tuple[int, ...]
    prefixes: tuple[str, ...]
    suffixed: tuple[int, ...]
    suffixes: tuple[str, ...]

    @classmethod
    def build(cls, matchers: Iterable[TermMatcher]) -> MatcherIndex:
        unique = tuple({id(m): m for m in matchers}.values())
        by_word: dict[str, list[tuple[int, float]]] = {}
        by_phrase: dict[str, list[tuple[int, float]]] = {}
        for n, m in enumerate(unique):
            for word, weight in m.exact.items():
                by_word.setdefault(word, []).append((n, weight))
            for phrase, weight in m.phrases.items():
                by_phrase.setdefault(phrase, []).append((n, weight))
        prefixed = tuple(n for n, m in enumerate(unique) if m.prefix_keys)
        suffixed = tuple(n for n, m in enumerate(unique) if m.suffix_keys)
        sizes: dict[str, set[int]] = {}
        for phrase in by_phrase:
            words = phrase.split(" ")
            sizes.setdefault(words[0], set()).add(len(words))
        return cls(
            matchers=unique,
            position={id(m): n for n, m in enumerate(unique)},
            by_word={w: tuple(v) for w, v in by_word.items()},
            by_phrase={p: tuple(v) for p, v in by_phrase.items()},
            sizes={h: tuple(sorted(ns, reverse=True)) for h, ns in sizes.items()},
            prefixed=prefixed,
            prefixes=tuple({p for n in prefixed for p in unique[n].prefix_keys}),
            suffixed=suffixed,
            suffixes=tuple({s for n in suffixed for s in unique[n].suffix_keys}),
        )

    def _phrases_at(self, tokens: tuple[str, ...], i: int, skip: list[int]) -> dict[int, Hit]:
        """The longest phrase of each matcher that starts at token ``i``."""
        found: dict[int, Hit] = {}
        for size in self.sizes[tokens[i]]:
            if i + size > len(tokens):
                continue
            text = " ".join(tokens[i:i + size])
            for n, weight in self.by_phrase.get(text, ()):
                if n not in found and i >= skip[n]:
                    found[n] = Hit(i, text, weight, size)
        return found

    def _affix_hits(self, tok: str, i: int, done: set[int]) -> list[tuple[int, Hit]]:
        """Each matcher's ``prefix*``/``*suffix`` match of ``tok`` (exact words aside)."""
        found = []
        candidates = (*(self.prefixed if self.prefixes and tok.startswith(self.prefixes) else ()),
                      *(self.suffixed if self.suffixes and tok.endswith(self.suffixes) else ()))
        for n in candidates:
            if n in done:
                continue
            weight = self.matchers[n].affix_weight(tok)
            if weight is not None:
                found.append((n, Hit(i, tok, weight)))
                done.add(n)
        return found

    def scan(self, tokens: tuple[str, ...]) -> Scan:
        hits: list[list[Hit]] = [[] for _ in self.matchers]
        skip = [0] * len(self.matchers)
        by_word, sizes, prefixes, suffixes = self.by_word, self.sizes, self.prefixes, self.suffixes
        for i, tok in enumerate(tokens):
            phrases = self._phrases_at(tokens, i, skip) if tok in sizes else None
            if phrases:
                for n, hit in phrases.items():
                    hits[n].append(hit)
                    skip[n] = i + hit.length
            words = [(n, Hit(i, tok, w)) for n, w in by_word.get(tok, ())]
            if (prefixes and tok.startswith(prefixes)) or (suffixes and tok.endswith(suffixes)):
                words += self._affix_hits(tok, i, {n for n, _ in words})
            for n, hit in words:
                if (not phrases or n not in phrases) and i >= skip[n]:
                    hits[n].append(hit)
        return Scan(tokens, hits, self)
