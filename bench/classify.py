"""Benchmark the classifier: mentions per second on one core, and peak memory.

Run:  python bench/classify.py --n 20000      (CI runs it tiny: --n 200)

Texts come from the labelled evaluation set, cycled with small variations. With scikit-learn
installed (the ``ml`` extra), a model is trained on that set first and applied to every mention,
so the figures include the learned model. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify import ClassifierContext, classify  # noqa: E402
from monitor.config import InstitutionSettings  # noqa: E402
from monitor.jsonl import mention_from_json  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval_classifier.jsonl"
INSTITUTION = InstitutionSettings(
    name="Curio", aliases=("ROC West-Brabant",), handles=("@curio_mbo", "@curionl"),
    ambiguous_aliases=("Curio",), own_accounts=("curio_mbo", "curionl"),
    context_words=("mbo", "breda", "roosendaal"),
)


def _records() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def _model(records: list[dict]):
    try:
        from monitor.classify.training import LabelledExample, train_model

        return train_model([LabelledExample(r["text"], r["label"] == "attention")
                            for r in records])
    except Exception as exc:  # scikit-learn missing: measure the rules alone
        print(f"model: not loaded ({exc})")
        return None


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="mentions to classify")
    args = parser.parse_args(argv)
    records = _records()
    base = [mention_from_json(r, text_only=True, number=i)[0] for i, r in enumerate(records, 1)]
    mentions = [replace(base[i % len(base)], text=f"{base[i % len(base)].text} #{i % 97}")
                for i in range(args.n)]
    context = ClassifierContext.build(institution=INSTITUTION, model=_model(records))
    classify(mentions[0], context)  # warm-up
    start = time.perf_counter()
    flagged = sum(classify(m, context).flagged for m in mentions)
    elapsed = time.perf_counter() - start
    rate = args.n / elapsed if elapsed else float("inf")
    print(f"mentions: {args.n}  flagged: {flagged}  model: {context.model is not None}")
    print(f"throughput: {rate:,.0f} mentions/s on one core (target >= 5,000)")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB (target <= 300)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
