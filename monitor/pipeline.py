"""``collect``: fetch and classify outside any transaction, then store in ONE short transaction.

Per connector: ask the store (a read) which fetched mentions are new, and classify those in the
form they will be stored in, before any lock is taken: a slow or hostile post never holds the
write lock (issue 18.2). Then, in one transaction: insert new mentions (dedup by ``(connector name,
external_id)``) -> save their verdicts and flags -> save the cursor -> record the run. The cursor
is committed with the rows it covers, never ahead of them, so a crash anywhere loses nothing and
re-running duplicates nothing. A failing connector is recorded and never stops the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Protocol

from sqlalchemy import Connection

from monitor.errors import FetchError, StoreError
from monitor.matching import Matcher
from monitor.models import FetchResult, InsertResult, Mention, Verdict
from monitor.redaction import redact
from monitor.store import Store
from monitor.store import mentions as mention_store
from monitor.store import state as state_store
from monitor.store.verdicts import mentions_by_id, save_verdicts

log = logging.getLogger("monitor.pipeline")

Classify = Callable[[Mention], Verdict]


@dataclass(frozen=True, slots=True)
class Classifier:
    """A classify function and the version recorded with its verdicts."""

    classify: Classify
    version: str


@dataclass(frozen=True, slots=True)
class CollectOutcome:
    name: str
    ok: bool
    fetched: int = 0
    new: int = 0
    flagged: int = 0
    http_status: int | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    skipped: str | None = None  # why the run did not happen (e.g. rate limited until ...)
    seconds: float = 0.0

    def summary(self) -> str:
        """The one log line per run."""
        if self.skipped:
            return f"{self.name}: skipped ({self.skipped})"
        if not self.ok:
            return redact(f"{self.name}: FAILED after {self.seconds:.1f}s: {self.error}")
        status = f", HTTP {self.http_status}" if self.http_status else ""
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return (f"{self.name}: ok, fetched {self.fetched}, new {self.new}, flagged {self.flagged}"
                f"{status}{warn} in {self.seconds:.1f}s")


class Source(Protocol):
    """What the pipeline needs of a connector (see ``connectors.base.Connector``).

    ``require_match``: keep only the records that name the institution (false for a source that
    already searched for it, such as a Google News query). The pipeline decides; the connector
    returns every record it fetched."""

    name: str
    kind: ClassVar[str]
    require_match: bool

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult: ...


def stamp(mention: Mention, source: Source) -> Mention:
    """Key the mention by the connector's configured name; keep its kind beside it for display.

    A connector may put its kind (``rss``, or ``youtube`` for the YouTube preset) in
    ``Mention.source``; that label becomes the kind. Two connectors never share a key space.
    """
    if mention.source == source.name and mention.kind:
        return mention
    label = mention.source if mention.source and mention.source != source.name else None
    return replace(mention, source=source.name, kind=mention.kind or label or source.kind)


def relevant(mentions: Iterable[Mention], matcher: Matcher | None, source: Source
             ) -> list[Mention]:
    """Match once: stamp each record with its connector, record which alias matched (for
    highlighting), and drop the ones that name no alias when the source ``require_match``.
    Without a matcher (tests, ``import``) every record is kept as it is."""
    out = []
    for m in mentions:
        m = stamp(m, source)
        found = matcher.match(f"{m.title or ''}\n{m.text}") if matcher is not None else None
        if found is not None:
            m = replace(m, extra={**(m.extra or {}), "matched_alias": found.alias})
        elif matcher is not None and source.require_match:
            continue
        out.append(m)
    return out


Judged = dict[tuple[str, str], Verdict]


def _classify_new(store: Store, mentions: Sequence[Mention], classifier: Classifier | None,
                  now: datetime) -> Judged:
    """Verdicts of the mentions not stored yet, by key: a read, then no database at all."""
    if classifier is None or not mentions:
        return {}
    with store.reading() as conn:
        new = mention_store.unseen(conn, mentions)
    stored = (mention_store.stored_form(m, now, store.keep_fields) for m in new)
    return {(m.source, m.external_id): classifier.classify(m) for m in stored}


def _verdicts_for(conn: Connection, ids: Sequence[int], judged: Judged,
                  classifier: Classifier) -> list[tuple[int, Verdict]]:
    """The verdict of each newly inserted mention; one stored by someone else between the read
    and this transaction (rare) is judged here."""
    keys = mention_store.keys_by_id(conn, ids)
    late = dict(mentions_by_id(conn, [i for i in ids if keys[i] not in judged]))
    return [(i, judged[keys[i]] if keys[i] in judged else classifier.classify(late[i]))
            for i in ids]


def store_result(store: Store, source: Source, result: FetchResult, *, started: datetime,
                 classifier: Classifier | None, matcher: Matcher | None,
                 max_age: timedelta | None = None) -> tuple[int, int, int]:
    """Match, classify the new mentions, then the one transaction. Returns ``(kept, new,
    flagged)``: the records that name the institution (all, without ``require_match``), the new
    ones among them and the flagged ones. Items older than ``max_age`` are stored stale:
    searchable, never alerted or listed as new."""
    now = datetime.now(UTC)
    mentions = relevant(result.mentions, matcher, source)
    judged = _classify_new(store, mentions, classifier, now)
    with store.transaction() as conn:
        inserted, flagged = insert_and_classify(store, conn, mentions, classifier=classifier,
                                                max_age=max_age, now=now, judged=judged)
        state_store.save_success(conn, source.name, source.kind, cursor=result.new_cursor,
                                 status=result.http_status, new=len(inserted.new_ids), now=now)
        state_store.record_run(conn, state_store.RunRecord(
            connector=source.name, started_at=started, finished_at=now, ok=True,
            http_status=result.http_status, fetched=len(mentions), new=len(inserted.new_ids),
            warnings=result.warnings))
    return len(mentions), len(inserted.new_ids), flagged


@dataclass(frozen=True, slots=True)
class Unbuilt:
    """A configured connector that failed before it could fetch (its set-up raised)."""

    name: str
    kind: str


def failed_before_fetch(store: Store, name: str, kind: str, exc: BaseException) -> CollectOutcome:
    """Record a run that failed before it fetched (bad options, a classifier that cannot be
    built): it counts as a failed run, so status, sources and the digest's health show it."""
    started = datetime.now(UTC)
    try:
        error = record_failure(store, Unbuilt(name, kind), exc, started=started)  # type: ignore[arg-type]
    except StoreError as store_exc:
        error = f"{name}: {exc}; and recording the failure failed: {store_exc}"
    outcome = CollectOutcome(name, False, error=error)
    log.info(outcome.summary())
    return outcome


