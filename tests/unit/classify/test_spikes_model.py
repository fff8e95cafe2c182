"""Spike detection and the optional learned model."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.classify import classify
from monitor.classify.model import TrainedModel, adjust_severity, features
from monitor.classify.spikes import SpikeItem, detect_spikes
from monitor.classify.text import prepare
from monitor.config.classifier import SpikeSettings
from monitor.errors import InputError
from monitor.models import Severity

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def _baseline(days: int = 14, per_day: int = 6) -> list[SpikeItem]:
    return [SpikeItem(T0 + timedelta(days=d, hours=3 * i), f"gewoon bericht {d}", "rss")
            for d in range(days) for i in range(per_day)]


def test_spike_detected_with_terms_and_sources():
    hour = T0 + timedelta(days=14, hours=10)
    burst = [SpikeItem(hour + timedelta(minutes=i), f"ontruiming bij Curio Breda {i}",
                       "x" if i % 3 else "mastodon") for i in range(20)]
    events = detect_spikes(_baseline() + burst, since=hour, ignore_terms=["Curio"])
    assert len(events) == 1
    event = events[0]
    assert event.hour == hour and event.count == 20
    assert event.baseline == pytest.approx(6 / 24, rel=0.1)
    assert ("ontruiming", 20) in event.top_terms
    assert "curio" not in dict(event.top_terms)
    assert dict(event.sources) == {"x": 13, "mastodon": 7}
    assert len(event.mention_indexes) == 20
    assert event.reason("nl").startswith("piek: 20 vermeldingen in een uur")


def test_no_spike_below_min_count_or_without_history():
    hour = T0 + timedelta(days=14)
    small = [SpikeItem(hour, "x") for _ in range(4)]
    assert detect_spikes(_baseline() + small, SpikeSettings(min_count=5)) == ()
    assert detect_spikes([SpikeItem(T0, "a") for _ in range(50)]) == ()


def test_busy_baseline_raises_the_bar():
    hour = T0 + timedelta(days=14)
    busy = [SpikeItem(T0 + timedelta(hours=h), "x") for h in range(14 * 24) for _ in range(8)]
    burst = [SpikeItem(hour, "y") for _ in range(20)]
    assert detect_spikes(busy + burst, since=hour) == ()


def _toy_model() -> TrainedModel:
    return TrainedModel(terms={"brand": (2.0, 3.0), "open": (1.5, -2.0), "open dag": (2.0, -2.0)},
                        intercept=-0.5)


def test_model_prediction_and_round_trip():
    model = _toy_model()
    assert model.predict_proba(("brand",)) > 0.9
    assert model.predict_proba(("open", "dag")) < 0.1
    assert model.predict_proba(("onbekend",)) == pytest.approx(1 / (1 + math.exp(0.5)))
    again = TrainedModel.from_bytes(model.to_bytes())
    assert again.terms == model.terms and again.intercept == model.intercept


def test_model_bytes_are_checked():
    with pytest.raises(InputError):
        TrainedModel.from_bytes(b"not a model")
    import json
    import zlib
    bad = zlib.compress(json.dumps({"format": "signaleer-classifier-model", "version": 99,
                                    "terms": {}}).encode())
    with pytest.raises(InputError, match="unsupported version 99"):
        TrainedModel.from_bytes(bad)


def test_adjust_severity_one_step_and_protected_categories():
    kw = {"raise_at": 0.9, "lower_at": 0.1, "protect": ("crisis",)}
    assert adjust_severity(Severity.INFO, 0.95, (), **kw) is Severity.ATTENTION
    assert adjust_severity(Severity.ATTENTION, 0.95, (), **kw) is Severity.ATTENTION
    assert adjust_severity(Severity.ATTENTION, 0.05, ("complaint",), **kw) is Severity.INFO
    assert adjust_severity(Severity.ATTENTION, 0.05, ("crisis",), **kw) is Severity.ATTENTION
    assert adjust_severity(Severity.INFO, 0.5, (), **kw) is Severity.INFO


def test_model_reason_in_verdict(context, mention):
    model = TrainedModel(terms={"kantine": (1.0, 9.0)}, intercept=0.0)
    v = classify(mention("De kantine van Curio is dicht"), context.with_model(model))
    assert v.severity is Severity.INFO  # one step up from none, never more
    assert v.reasons == ("model: 1,00",)
    assert classify(mention("De kantine van Curio is dicht"), context).severity is Severity.NONE


def test_train_model_needs_enough_labels():
    from monitor.classify.training import LabelledExample, train_model
    with pytest.raises(InputError, match="at least 200"):
        train_model([LabelledExample("x", True)] * 10)


def test_train_model_learns():
    pytest.importorskip("sklearn")
    from monitor.classify.training import LabelledExample, train_model
    bad = [LabelledExample(f"rooster weer kapot bij curio dag {i}", True) for i in range(120)]
    good = [LabelledExample(f"open dag bij curio was gezellig {i}", False) for i in range(120)]
    model = train_model(bad + good)
    assert model.n_examples == 240
    assert model.predict_proba(("rooster", "weer", "kapot")) > 0.5
    assert model.predict_proba(("open", "dag", "gezellig")) < 0.5
    assert TrainedModel.from_bytes(model.to_bytes()).terms.keys() == model.terms.keys()


def test_model_counts_only_known_ngrams_exactly_as_the_features_do() -> None:
    """The fast path builds an n-gram only where a known one starts; it must count the same."""
    terms = {"rooster": (1.0, 0.5), "weer geen": (2.0, 1.2), "geen rooster": (1.5, 0.8),
             "curio": (0.5, -0.1), "niet goed": (1.0, 0.7), "kut": (2.0, 1.5)}
    model = TrainedModel(terms=terms, intercept=-1.0, ngram_max=2)
    lines = (Path(__file__).resolve().parents[2] / "data" / "eval_classifier.jsonl").read_text(
        encoding="utf-8").splitlines()
    for text in [json.loads(line)["text"] for line in lines] + ["weer geen rooster, weer geen"]:
        tokens = prepare(text).tokens
        assert model._known(tokens) == Counter(f for f in features(tokens, 2) if f in terms)
