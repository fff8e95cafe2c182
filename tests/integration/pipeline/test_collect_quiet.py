"""Issue 14: an unchanged run costs almost nothing, and the fetch pool is never held up by the
order in which sources were submitted. In-process sources, both databases; nothing is timed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import event, select

from monitor.db import connector_runs
from monitor.models import FetchResult, Mention, Severity, Verdict
from monitor.pipeline import Classifier, LazyClassifier, collect_many
from monitor.store import Store
from tests.factories import mention


@dataclass
class Source:
    name: str
    items: list[Mention] = field(default_factory=list)
    before: Callable[[], None] | None = None  # runs at the start of each fetch
    returned_at: list[datetime] = field(default_factory=list)
    kind: ClassVar[str] = "fake"
    require_match: ClassVar[bool] = False

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        if self.before is not None:
            self.before()
        self.returned_at.append(datetime.now(UTC))
        if cursor:  # like a 304: nothing new, the cursor stays
            return FetchResult((), dict(cursor), http_status=304)
        return FetchResult(tuple(self.items), {"etag": "v1"}, http_status=200)


@dataclass
class Builds:
    count: int = 0

    def build(self) -> Classifier:
        self.count += 1
        return Classifier(lambda m: Verdict(Severity.NONE, 0.0), "counted")


def commits(store: Store) -> list[int]:
    seen: list[int] = []
    event.listen(store.engine, "commit", lambda conn: seen.append(1))
    return seen


def test_an_unchanged_run_builds_no_classifier_and_writes_in_one_transaction(store: Store) -> None:
    sources = [Source(f"feed-{i}", [mention(10 * i + 1), mention(10 * i + 2)]) for i in range(4)]
    builds = Builds()
    first = collect_many(store, sources, matcher=None, classifier=LazyClassifier(builds.build))
    assert [o.new for o in first] == [2, 2, 2, 2] and builds.count == 1  # built once, for all
    again = Builds()
    written = commits(store)
    second = collect_many(store, sources, matcher=None, classifier=LazyClassifier(again.build))
    assert all(o.ok and o.new == 0 and o.http_status == 304 for o in second)
    assert again.count == 0
    assert len(written) == 1  # the four cursors and run rows together
    with store.reading() as conn:
        runs = conn.execute(select(connector_runs.c.connector, connector_runs.c.http_status)).all()
    assert sorted(r for r in runs if r.http_status == 304) == [(s.name, 304) for s in sources]


def test_a_classifier_that_cannot_be_built_fails_only_the_runs_with_something_new(
        store: Store) -> None:
    def broken() -> Classifier:
        raise ValueError("model will not load")

    quiet = Source("stil")
    collect_many(store, [quiet], matcher=None)  # now it has a cursor: the next fetch brings nothing
    busy = Source("druk", [mention(1)])
    outcomes = collect_many(store, [quiet, busy], matcher=None, classifier=LazyClassifier(broken))
    assert outcomes[0].ok and not outcomes[1].ok and "model will not load" in outcomes[1].error


def test_results_are_stored_as_they_arrive_not_in_submit_order(store: Store) -> None:
    fast = Source("snel", [mention(1)])
    stored = threading.Event()

    def wait_for_fast() -> None:  # the first submitted source finishes only after "snel" is stored
        for _ in range(200):
            with store.reading() as conn:
                if conn.execute(select(connector_runs.c.id)
                                .where(connector_runs.c.connector == "snel")).first():
                    stored.set()
                    return
            threading.Event().wait(0.05)

    slow = Source("traag", [mention(2)], before=wait_for_fast)
    outcomes = collect_many(store, [slow, fast], matcher=None, workers=2)
    assert stored.is_set() and all(o.ok for o in outcomes)


def test_a_runs_start_is_when_its_fetch_started_not_when_it_was_queued(store: Store) -> None:
    first, second = Source("een", [mention(1)]), Source("twee", [mention(2)])
    collect_many(store, [first, second], matcher=None, workers=1)
    with store.reading() as conn:
        started = dict(conn.execute(select(connector_runs.c.connector,
                                           connector_runs.c.started_at)).all())
    assert started["twee"] >= first.returned_at[0]
