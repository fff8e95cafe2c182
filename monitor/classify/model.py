"""The optional learned model: TF-IDF + logistic regression, applied in pure Python.

Training needs scikit-learn (the ``ml`` extra, see :mod:`monitor.classify.training`); applying a
trained model does not. The model travels as versioned bytes (zlib-compressed JSON, no pickle),
so it can live in the database and be loaded safely by any later version that knows the format.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from monitor.errors import InputError
from monitor.models import Severity

MODEL_FORMAT = "signaleer-classifier-model"
MODEL_VERSION = 1
_STEPS = (Severity.NONE, Severity.INFO, Severity.ATTENTION, Severity.URGENT)


def features(tokens: Sequence[str], ngram_max: int = 2) -> list[str]:
    """Word n-grams used both for training and for prediction."""
    feats = list(tokens)
    for n in range(2, ngram_max + 1):
        feats += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return feats


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """``terms`` maps a feature to ``(idf, coefficient)``; the rest is bookkeeping."""

    terms: Mapping[str, tuple[float, float]]
    intercept: float
    ngram_max: int = 2
    n_examples: int = 0
    trained_at: str = ""
    metrics: Mapping[str, float] = field(default_factory=dict)
    version: int = MODEL_VERSION
    _starts: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        starts = frozenset(t.split(" ", 1)[0] for t in self.terms if " " in t)
        object.__setattr__(self, "_starts", starts)

    def _known(self, tokens: Sequence[str]) -> Counter[str]:
        """The features of :func:`features` that the model knows, counted; an n-gram is only
        built where a known one starts."""
        terms, starts = self.terms, self._starts
        counts: Counter[str] = Counter(t for t in tokens if t in terms)
        for n in range(2, self.ngram_max + 1):
            for i in range(len(tokens) - n + 1):
                if tokens[i] in starts:
                    gram = " ".join(tokens[i:i + n])
                    if gram in terms:
                        counts[gram] += 1
        return counts

    def predict_proba(self, tokens: Sequence[str]) -> float:
        """Probability that the post needs attention (sublinear tf, l2-normalised tf-idf)."""
        counts = self._known(tokens)
        if not counts:
            return _sigmoid(self.intercept)
        dot = norm = 0.0
        for feat, tf in counts.items():
            idf, coef = self.terms[feat]
            value = (1.0 + math.log(tf)) * idf
            dot += value * coef
            norm += value * value
        return _sigmoid(dot / math.sqrt(norm) + self.intercept)

    def to_bytes(self) -> bytes:
        payload = {
            "format": MODEL_FORMAT, "version": self.version, "ngram_max": self.ngram_max,
            "intercept": self.intercept, "n_examples": self.n_examples,
            "trained_at": self.trained_at, "metrics": dict(self.metrics),
            "terms": {t: [round(i, 6), round(c, 6)] for t, (i, c) in self.terms.items()},
        }
        return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedModel:
        """Load a serialised model; ``InputError`` if it is damaged or of an unknown version."""
        try:
            payload = json.loads(zlib.decompress(data).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"classifier model is damaged: {exc}") from None
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise InputError("classifier model: not a Signaleer classifier model")
        if payload.get("version") != MODEL_VERSION:
            raise InputError(f"classifier model: unsupported version {payload.get('version')!r} "
                             f"(this Signaleer reads version {MODEL_VERSION}); retrain it")
        return cls(
            terms={t: (float(v[0]), float(v[1])) for t, v in payload["terms"].items()},
            intercept=float(payload["intercept"]), ngram_max=int(payload["ngram_max"]),
            n_examples=int(payload.get("n_examples", 0)),
            trained_at=str(payload.get("trained_at", "")),
            metrics={k: float(v) for k, v in payload.get("metrics", {}).items()},
        )


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def adjust_severity(
    severity: Severity, probability: float, categories: Iterable[str], *, raise_at: float,
    lower_at: float, protect: Iterable[str],
) -> Severity:
    """Move one step up (to at most attention) or down, as the model's probability says."""
    step = _STEPS.index(severity)
    if probability >= raise_at and severity.rank < Severity.ATTENTION.rank:
        return _STEPS[step + 1]
    if probability <= lower_at and step > 0 and not set(categories).intersection(protect):
        return _STEPS[step - 1]
    return severity
