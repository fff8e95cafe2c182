"""Evaluation against labelled posts: precision, recall and F1 overall and per category."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.classify.jsonl import mention_from_record, read_lines
from monitor.errors import InputError
from monitor.models import Mention, Severity, Verdict

LABELS = ("attention", "none")


@dataclass(frozen=True, slots=True)
class Metrics:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True, slots=True)
class Example:
    line: int
    mention: Mention
    attention: bool
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Miss:
    line: int
    text: str
    gold: str
    predicted: Verdict


@dataclass(frozen=True, slots=True)
class EvalResult:
    overall: Metrics
    per_category: Mapping[str, Metrics]
    confusion: Mapping[tuple[str, str], int]  # (gold label, predicted severity) -> count
    misses: tuple[Miss, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "per_category": {c: m.as_dict() for c, m in sorted(self.per_category.items())},
            "confusion": {f"{g}/{p}": n for (g, p), n in sorted(self.confusion.items())},
            "examples": self.overall.tp + self.overall.fp + self.overall.fn + self.overall.tn,
        }


def confusion_metrics(pairs: Iterable[tuple[bool, bool]]) -> Metrics:
    """Metrics from (gold, predicted) booleans."""
    counts = Counter(pairs)
    return Metrics(tp=counts[(True, True)], fp=counts[(False, True)],
                   fn=counts[(True, False)], tn=counts[(False, False)])


def _categories(record: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = record.get("category", record.get("categories"))
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"{where}: category: expected a string or a list of strings")


def read_examples(lines: Iterable[str]) -> list[Example]:
    """Labelled lines; the first bad line raises ``InputError`` naming its number."""
    examples = []
    for line in read_lines(lines):
        where = f"line {line.number}"
        if line.record is None:
            raise InputError(f"{where}: {line.error}")
        label = line.record.get("label")
        if label not in LABELS:
            raise InputError(f"{where}: label: expected 'attention' or 'none', got {label!r}")
        try:
            mention = mention_from_record(line.record, line.number)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        examples.append(Example(line.number, mention, label == "attention",
                                _categories(line.record, where)))
    return examples


def evaluate(examples: Iterable[Example], judge: Callable[[Mention], Verdict]) -> EvalResult:
    """Run ``judge`` over labelled examples; needs-attention means severity >= attention."""
    pairs: list[tuple[bool, bool]] = []
    per_cat: dict[str, list[tuple[bool, bool]]] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[Miss] = []
    rows = [(ex, judge(ex.mention)) for ex in examples]
    all_cats = {c for ex, v in rows for c in (*ex.categories, *v.categories)}
    for ex, verdict in rows:
        predicted = verdict.severity.rank >= Severity.ATTENTION.rank
        pairs.append((ex.attention, predicted))
        gold = "attention" if ex.attention else "none"
        confusion[(gold, verdict.severity.value)] += 1
        if predicted != ex.attention:
            misses.append(Miss(ex.line, ex.mention.text, gold, verdict))
        for cat in all_cats:
            per_cat.setdefault(cat, []).append((cat in ex.categories, cat in verdict.categories))
    return EvalResult(
        overall=confusion_metrics(pairs),
        per_category={c: confusion_metrics(p) for c, p in per_cat.items()},
        confusion=dict(confusion),
        misses=tuple(misses),
    )
