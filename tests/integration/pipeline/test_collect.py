"""The collect transaction on both databases, with in-process sources (no network here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import func, select

from monitor.db import connector_runs, flags, mentions, verdicts
from monitor.errors import RetriableFetchError
from monitor.matching import Matcher
from monitor.models import FetchResult, Mention, Severity, Verdict
from monitor.pipeline import Classifier, collect, collect_many
from monitor.store import Store
from monitor.store.state import get_state
from tests.factories import mention


@dataclass
class FakeSource:
    name: str
    items: list[Mention]
    fail: Exception | None = None
    seen_cursors: list = field(default_factory=list)
    require_match: bool = True
    kind: ClassVar[str] = "fake"

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        self.seen_cursors.append(cursor)
        if self.fail:
            raise self.fail
        last = str(len(self.items))
        return FetchResult(tuple(self.items), {"since_id": last}, http_status=200)


def flag_crisis(m: Mention) -> Verdict:
    if "brand" in m.text:
        return Verdict(Severity.URGENT, 0.9, ("crisis",), ("crisiswoord 'brand'",))
    return Verdict(Severity.NONE, 0.0)


CLASSIFIER = Classifier(flag_crisis, "test-1")


def count(store: Store, table) -> int:
    with store.reading() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_collect_stores_classifies_and_saves_cursor(store: Store) -> None:
    items = [mention(1), mention(2, text="Grote brand bij Curio Breda, school ontruimd")]
    source = FakeSource("nieuws", items)
    outcome = collect(store, source, matcher=None, classifier=CLASSIFIER)
    assert outcome.ok and outcome.new == 2 and outcome.flagged == 1
    assert "nieuws: ok, fetched 2, new 2, flagged 1" in outcome.summary()
    assert count(store, verdicts) == 2 and count(store, flags) == 1
    with store.reading() as conn:
        state = get_state(conn, "nieuws")
    assert state and state.cursor == {"since_id": "2"} and state.consecutive_failures == 0
    again = collect(store, source, matcher=None, classifier=CLASSIFIER)
    assert again.new == 0 and source.seen_cursors[-1] == {"since_id": "2"}
    assert count(store, mentions) == 2


def test_one_failing_source_does_not_stop_the_others(store: Store) -> None:
    bad = FakeSource("kapot", [], fail=RetriableFetchError("rss:kapot: GET https://x -> 503",
                                                          status=503))
    good = FakeSource("goed", [mention(1)])
    crash = FakeSource("bug", [], fail=ZeroDivisionError("oops"))
    outcomes = collect_many(store, [bad, good, crash], matcher=None)
    assert [o.ok for o in outcomes] == [False, True, False]
    assert outcomes[0].error == "rss:kapot: GET https://x -> 503" and outcomes[0].http_status == 503
    assert "fake:bug: ZeroDivisionError: oops" in (outcomes[2].error or "")
    with store.reading() as conn:
        state = get_state(conn, "kapot")
    assert state and state.consecutive_failures == 1 and state.last_status == 503
    assert count(store, connector_runs) == 3


def test_rate_limited_source_is_skipped_until_reset(store: Store) -> None:
    limited = FakeSource("x", [], fail=RetriableFetchError("x: 429", status=429, retry_after=900))
    collect(store, limited, matcher=None)
    limited.fail = None
    skipped = collect(store, limited, matcher=None)
    assert skipped.skipped and "rate limited until" in skipped.summary()
    assert collect(store, limited, matcher=None, force=True).ok


def test_failure_inside_the_transaction_stores_nothing(store: Store) -> None:
    def broken(m: Mention) -> Verdict:
        raise RuntimeError("classifier bug")

    source = FakeSource("nieuws", [mention(1), mention(2)])
    outcome = collect(store, source, matcher=None, classifier=Classifier(broken, "x"))
    assert not outcome.ok and "classifier bug" in (outcome.error or "")
    assert count(store, mentions) == 0
    with store.reading() as conn:
        state = get_state(conn, "nieuws")
    assert state and state.cursor is None and state.consecutive_failures == 1
    assert collect(store, source, matcher=None, classifier=CLASSIFIER).new == 2


def test_the_pipeline_matches_once_and_keeps_what_names_us(store: Store) -> None:
    """Connectors return every record; the pipeline drops the ones that name no alias (when the
    source requires a match) and records the alias it found, for highlighting."""
    items = [mention(1, text="Open dag bij ROC West-Brabant"), mention(2, text="Files op de A58"),
             mention(3, text="Verkeer in Breda")]
    matcher = Matcher(aliases=("ROC West-Brabant",))
    outcome = collect(store, FakeSource("nieuws", items), matcher=matcher)
    assert (outcome.fetched, outcome.new) == (1, 1)
    with store.reading() as conn:
        rows = conn.execute(select(mentions.c.external_id, mentions.c.matched_alias)).all()
    assert [tuple(r) for r in rows] == [(items[0].external_id, "ROC West-Brabant")]
    every = collect(store, FakeSource("zoek", items, require_match=False), matcher=matcher)
    assert (every.fetched, every.new) == (3, 3)
