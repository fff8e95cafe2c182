"""Evaluation against labelled posts: precision, recall and F1 overall and per category, and
pass rates per functionality (checklist-style suites, see ``checklist.py``) or per gold category."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.errors import InputError
from monitor.jsonl import Rejected, iter_lines
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
    functionality: str | None = None  # the behaviour this case checks, e.g. "threat_negated_nl"
    template: str | None = None  # which template of the functionality produced it


@dataclass(frozen=True, slots=True)
class Miss:
    line: int
    text: str
    gold: str
    predicted: Verdict
    functionality: str | None = None


@dataclass(frozen=True, slots=True)
class PassRate:
    """How many cases of one group passed: flagged (severity >= attention) exactly when expected.

    ``category_cases``/``category_agreed`` count the needs-attention cases with a gold category
    and those whose verdict carries it; agreement is reported, a case passes on flagging alone.
    """

    name: str
    language: str  # "nl", "en", "mixed" or "" when unknown
    expected: str  # "attention", "none" or "mixed"
    cases: int
    passed: int
    category_cases: int = 0
    category_agreed: int = 0
    example_miss: str | None = None

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"language": self.language, "expected": self.expected, "cases": self.cases,
                "passed": self.passed, "pass_rate": round(self.rate, 4),
                "category_cases": self.category_cases,
                "category_agreed": self.category_agreed, "example_miss": self.example_miss}


@dataclass(frozen=True, slots=True)
class EvalResult:
    overall: Metrics
    per_category: Mapping[str, Metrics]
    confusion: Mapping[tuple[str, str], int]  # (gold label, predicted severity) -> count
    misses: tuple[Miss, ...] = field(default=())
    per_functionality: Mapping[str, PassRate] = field(default_factory=dict)
    pass_by_category: Mapping[str, PassRate] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        m = self.overall
        return m.tp + m.fp + m.fn + m.tn

    @property
    def passed(self) -> int:
        """Cases flagged exactly when their label says so."""
        return self.overall.tp + self.overall.tn

    def as_dict(self) -> dict[str, Any]:
        out = {
            "overall": self.overall.as_dict(),
            "per_category": {c: m.as_dict() for c, m in sorted(self.per_category.items())},
            "confusion": {f"{g}/{p}": n for (g, p), n in sorted(self.confusion.items())},
            "examples": self.cases,
            "passed": self.passed,
            "pass_by_category": {c: r.as_dict() for c, r in sorted(self.pass_by_category.items())},
        }
        if self.per_functionality:
            out["per_functionality"] = {n: r.as_dict()
                                        for n, r in sorted(self.per_functionality.items())}
        return out


def worst_first(rates: Mapping[str, PassRate]) -> list[PassRate]:
    """Pass rates sorted by rate (lowest first), then name."""
    return sorted(rates.values(), key=lambda r: (r.rate, r.name))


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


def _functionality(record: Mapping[str, Any], where: str) -> str | None:
    value = record.get("functionality")
    if value is None or (isinstance(value, str) and value.strip()):
        return value
    raise InputError(f"{where}: functionality: expected a non-empty string")


def read_examples(lines: Iterable[str]) -> list[Example]:
    """Labelled lines; the first bad line raises ``InputError`` naming its number."""
    examples = []
    for line in iter_lines(lines, text_only=True):
        where = f"line {line.number}"
        if isinstance(line, Rejected):
            raise InputError(f"{where}: {line.reason}")
        label = line.raw.get("label")
        if label not in LABELS:
            raise InputError(f"{where}: label: expected 'attention' or 'none', got {label!r}")
        examples.append(Example(line.number, line.mention, label == "attention",
                                _categories(line.raw, where),
                                functionality=_functionality(line.raw, where)))
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
            misses.append(Miss(ex.line, ex.mention.text, gold, verdict, ex.functionality))
        for cat in all_cats:
            per_cat.setdefault(cat, []).append((cat in ex.categories, cat in verdict.categories))
    return EvalResult(
        overall=confusion_metrics(pairs),
        per_category={c: confusion_metrics(p) for c, p in per_cat.items()},
        confusion=dict(confusion),
        misses=tuple(misses),
        per_functionality=pass_rates(rows, lambda ex: (ex.functionality,) if ex.functionality
                                     else ()),
        pass_by_category=pass_rates(rows, lambda ex: ex.categories or (_label(ex),)),
    )


def _label(ex: Example) -> str:
    return "attention" if ex.attention else "none"


def _summary(values: set[str]) -> str:
    return values.pop() if len(values) == 1 else ("mixed" if values else "")


def pass_rates(rows: Iterable[tuple[Example, Verdict]],
               groups: Callable[[Example], Iterable[str]]) -> dict[str, PassRate]:
    """Pass rate per group; ``groups`` names the groups a case belongs to (maybe none)."""
    members: dict[str, list[tuple[Example, Verdict]]] = {}
    for ex, verdict in rows:
        for name in groups(ex):
            members.setdefault(name, []).append((ex, verdict))
    out = {}
    for name, cases in members.items():
        passed = cat_cases = cat_agreed = 0
        miss = None
        for ex, verdict in cases:
            flagged = verdict.severity.rank >= Severity.ATTENTION.rank
            if flagged == ex.attention:
                passed += 1
            elif miss is None:
                miss = ex.mention.text
            if ex.attention and ex.categories:
                cat_cases += 1
                cat_agreed += any(c in verdict.categories for c in ex.categories)
        out[name] = PassRate(name, _summary({ex.mention.lang or "" for ex, _ in cases} - {""}),
                             _summary({_label(ex) for ex, _ in cases}), len(cases), passed,
                             cat_cases, cat_agreed, miss)
    return out
