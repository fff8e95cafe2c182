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
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
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


class LazyClassifier:
    """A :class:`Classifier` built on first use, once: a run with nothing new to judge never
    builds the rules, the lexicons or the learned model (issue 14). A build that fails raises
    again at each use, so every run that needed it fails and is recorded."""

    def __init__(self, build: Callable[[], Classifier]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: Classifier | BaseException | None = None

    def get(self) -> Classifier:
        with self._lock:
            if self._built is None:
                try:
                    self._built = self._build()
                except Exception as exc:
                    self._built = exc
            if isinstance(self._built, BaseException):
                raise self._built
            return self._built


AnyClassifier = Classifier | LazyClassifier


def resolved(classifier: AnyClassifier | None) -> Classifier | None:
    """The classifier itself, built now if it is lazy."""
    return classifier.get() if isinstance(classifier, LazyClassifier) else classifier


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


def _classify_new(store: Store, mentions: Sequence[Mention], classifier: AnyClassifier | None,
                  now: datetime) -> Judged:
    """Verdicts of the mentions not stored yet, by key: a read, then no database at all. The
    classifier is built only when something is new."""
    if classifier is None or not mentions:
        return {}
    with store.reading() as conn:
        new = mention_store.unseen(conn, mentions)
    if not new:
        return {}
    classify = resolved(classifier).classify  # type: ignore[union-attr]
    stored = (mention_store.stored_form(m, now, store.keep_fields) for m in new)
    return {(m.source, m.external_id): classify(m) for m in stored}


def _verdicts_for(conn: Connection, ids: Sequence[int], judged: Judged,
                  classifier: Classifier) -> list[tuple[int, Verdict]]:
    """The verdict of each newly inserted mention; one stored by someone else between the read
    and this transaction (rare) is judged here."""
    keys = mention_store.keys_by_id(conn, ids)
    late = dict(mentions_by_id(conn, [i for i in ids if keys[i] not in judged]))
    return [(i, judged[keys[i]] if keys[i] in judged else classifier.classify(late[i]))
            for i in ids]


def store_result(store: Store, source: Source, result: FetchResult, *, started: datetime,
                 classifier: AnyClassifier | None, matcher: Matcher | None,
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
        _save_run(conn, source, result, started=started, now=now, fetched=len(mentions),
                  new=len(inserted.new_ids))
    return len(mentions), len(inserted.new_ids), flagged


def _save_run(conn: Connection, source: Source, result: FetchResult, *, started: datetime,
              now: datetime, fetched: int, new: int) -> None:
    """A successful run: its cursor and its run row (in the caller's transaction)."""
    state_store.save_success(conn, source.name, source.kind, cursor=result.new_cursor,
                             status=result.http_status, new=new, now=now)
    state_store.record_run(conn, state_store.RunRecord(
        connector=source.name, started_at=started, finished_at=now, ok=True,
        http_status=result.http_status, fetched=fetched, new=new, warnings=result.warnings))


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
                        classifier: AnyClassifier | None, max_age: timedelta | None,
                        now: datetime, judged: Judged | None = None) -> tuple[InsertResult, int]:
    """Store the new mentions and save their verdicts, inside the caller's transaction: the one
    way mentions come in (``collect`` and ``import``). ``judged`` holds verdicts made before the
    transaction (:func:`_classify_new`); any other new mention is classified here. Returns the
    insert result and how many of the new ones were flagged."""
    inserted = store.insert_new(mentions, conn=conn, max_age=max_age)
    built = resolved(classifier) if inserted.new_ids else None
    if built is None:
        return inserted, 0
    verdicts = _verdicts_for(conn, inserted.new_ids, judged or {}, built)
    save_verdicts(conn, verdicts, version=built.version, now=now)
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


@dataclass(frozen=True, slots=True)
class Fetched:
    """One connector's fetch, timed from the moment it started (not from when it was queued)."""

    source: Source
    result: FetchResult | BaseException
    started: datetime
    t0: float  # time.monotonic() when the fetch started
    seconds: float  # how long the fetch took

    @property
    def quiet(self) -> bool:
        """Nothing to store (a 304 or an empty page): only the cursor and the run are written."""
        return isinstance(self.result, FetchResult) and not self.result.mentions


def fetch_timed(source: Source, cursor: dict[str, str] | None) -> Fetched:
    started, t0 = datetime.now(UTC), time.monotonic()
    result = fetch_safely(source, cursor)
    return Fetched(source, result, started, t0, time.monotonic() - t0)


def _finish(store: Store, fetched: Fetched, classifier: AnyClassifier | None,
            matcher: Matcher | None, max_age: timedelta | None) -> CollectOutcome:
    source, result, started, t0 = fetched.source, fetched.result, fetched.started, fetched.t0
    try:
        if isinstance(result, BaseException):
            error = record_failure(store, source, result, started=started)
            status = result.status if isinstance(result, FetchError) else None
            return CollectOutcome(source.name, False, http_status=status, error=error,
                                  seconds=time.monotonic() - t0)
        kept, new, flagged = store_result(store, source, result, started=started,
                                          classifier=classifier, matcher=matcher, max_age=max_age)
    except StoreError as exc:
        return CollectOutcome(source.name, False, error=f"{source.name}: {exc}",
                              seconds=time.monotonic() - t0)
    except Exception as exc:  # e.g. a classifier bug: the transaction rolled back; say so
        return _failed_after_fetch(store, source, exc, started, t0)
    return CollectOutcome(source.name, True, fetched=kept, new=new,
                          flagged=flagged, http_status=result.http_status,
                          warnings=result.warnings, seconds=time.monotonic() - t0)


def _finish_quiet(store: Store, quiet: Sequence[Fetched]) -> list[CollectOutcome]:
    """The runs that brought nothing, recorded together in ONE transaction (issue 14): their
    cursors and run rows, nothing else."""
    if not quiet:
        return []
    now = datetime.now(UTC)
    runs = [(f, f.result) for f in quiet if isinstance(f.result, FetchResult)]
    try:
        with store.transaction() as conn:
            for f, result in runs:
                _save_run(conn, f.source, result, started=f.started, now=now, fetched=0, new=0)
    except StoreError as exc:
        return [CollectOutcome(f.source.name, False, error=f"{f.source.name}: {exc}",
                               seconds=f.seconds) for f, _ in runs]
    return [CollectOutcome(f.source.name, True, http_status=result.http_status,
                           warnings=result.warnings, seconds=f.seconds) for f, result in runs]


def _failed_after_fetch(store: Store, source: Source, exc: Exception, started: datetime,
                        t0: float) -> CollectOutcome:
    log.exception("%s: storing the fetched items failed; nothing was stored", source.name)
    try:
        error = record_failure(store, source, exc, started=started)
    except StoreError as store_exc:
        error = f"{source.name}: {exc}; and recording the failure failed: {store_exc}"
    return CollectOutcome(source.name, False, error=error, seconds=time.monotonic() - t0)


def collect(store: Store, source: Source, *, matcher: Matcher | None,
            classifier: AnyClassifier | None = None, force: bool = False,
            max_age: timedelta | None = None) -> CollectOutcome:
    """Collect one connector now (unless it is rate limited and ``force`` is false).
    ``matcher=None`` keeps every record the source returns (test doubles, benchmarks)."""
    return collect_many(store, [source], classifier=classifier, matcher=matcher, force=force,
                        max_ages={source.name: max_age} if max_age else None)[0]


def collect_many(store: Store, sources: Sequence[Source], *, matcher: Matcher | None,
                 classifier: AnyClassifier | None = None, force: bool = False, workers: int = 8,
                 on_done: Callable[[CollectOutcome], None] | None = None,
                 max_ages: Mapping[str, timedelta] | None = None) -> list[CollectOutcome]:
    """Fetch concurrently on a bounded pool; store each result in its own transaction as it
    arrives; the runs that brought nothing are recorded together at the end, in one transaction.

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
    def done(outcome: CollectOutcome) -> None:
        outcomes[outcome.name] = outcome
        log.info(outcome.summary())
        if on_done is not None:
            on_done(outcome)

    quiet: list[Fetched] = []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(runnable) or 1))) as pool:
        futures = [pool.submit(fetch_timed, s, _cursor_of(states.get(s.name))) for s in runnable]
        for future in as_completed(futures):  # store each as it comes, not in submit order
            fetched = future.result()
            if fetched.quiet:
                quiet.append(fetched)
            else:
                done(_finish(store, fetched, classifier, matcher,
                             (max_ages or {}).get(fetched.source.name)))
    for outcome in _finish_quiet(store, quiet):
        done(outcome)
    return [outcomes[s.name] for s in sources]
