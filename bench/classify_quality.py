"""Classifier quality on the project's own labelled posts: the tuning split beside the frozen one.

Run:  python bench/classify_quality.py              (figures for both splits)
      python bench/classify_quality.py --misses 40  (misses of the TUNING split only)

The frozen splits (tests/data/classifier/frozen*_test.jsonl) are never tuned on: this script
prints only their aggregate figures, never their misses. Each was written before the rules it
measures, by a writer who never saw them. A frozen split that has been looked at often joins the
tuning split, and a new one is written first.
Prints figures only; it asserts nothing (tests/unit/classify/test_quality.py holds the floors).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify import ClassifierContext, classify  # noqa: E402
from monitor.classify.evaluate import Example, read_examples  # noqa: E402
from monitor.config import parse_settings  # noqa: E402
from monitor.models import Severity  # noqa: E402

DATA = ROOT / "tests" / "data"
TUNING = (DATA / "eval_classifier.jsonl", *sorted((DATA / "classifier").glob("tuning*.jsonl")))
# The frozen split: written before the rules it measures, never tuned on, aggregate figures only.
# Earlier frozen splits, once looked at often, joined the tuning split (tuning_f1_*, tuning_f2).
FROZEN = tuple(sorted((DATA / "classifier").glob("frozen*_test.jsonl")))
CLEAN_LOOKALIKE = "lookalike"


def load(paths: Iterable[Path]) -> list[tuple[Example, dict[str, str]]]:
    """Examples with their raw record's extra fields (functionality, category, lang)."""
    out = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        for example, record in zip(read_examples(lines), records, strict=True):
            extra = {k: str(record.get(k) or "") for k in ("functionality", "category", "lang")}
            out.append((example, extra))
    return out


def context() -> ClassifierContext:
    """The shipped example config's ``[institution]`` section (the rest needs secrets)."""
    raw = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    return ClassifierContext.build(
        institution=parse_settings({"institution": raw["institution"]}, None).institution,
        language="nl")


def report(name: str, rows: list[tuple[Example, dict[str, str]]], ctx: ClassifierContext,
           misses: int) -> None:
    counts: Counter[str] = Counter()
    per_cat: dict[str, Counter[str]] = {}
    shown = 0
    for example, extra in rows:
        verdict = classify(example.mention, ctx)
        flagged = verdict.severity.rank >= Severity.ATTENTION.rank
        gold = example.attention
        counts["tp" if gold and flagged else "fn" if gold else "fp" if flagged else "tn"] += 1
        cat = per_cat.setdefault(extra["category"] or "-", Counter())
        cat["n"] += 1
        cat["flagged"] += flagged
        if misses and shown < misses and flagged != gold:
            shown += 1
            print(f"  MISS gold={'attention' if gold else 'none'} got={verdict.severity.value} "
                  f"[{extra['category']}/{extra['functionality']}] {example.mention.text[:150]!r}"
                  f" {list(verdict.reasons[:2])}")
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{name}: {len(rows)} posts  precision {precision:.3f}  recall {recall:.3f}  "
          f"F1 {f1:.3f}  (tp {tp} fp {fp} fn {fn} tn {tn})")
    for cat, c in sorted(per_cat.items()):
        print(f"    {cat:<14} {c['n']:>4} posts, flagged {c['flagged'] / c['n']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="show N misses of the tuning split")
    parser.add_argument("--tuning-only", action="store_true",
                        help="leave the frozen splits alone (while working on rules)")
    args = parser.parse_args(argv)
    ctx = context()
    report("tuning", load(TUNING), ctx, args.misses)
    if not args.tuning_only:
        for path in FROZEN:
            report(path.stem, load((path,)), ctx, 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
