"""Train the optional model from triage labels (needs scikit-learn: ``pip install signaleer[ml]``).

Pure: examples in, :class:`TrainedModel` out. Storage and the CLI decide where labels come from
and where the model's bytes are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.classify.model import TrainedModel, features
from monitor.classify.text import prepare
from monitor.errors import InputError

MIN_LABELS = 200


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One triaged mention: its text and whether it needed attention."""

    text: str
    attention: bool
    title: str | None = None


def _check(examples: Sequence[LabelledExample], min_labels: int) -> None:
    if len(examples) < min_labels:
        raise InputError(f"need at least {min_labels} labelled mentions to train, "
                         f"have {len(examples)}")
    positives = sum(1 for e in examples if e.attention)
    if positives == 0 or positives == len(examples):
        raise InputError("need labelled mentions of both kinds (attention and not) to train")


def _import_sklearn() -> tuple[type, type]:
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise InputError("training needs scikit-learn: pip install 'signaleer[ml]'") from None
    return TfidfVectorizer, LogisticRegression


def train_model(
    examples: Sequence[LabelledExample], *, min_labels: int = MIN_LABELS, ngram_max: int = 2,
    max_features: int = 20_000,
) -> TrainedModel:
    """Fit TF-IDF (word 1-2 grams, sublinear tf) + balanced logistic regression."""
    _check(examples, min_labels)
    vectorizer_cls, regression_cls = _import_sklearn()
    token_lists = [prepare(e.text, e.title).tokens for e in examples]
    vectorizer = vectorizer_cls(analyzer=lambda toks: features(toks, ngram_max),
                                sublinear_tf=True, min_df=2, max_features=max_features)
    matrix = vectorizer.fit_transform(token_lists)
    labels = [1 if e.attention else 0 for e in examples]
    regression = regression_cls(C=4.0, class_weight="balanced", max_iter=1000)
    regression.fit(matrix, labels)
    coef = regression.coef_[0]
    idf = vectorizer.idf_
    terms = {term: (float(idf[i]), float(coef[i]))
             for term, i in vectorizer.vocabulary_.items() if abs(coef[i]) > 1e-4}
    return TrainedModel(
        terms=terms, intercept=float(regression.intercept_[0]), ngram_max=ngram_max,
        n_examples=len(examples), trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        metrics={"train_accuracy": float(regression.score(matrix, labels))},
    )
