"""Dev-split figures for the signal model: precision, recall, F1 (at p >= 0.5) and ROC AUC.

Scores come from the pure-Python :class:`~monitor.classify.learned.SignalModel` that ships, so
the figures describe the model file, not the scikit-learn objects it was fitted with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from signal_corpora import Row
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

from monitor.classify.evaluate import Metrics
from monitor.classify.learned import SignalModel
from monitor.classify.text import prepare

THRESHOLD = 0.5


def _metrics(gold: Sequence[int], scores: Sequence[float]) -> dict[str, Any]:
    tp = sum(1 for g, s in zip(gold, scores, strict=True) if g and s >= THRESHOLD)
    fp = sum(1 for g, s in zip(gold, scores, strict=True) if not g and s >= THRESHOLD)
    fn = sum(gold) - tp
    figures: dict[str, Any] = dict(Metrics(tp=tp, fp=fp, fn=fn, tn=len(gold) - tp - fp - fn).as_dict())
    figures["n"] = len(gold)
    figures["positives"] = sum(gold)
    both = 0 < sum(gold) < len(gold)
    figures["auc"] = round(float(roc_auc_score(gold, scores)), 4) if both else None
    return figures


def _groups(rows: Sequence[Row]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {"all": list(range(len(rows)))}
    for i, row in enumerate(rows):
        groups.setdefault(f"lang={row.lang}", []).append(i)
        groups.setdefault(f"corpus={row.corpus}", []).append(i)
    return groups


def dev_report(model: SignalModel, rows: Sequence[Row], heads: Sequence[str]) -> dict[str, Any]:
    """Figures per head for all dev rows, per language and per corpus; printed and returned."""
    scored = [model.score(prepare(r.text).tokens) for r in rows]
    report: dict[str, Any] = {}
    print(f"\n{'head':<9} {'group':<26} {'n':>6} {'pos':>6} {'P':>6} {'R':>6} {'F1':>6} {'AUC':>6}")
    for head in heads:
        picked = [i for i, r in enumerate(rows) if r.label(head) is not None]
        subset = [rows[i] for i in picked]
        report[head] = {}
        for name, members in sorted(_groups(subset).items()):
            gold = [int(subset[i].label(head) or 0) for i in members]
            scores = [scored[picked[i]][head].probability for i in members]
            figures = report[head][name] = _metrics(gold, scores)
            auc = "-" if figures["auc"] is None else f"{figures['auc']:.3f}"
            print(f"{head:<9} {name:<26} {figures['n']:>6} {figures['positives']:>6} "
                  f"{figures['precision']:>6.3f} {figures['recall']:>6.3f} {figures['f1']:>6.3f} "
                  f"{auc:>6}")
    return report
