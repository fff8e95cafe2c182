"""Quality floors on the project's own labelled posts, so a change that makes the classifier
worse fails here. These are today's measured levels, rounded down, not the goals of issue 19
(those are reported by bench/classify_quality.py). The frozen split is never tuned on."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))

import classify_quality as quality  # noqa: E402

from monitor.classify import classify  # noqa: E402
from monitor.classify.checklist import load_examples  # noqa: E402
from monitor.models import Severity  # noqa: E402

CONTEXT = quality.context()


def _flagged(example) -> bool:
    return classify(example.mention, CONTEXT).severity.rank >= Severity.ATTENTION.rank


def _precision_recall(rows) -> tuple[float, float]:
    pairs = [(example.attention, _flagged(example)) for example, _ in rows]
    tp = sum(1 for gold, got in pairs if gold and got)
    fp = sum(1 for gold, got in pairs if got and not gold)
    fn = sum(1 for gold, got in pairs if gold and not got)
    return tp / (tp + fp), tp / (tp + fn)


def test_tuning_split_floor() -> None:
    precision, recall = _precision_recall(quality.load(quality.TUNING))
    assert precision >= 0.93 and recall >= 0.85


def test_frozen_split_floor() -> None:
    rows = quality.load(quality.FROZEN)
    assert len(rows) >= 1_100
    precision, recall = _precision_recall(rows)
    assert precision >= 0.88 and recall >= 0.73
    lookalikes = [ex for ex, extra in rows if extra["category"] == "lookalike"]
    assert sum(map(_flagged, lookalikes)) <= 0.23 * len(lookalikes)


def test_functional_suite_floor() -> None:
    cases = load_examples(ROOT / "tests" / "data" / "functional")
    passed = sum(1 for case in cases if _flagged(case) == case.attention)
    assert passed >= 0.90 * len(cases)
