"""Fit the learned model on M&C's triage labels and store it as the active model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.config import Settings
from monitor.errors import InputError
from monitor.store import Store


@dataclass(frozen=True, slots=True)
class TrainingReport:
    version: str
    labels: int
    attention: int
    metrics: dict[str, float]


def train_from_triage(store: Store, settings: Settings, *, min_labels: int | None = None
                      ) -> TrainingReport:
    """Train on every triaged mention (latest label wins); refuse below ``min_labels``."""
    from monitor.classify.training import LabelledExample, train_model
    from monitor.store.audit import current_actor, record
    from monitor.store.models import save_model
    from monitor.store.triage import labelled_examples

    needed = min_labels or settings.classifier.model.min_labels
    with store.reading() as conn:
        examples = [LabelledExample(text=text, attention=label == "attention", title=title)
                    for text, title, label, _cats in labelled_examples(conn)]
    if len(examples) < needed:
        raise InputError(f"the learned model needs at least {needed} triaged mentions; there are "
                         f"{len(examples)} (triage more with 'signaleer triage ID relevant|"
                         "not-relevant|handled')")
    model = train_model(examples, min_labels=needed)
    now = datetime.now(UTC)
    version = f"model-{now:%Y%m%d%H%M%S}"
    metrics = {k: float(v) for k, v in model.metrics.items()}
    with store.transaction() as conn:
        save_model(conn, version=version, blob=model.to_bytes(), labels=len(examples),
                   metrics=metrics, now=now)
        record(conn, actor=current_actor(), action="model-trained", target=version,
               details={"labels": len(examples)}, at=now)
    return TrainingReport(version, len(examples), sum(e.attention for e in examples), metrics)