def insert_and_classify(store: Store, conn: Connection, mentions: Iterable[Mention], *,
                        classifier: Classifier | None, max_age: timedelta | None,
                        now: datetime, judged: Judged | None = None) -> tuple[InsertResult, int]:
    """Store the new mentions and save their verdicts, inside the caller's transaction: the one
    way mentions come in (``collect`` and ``import``). ``judged`` holds verdicts made before the
    transaction (:func:`_classify_new`); any other new mention is classified here. Returns the
    insert result and how many of the new ones were flagged."""
    inserted = store.insert_new(mentions, conn=conn, max_age=max_age)
    if classifier is None or not inserted.new_ids:
        return inserted, 0
    verdicts = _verdicts_for(conn, inserted.new_ids, judged or {}, classifier)
    save_verdicts(conn, verdicts, version=classifier.version, now=now)
    return inserted, sum(1 for _, v in verdicts if v.flagged)


def record_failure(store: Store, source: Source, exc: BaseException, *, started: datetime) -> str:
    """Count a failed run; the cursor stays where it was. Returns the error line."""
    now = datetime.now(UTC)
    status = exc.status if isinstance(exc, FetchError) else None
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    if isinstance(exc, FetchError) and f"{source.name}:" in str(exc):
        message = str(exc)  # connectors already say which source and request
    else:
        message = f"{source.kind}:{source.name}: {type(exc).__name__}: {exc}"
    message = redact(message)  # a server may echo a token back in its error
    not_before = now + timedelta(seconds=retry_after) if retry_after else None
    with store.transaction() as conn:
        state_store.save_failure(conn, source.name, source.kind, status=status, error=message,
                                 not_before=not_before, now=now)
        state_store.record_run(conn, state_store.RunRecord(
            connector=source.name, started_at=started, finished_at=now, ok=False,
            http_status=status, error=message))
    return message


