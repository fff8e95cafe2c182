"""The attention classifier: ``classify(mention, context) -> Verdict``, pure and offline.

Build a :class:`ClassifierContext` once (``ClassifierContext.from_settings(settings)``), then
call :func:`classify` for each mention. Spike detection over many mentions lives in
:mod:`monitor.classify.spikes`; the optional learned model in :mod:`monitor.classify.model`
(apply) and :mod:`monitor.classify.training` (train, needs scikit-learn); the shipped learned
signal (word and character n-grams, trained on public text) in :mod:`monitor.classify.learned`.
"""

from __future__ import annotations

from monitor.classify.context import ClassifierContext
from monitor.classify.engine import classify
from monitor.config.classifier import (
    ATTENTION_CATEGORIES,
    CATEGORIES,
    ClassifierSettings,
    SeverityRule,
)

__all__ = [
    "ATTENTION_CATEGORIES",
    "CATEGORIES",
    "ClassifierContext",
    "ClassifierSettings",
    "SeverityRule",
    "classify",
]
