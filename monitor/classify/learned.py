"""The learned signal: word and character n-grams scored by small logistic-regression heads.

Pure Python at run time. The model is data (``data/signal_model.json.gz``, a versioned JSON
document, no pickle) trained by ``tools/train_signal_model.py`` on public corpora; see
``docs/classifier.md`` and ``NOTICE``. Each head (``abuse``, ``negative``) gives a probability
and the words or word pairs of the post that pushed it up most, so a reason can name them.

Features, the one definition shared with training (:func:`features`): every word of
``Doc.tokens`` (handles folded to ``@user``; stored as ``=word``), every pair of neighbouring
words within a clause (``word word``), and the character 3- to 5-grams of each word with
``<``/``>`` marking its edges (so
``kankerlijer`` shares ``<kank`` and ``anker`` with ``kanker``). A post's vector holds feature counts
divided by the square root of the number of features extracted, so the score is
``intercept + sum(count * weight) / sqrt(n)``, additive per word, which makes a per-word cache
exact.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import add, itemgetter
from pathlib import Path
from typing import Any

from monitor.classify.text import BOUNDARY
from monitor.errors import InputError

MODEL_FORMAT = "signaleer-signal-model"
MODEL_VERSION = 1
PACKAGE_FILE = "data/signal_model.json.gz"
CHAR_MIN, CHAR_MAX = 3, 5
MAX_WORD = 30  # longer tokens (hashes, glued URLs) contribute their first 30 characters' grams
WORD_PREFIX = "="  # a word feature never equals a character n-gram: "=kut" is not "kut" in "<kutje>"
N_DRIVERS = 3
_Word = tuple[int, tuple[float, ...], bool]
_CACHE_LIMIT = 100_000  # words; about 25 MB when full, then it starts afresh


def word_of(token: str) -> str:
    """The word a token stands for in the features (every handle is the same ``@user``)."""
    return "@user" if token.startswith("@") else token


def _slices(size: int) -> tuple[slice, ...]:
    return tuple(slice(i, i + n) for n in range(CHAR_MIN, CHAR_MAX + 1) for i in range(size - n + 1))


_SLICES = tuple(_slices(size) for size in range(MAX_WORD + 3))


def word_features(word: str) -> list[str]:
    """The word itself (``=word``) plus its character n-grams (``<wo``, ``wor``, ..., ``rd>``)."""
    marked = f"<{word[:MAX_WORD]}>"
    grams = [WORD_PREFIX + word]
    grams += map(marked.__getitem__, _SLICES[len(marked)])
    return grams


def units(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """The words and the neighbouring-word pairs (never across punctuation) of a post."""
    words: list[str] = []
    pairs: list[str] = []
    previous = ""
    for token in tokens:
        if token == BOUNDARY:
            previous = ""
            continue
        word = word_of(token)
        words.append(word)
        if previous:
            pairs.append(f"{previous} {word}")
        previous = word
    return words, pairs


def features(tokens: Sequence[str]) -> list[str]:
    """Every feature of a post, with repeats (training counts them; see the module docstring)."""
    words, pairs = units(tokens)
    found: list[str] = []
    for word in words:
        found.extend(word_features(word))
    found.extend(pairs)
    return found


@dataclass(frozen=True, slots=True)
class HeadScore:
    """One head's verdict on a post: its probability and the n-grams that raised it most."""

    head: str
    probability: float
    drivers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SignalModel:
    """Heads sharing one vocabulary: ``weights`` maps a feature to one weight per head."""

    heads: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    info: Mapping[str, Any] = field(default_factory=dict)
    version: int = MODEL_VERSION
    _words: dict[str, _Word] = field(default_factory=dict, compare=False, repr=False)
    _pair_starts: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        starts = frozenset(f.split(" ", 1)[0] for f in self.weights if " " in f)
        object.__setattr__(self, "_pair_starts", starts)

    def score(self, tokens: Sequence[str], explain_at: float = 0.0) -> dict[str, HeadScore]:
        """Score a post's ``Doc.tokens`` with every head.

        Drivers are found for heads whose probability is at least ``explain_at`` (by default
        always; a caller that only reports likely posts saves the sorting). The loop inlines
        :func:`units` (it is the hot path): it skips the look-up of a word pair whose first
        word starts no pair in the vocabulary, but still counts the pair.
        """
        cached, weights = self._words, self.weights
        found: dict[str, tuple[float, ...]] = {}
        total = 0
        previous = ""
        pairs_from_previous = False
        for token in tokens:
            if token == BOUNDARY:
                previous = ""
                continue
            word = "@user" if token[0] == "@" else token
            size, summed, starts_pair = cached.get(word) or self._word(word)
            total += size
            prior = found.get(word)
            found[word] = summed if prior is None else tuple(map(add, prior, summed))
            if previous:
                total += 1
                if pairs_from_previous:
                    pair = f"{previous} {word}"
                    pair_weights = weights.get(pair)
                    if pair_weights is not None:
                        _accumulate(found, pair, pair_weights)
            previous, pairs_from_previous = word, starts_pair
        scale = 1.0 / math.sqrt(total) if total else 0.0
        found_units, rows = list(found), list(found.values())
        scores = {}
        for h, head in enumerate(self.heads):
            column = list(map(itemgetter(h), rows))
            probability = _sigmoid(self.intercepts[h] + sum(column) * scale)
            drivers: tuple[str, ...] = ()
            if probability >= explain_at:
                order = sorted(range(len(column)), key=column.__getitem__, reverse=True)[:N_DRIVERS]
                drivers = tuple(found_units[i] for i in order if column[i] > 0)
            scores[head] = HeadScore(head, probability, drivers)
        return scores

    def clear_cache(self) -> None:
        """Forget the per-word sums (scores do not change; benchmarks use it to start cold)."""
        self._words.clear()

    def _word(self, word: str) -> _Word:
        """(number of features, summed weights per head, starts a known pair) of a word; cached."""
        grams = word_features(word)
        hits = [w for w in map(self.weights.get, grams) if w is not None]
        sums = tuple(map(sum, zip(*hits, strict=True))) if hits else (0.0,) * len(self.heads)
        if len(self._words) >= _CACHE_LIMIT:
            self._words.clear()
        known = self._words[word] = (len(grams), sums, word in self._pair_starts)
        return known

    def to_bytes(self) -> bytes:
        """Deterministic gzip-compressed JSON (same model, same bytes)."""
        payload = {
            "format": MODEL_FORMAT, "version": self.version, "heads": list(self.heads),
            "intercepts": list(self.intercepts), "info": dict(self.info),
            "features": {f: list(w) for f, w in sorted(self.weights.items())},
        }
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> SignalModel:
        """Load a model; ``InputError`` if the data is damaged or of another format or version."""
        try:
            payload = json.loads(gzip.decompress(data).decode("utf-8"))
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"signal model is damaged: {exc}") from None
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise InputError("signal model: not a Signaleer signal model")
        if payload.get("version") != MODEL_VERSION:
            raise InputError(f"signal model: unsupported version {payload.get('version')!r} "
                             f"(this Signaleer reads version {MODEL_VERSION}); retrain it")
        try:
            return _from_payload(payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"signal model is damaged: bad field {exc}") from None

    @classmethod
    def load(cls, path: Path) -> SignalModel:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"signal model {path}: {exc.strerror or exc}") from None
        return cls.from_bytes(data)


def _from_payload(payload: Mapping[str, Any]) -> SignalModel:
    heads = tuple(str(h) for h in payload["heads"])
    intercepts = tuple(float(b) for b in payload["intercepts"])
    if not heads or len(intercepts) != len(heads):
        raise ValueError("'intercepts' (one per head)")
    shared: dict[float, float] = {}  # rounded weights repeat: share the float objects
    weights: dict[str, tuple[float, ...]] = {}
    for feature, values in payload["features"].items():
        if len(values) != len(heads):
            raise ValueError(f"'features' ({feature!r} needs one weight per head)")
        weights[feature] = tuple(shared.setdefault(float(v), float(v)) for v in values)
    return SignalModel(heads=heads, intercepts=intercepts, weights=weights,
                       info=dict(payload.get("info", {})))


def _accumulate(found: dict[str, tuple[float, ...]], unit: str, weights: tuple[float, ...]) -> None:
    prior = found.get(unit)
    found[unit] = weights if prior is None else tuple(map(add, prior, weights))


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


@cache
def default_model() -> SignalModel:
    """The model shipped with Signaleer, loaded once per process."""
    data = resources.files("monitor.classify").joinpath(PACKAGE_FILE).read_bytes()
    return SignalModel.from_bytes(data)
