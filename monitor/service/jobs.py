"""The three jobs, shared by the daemon and the one-shot commands, and the daemon's schedule.

* ``collect:<name>`` — one per enabled connector, every ``every`` seconds (+ ``jitter``): the same
  ``run_collect`` as ``signaleer collect``.
* ``digest`` at ``[digest] time`` in the institution's time zone, and ``digest-retry`` every
  ``DIGEST_RETRY_SECONDS`` (first a few seconds after start-up, which also catches up a digest
  missed while the daemon was down): ``send_due(..., if_due=True)``, the same as
  ``signaleer digest send --if-due``. Sending is idempotent: a sent digest is never sent again.
* ``retention`` daily at ``RETENTION_TIME``: the same as ``signaleer retention apply``.

The collect, digest and retention engines are required parts, imported with this module: a broken
installation fails at start-up with an error instead of skipping a job in silence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.collecting import run_collect
from monitor.config import Settings, next_collect_at
from monitor.digest.delivery import send_due
from monitor.digest.weekly_delivery import send_weekly_due
from monitor.privacy.retention import apply_retention
from monitor.store import Store, health
from monitor.store.search import compact_index

log = logging.getLogger("monitor.service")

MISFIRE_GRACE_SECONDS = 300
DIGEST_RETRY_SECONDS = 600
DIGEST_CATCHUP_SECONDS = 5
RETENTION_TIME = (3, 15)  # local time; jittered by up to RETENTION_JITTER seconds
RETENTION_JITTER = 600
START_STAGGER_SECONDS = 2


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One scheduled job: what runs, when it first runs, and its APScheduler trigger."""

    id: str
    kind: str  # collect | digest | retention
    trigger: Any
    first_run: datetime | None = None
    connector: str | None = None


@dataclass(frozen=True, slots=True)
class JobResult:
    ok: bool
    summary: str


def build_jobs(settings: Settings, now: datetime,
               last_runs: Mapping[str, datetime] | None = None) -> list[JobSpec]:
    """The daemon's schedule for ``settings``. ``last_runs``: connector -> last run start."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    last_runs = last_runs or {}
    tz = settings.institution.tz
    jobs = []
    for i, conn in enumerate(c for c in settings.connectors if c.enabled):
        first = next_collect_at(last_runs.get(conn.name), conn.every, now)
        first = max(first, now + timedelta(seconds=min(i * 0.2, START_STAGGER_SECONDS)))
        trigger = IntervalTrigger(seconds=conn.every, jitter=conn.jitter or None, timezone=UTC)
        jobs.append(JobSpec(f"collect:{conn.name}", "collect", trigger, first, conn.name))
    hour, minute = (int(p) for p in settings.digest.time.split(":"))
    jobs.append(JobSpec("digest", "digest", CronTrigger(hour=hour, minute=minute, timezone=tz)))
    jobs.append(JobSpec("digest-retry", "digest",
                        IntervalTrigger(seconds=DIGEST_RETRY_SECONDS, timezone=UTC),
                        now + timedelta(seconds=DIGEST_CATCHUP_SECONDS)))
    jobs.append(JobSpec("retention", "retention",
                        CronTrigger(hour=RETENTION_TIME[0], minute=RETENTION_TIME[1], timezone=tz,
                                    jitter=RETENTION_JITTER)))
    return jobs


def last_run_times(store: Store) -> dict[str, datetime]:
    """The start of each connector's latest run, from ``connector_runs``."""
    with store.reading() as conn:
        return health.last_run_times(conn)


# ----------------------------------------------------------------------------- the jobs


def collect_job(settings: Settings, store: Store, name: str) -> JobResult:
    outcomes = run_collect(settings, store, [name], all_=False)
    return JobResult(all(o.ok for o in outcomes), "; ".join(o.summary() for o in outcomes))


def digest_job(settings: Settings, store: Store, now: datetime | None = None) -> JobResult:
    """``send_due(..., if_due=True)`` from the digest module, then the weekly overview if due."""
    now = now or datetime.now(UTC)
    report = send_due(store, settings, now, if_due=True)
    parts = [f"{o.digest_date} {o.status}" + (f" ({o.error})" if o.error else "")
             for o in report.outcomes]
    weekly = send_weekly_due(store, settings, now)
    if weekly is not None:
        parts.append(f"weekly {weekly.week_start} {weekly.status}"
                     + (f" ({weekly.error})" if weekly.error else ""))
    ok = bool(report.ok) and (weekly is None or weekly.status not in ("pending", "failed"))
    return JobResult(ok, "digest: " + (", ".join(parts) or "nothing due"))


def retention_job(settings: Settings, store: Store, now: datetime | None = None, *,
                  dry_run: bool = False, actor: str | None = None) -> JobResult:
    """``apply_retention`` from the privacy module."""
    result = apply_retention(store, settings, now or datetime.now(UTC), dry_run=dry_run,
                             actor=actor)
    summary = getattr(result, "summary", None)
    text = summary() if callable(summary) else str(result)
    if not dry_run:
        tidy_search_index(store)
    return JobResult(bool(getattr(result, "ok", True)), f"retention: {text}")


def tidy_search_index(store: Store) -> None:
    """Daily upkeep: some incremental merging of SQLite's full-text index (collected rows never
    pass through the importer, which merges after bulk loads). Cheap; a no-op on PostgreSQL."""
    with store.transaction() as conn:
        compact_index(conn, 500)


def run_job(spec: JobSpec, settings: Settings, store: Store) -> JobResult:
    if spec.kind == "collect":
        assert spec.connector is not None
        return collect_job(settings, store, spec.connector)
    if spec.kind == "digest":
        return digest_job(settings, store)
    if spec.kind == "retention":
        return retention_job(settings, store, actor="daemon")
    raise ValueError(f"unknown job kind {spec.kind!r}")