def _states(store: Store) -> dict[str, state_store.SourceHealth]:
    with store.reading() as conn:
        return {s.name: s for s in state_store.all_states(conn)}


def _cursor_of(current: state_store.SourceHealth | None) -> dict[str, str] | None:
    return dict(current.cursor) if current and current.cursor else None


def fetch_safely(source: Source, cursor: dict[str, str] | None) -> FetchResult | BaseException:
    """Run ``fetch``; the one broad ``except`` per connector run lives here."""
    try:
        return source.fetch(cursor)
    except Exception as exc:  # isolate every connector from every other
        return exc


def _finish(store: Store, source: Source, fetched: FetchResult | BaseException, started: datetime,
            t0: float, classifier: Classifier | None, matcher: Matcher | None,
            max_age: timedelta | None) -> CollectOutcome:
    try:
        if isinstance(fetched, BaseException):
            error = record_failure(store, source, fetched, started=started)
            status = fetched.status if isinstance(fetched, FetchError) else None
            return CollectOutcome(source.name, False, http_status=status, error=error,
                                  seconds=time.monotonic() - t0)
        kept, new, flagged = store_result(store, source, fetched, started=started,
                                          classifier=classifier, matcher=matcher, max_age=max_age)
    except StoreError as exc:
        return CollectOutcome(source.name, False, error=f"{source.name}: {exc}",
                              seconds=time.monotonic() - t0)
    except Exception as exc:  # e.g. a classifier bug: the transaction rolled back; say so
        return _failed_after_fetch(store, source, exc, started, t0)
    return CollectOutcome(source.name, True, fetched=kept, new=new,
                          flagged=flagged, http_status=fetched.http_status,
                          warnings=fetched.warnings, seconds=time.monotonic() - t0)


def _failed_after_fetch(store: Store, source: Source, exc: Exception, started: datetime,
                        t0: float) -> CollectOutcome:
    log.exception("%s: storing the fetched items failed; nothing was stored", source.name)
    try:
        error = record_failure(store, source, exc, started=started)
    except StoreError as store_exc:
        error = f"{source.name}: {exc}; and recording the failure failed: {store_exc}"
    return CollectOutcome(source.name, False, error=error, seconds=time.monotonic() - t0)


def collect(store: Store, source: Source, *, matcher: Matcher | None,
            classifier: Classifier | None = None, force: bool = False,
            max_age: timedelta | None = None) -> CollectOutcome:
    """Collect one connector now (unless it is rate limited and ``force`` is false).
    ``matcher=None`` keeps every record the source returns (test doubles, benchmarks)."""
    return collect_many(store, [source], classifier=classifier, matcher=matcher, force=force,
                        max_ages={source.name: max_age} if max_age else None)[0]


def collect_many(store: Store, sources: Sequence[Source], *, matcher: Matcher | None,
                 classifier: Classifier | None = None, force: bool = False, workers: int = 8,
                 on_done: Callable[[CollectOutcome], None] | None = None,
                 max_ages: Mapping[str, timedelta] | None = None) -> list[CollectOutcome]:
    """Fetch concurrently on a bounded pool; store each result in its own transaction, in turn.

    ``max_ages``: per connector name, the age beyond which a new item is stored stale (the
    application passes every connector's configured ``max_age``)."""
    now = datetime.now(UTC)
    states = _states(store)
    outcomes: dict[str, CollectOutcome] = {}
    runnable: list[Source] = []
    for source in sources:
        current = states.get(source.name)
        blocked = current.not_before if current and current.not_before else None
        if blocked and blocked > now and not force:
            outcomes[source.name] = CollectOutcome(source.name, True,
                                                   skipped=f"rate limited until {blocked:%H:%M} UTC")
        else:
            runnable.append(source)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(runnable) or 1))) as pool:
        futures: list[tuple[Source, Future[FetchResult | BaseException], float]] = [
            (s, pool.submit(fetch_safely, s, _cursor_of(states.get(s.name))), time.monotonic())
            for s in runnable]
        for source, future, t0 in futures:
            outcome = _finish(store, source, future.result(), now, t0, classifier, matcher,
                              (max_ages or {}).get(source.name))
            outcomes[source.name] = outcome
            log.info(outcome.summary())
            if on_done is not None:
                on_done(outcome)
    return [outcomes[s.name] for s in sources]
