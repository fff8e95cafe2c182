"""Classification runs outside the write transaction (issue 18.2): collect and reclassify.

A hostile post made the classifier take minutes while ``collect`` held SQLite's write lock, and a
harmless 200-item feed held it for 37-41 s: ``triage`` and ``import`` failed with "database is
locked". Here the classifier is slow on purpose (it waits until the triage has been tried), and a
triage from another thread, on its own connection, must go through while collect runs.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from monitor.errors import StoreError
from monitor.models import FetchResult, Mention, Severity, Verdict
from monitor.pipeline import Classifier, collect
from monitor.reclassify import reclassify
from monitor.store import Store
from monitor.store.reading import get_mention, triage_history
from monitor.store.triage import add_triage
from tests.factories import mention


@dataclass
class Feed:
    name: str
    items: list[Mention]
    kind: ClassVar[str] = "rss"

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        return FetchResult(tuple(self.items), {"since_id": str(len(self.items))}, http_status=200)


def _triage_meanwhile(url: str, mention_id: int, status: str, classifying: threading.Event,
                      tried: threading.Event, errors: list[str]) -> threading.Thread:
    """A started thread that, once classifying has begun, triages ``mention_id`` on a
    connection of its own, records any store error, and then lets the classifier go on."""

    def triage() -> None:
        classifying.wait(60)
        other = Store.open(url, upgrade=False)
        try:
            with other.transaction() as conn:
                add_triage(conn, mention_id, status, actor="mc", note=None, at=datetime.now(UTC))
        except StoreError as exc:
            errors.append(str(exc))
        finally:
            tried.set()
            other.close()

    worker = threading.Thread(target=triage)
    worker.start()
    return worker


def test_triage_succeeds_while_collect_classifies_slowly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    store = Store.open(url)
    [handled_id] = store.insert_new([mention(1)]).new_ids
    classifying, tried = threading.Event(), threading.Event()
    errors: list[str] = []

    def slow(m: Mention) -> Verdict:
        classifying.set()
        tried.wait(60)  # busy until the triage below has been tried (or given up: 30 s)
        return Verdict(Severity.ATTENTION, 0.7, ("complaint",), ("klacht",))

    worker = _triage_meanwhile(url, handled_id, "handled", classifying, tried, errors)
    outcome = collect(store, Feed("nieuws", [mention(2), mention(3)]), matcher=None,
                      classifier=Classifier(slow, "slow-1"))
    worker.join()
    assert errors == []
    assert outcome.ok and outcome.new == 2 and outcome.flagged == 2
    with store.reading() as conn:
        assert [t.status for t in triage_history(conn, handled_id)] == ["handled"]
        stored = get_mention(conn, handled_id + 1)
    assert stored is not None and stored.verdict is not None
    assert stored.verdict.severity is Severity.ATTENTION
    store.close()


def test_triage_succeeds_while_reclassify_runs_slowly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reclassify.db'}"
    store = Store.open(url)
    ids = store.insert_new([mention(1), mention(2)]).new_ids
    classifying, tried = threading.Event(), threading.Event()
    errors: list[str] = []

    def slow(m: Mention) -> Verdict:
        classifying.set()
        tried.wait(60)
        return Verdict(Severity.INFO, 0.3, ("praise",), ("lof",))

    worker = _triage_meanwhile(url, ids[0], "relevant", classifying, tried, errors)
    assert reclassify(store, Classifier(slow, "slow-2")) == 2
    worker.join()
    assert errors == []
    with store.reading() as conn:
        stored = [get_mention(conn, i) for i in ids]
    assert all(s is not None and s.verdict and s.verdict.severity is Severity.INFO for s in stored)
    store.close()


def test_the_classifier_judges_the_text_as_stored(tmp_path: Path) -> None:
    """Classified before the insert, a mention is still judged in its stored form (cleaned)."""
    store = Store.open(f"sqlite:///{tmp_path / 'form.db'}")
    seen: list[str] = []

    def remember(m: Mention) -> Verdict:
        seen.append(m.text)
        return Verdict(Severity.NONE, 0.0)

    collect(store, Feed("nieuws", [mention(1, text="Curio\x00 mbo")]), matcher=None,
            classifier=Classifier(remember, "t"))
    assert seen == ["Curio mbo"]
    store.close()
