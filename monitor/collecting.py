"""One collect pass over the chosen connectors: the shared job of ``collect`` and the daemon."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from monitor.config import ConnectorSettings, Settings
from monitor.hooks import run_after_collect
from monitor.pipeline import CollectOutcome, collect_many, failed_before_fetch
from monitor.runtime import (
    build_classifier,
    build_matcher,
    build_sources,
    max_ages,
    select_connectors,
)
from monitor.store import Store

log = logging.getLogger("monitor.collect")


def run_collect(settings: Settings, store: Store, names: Sequence[str] = (), *, all_: bool = True,
                force: bool = False, on_done: Callable[[CollectOutcome], None] | None = None
                ) -> list[CollectOutcome]:
    """Collect, classify and store; then run the after-collect hooks (``monitor/hooks.py``).
    Returns every outcome."""
    chosen = select_connectors(settings, names, all_=all_)
    try:
        classifier, matcher = build_classifier(settings, store), build_matcher(settings)
    except Exception as exc:  # e.g. a stored model that will not load: every run fails, recorded
        return _report([_failed(store, c, exc, on_done) for c in chosen])
    failed, sources = [], []
    for conf in chosen:
        try:
            sources.extend(build_sources(settings, [conf]))
        except Exception as exc:  # bad options, a broken plug-in: this run fails, recorded
            failed.append(_failed(store, conf, exc, on_done))
    outcomes = collect_many(store, sources, classifier=classifier, matcher=matcher, force=force,
                            on_done=on_done, max_ages=max_ages(settings))
    run_after_collect(settings, store)
    by_name = {o.name: o for o in (*failed, *outcomes)}
    return _report([by_name[c.name] for c in chosen])


def _failed(store: Store, conf: ConnectorSettings, exc: Exception,
            on_done: Callable[[CollectOutcome], None] | None) -> CollectOutcome:
    outcome = failed_before_fetch(store, conf.name, conf.kind, exc)
    if on_done is not None:
        on_done(outcome)
    return outcome


def _report(outcomes: list[CollectOutcome]) -> list[CollectOutcome]:
    ok = sum(1 for o in outcomes if o.ok)
    log.info("collect: %d/%d connectors ok, %d new, %d flagged", ok, len(outcomes),
             sum(o.new for o in outcomes), sum(o.flagged for o in outcomes))
    return outcomes
