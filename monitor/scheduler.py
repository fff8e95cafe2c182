"""The daemon (``signaleer run``): APScheduler jobs, the instance lock, signals and sd_notify.

Life cycle::

    take the instance lock (or exit 75; with --standby wait for it)
    -> open the store (runs the migrations) -> validate connectors -> schedule jobs
    -> READY=1 -> main thread sleeps on a self-pipe: SIGHUP reloads, SIGTERM/SIGINT stop,
       a periodic tick checks the lock and pings the watchdog
    -> STOPPING=1 -> let the running job finish (scheduler.shutdown(wait=True)) -> exit 0

Each job writes one ``job ...`` log line (the pipeline adds its per-connector summary lines).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.config import Settings
from monitor.errors import ConfigError, SignaleerError
from monitor.runtime import load_checked_settings
from monitor.service.jobs import MISFIRE_GRACE_SECONDS, JobSpec, build_jobs, last_run_times, run_job
from monitor.service.lock import InstanceLock, LockBusy
from monitor.service.notify import Notifier
from monitor.service.signals import Flags, install
from monitor.store import Store, safe_url

log = logging.getLogger("monitor.scheduler")

EXIT_OK = 0
EXIT_LOCK_LOST = 1
WORKERS = 4


@dataclass(frozen=True, slots=True)
class DaemonOptions:
    config_path: str | None = None
    standby: bool = False
    poll_seconds: float = 5.0
    lock_check_seconds: float = 30.0


def validate(settings: Settings, running: Settings | None = None) -> None:
    """Everything a reload must pass before it replaces the running config. Raises ConfigError."""
    from monitor.runtime import build_matcher, check_parts

    if running is not None and settings.database.url != running.database.url:
        raise ConfigError("database.url changed; restart the service to switch databases")
    check_parts(settings)
    build_matcher(settings)
    build_jobs(settings, datetime.now(UTC))


class Daemon:
    def __init__(self, settings: Settings, options: DaemonOptions | None = None, *,
                 notifier: Notifier | None = None, flags: Flags | None = None) -> None:
        self.settings = settings
        self.options = options or DaemonOptions()
        self.notifier = notifier or Notifier()
        self.flags = flags or Flags()
        self.store: Store | None = None
        self.scheduler: Any = None

    def run(self) -> int:
        """Run until stopped; returns the exit code. Raises LockBusy / ConfigError / StoreError."""
        restore = install(self.flags)
        lock = InstanceLock(self.settings.database.url, "daemon")
        try:
            if not self._acquire(lock):
                return EXIT_OK
            validate(self.settings)
            with Store.open(self.settings.database.url,
                            keep_fields=self.settings.retention.keep_fields) as store:
                self.store = store
                return self._serve(lock)
        finally:
            lock.release()
            restore()
            self.flags.close()

    def _acquire(self, lock: InstanceLock) -> bool:
        def waiting(message: str) -> None:
            log.info("standby: %s", message)
            self.notifier.ready(status="standby: waiting for the instance lock")

        try:
            lock.acquire(wait=self.options.standby, poll=self.options.poll_seconds,
                         sleep=self.flags.sleep_unless_stopped, on_wait=waiting)
        except LockBusy:
            if self.flags.stop_requested:
                self.notifier.stopping("stopped while on standby")
                log.info("stopped while on standby")
                return False
            raise
        if self.options.standby:
            log.info("took over the instance lock")
        return True

    def _serve(self, lock: InstanceLock) -> int:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(WORKERS)}, timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": MISFIRE_GRACE_SECONDS})
        jobs = self._schedule(self.settings)
        self.scheduler.start()
        log.info("daemon started: %d jobs, database %s", len(jobs),
                 safe_url(self.settings.database.url))
        self.notifier.ready(status=self._status_line())
        try:
            code = self._loop(lock)
        finally:
            self.notifier.stopping("finishing running jobs")
            log.info("stopping: waiting for running jobs to finish")
            self.scheduler.shutdown(wait=True)
        log.info("daemon stopped")
        return code

    def _loop(self, lock: InstanceLock) -> int:
        next_check = time.monotonic() + self.options.lock_check_seconds
        while True:
            self.flags.wait(self._tick_seconds())
            if self.flags.stop_requested:
                return EXIT_OK
            if self.flags.take_reload():
                self.reload()
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + self.options.lock_check_seconds
                if not lock.alive():
                    log.error("lost the instance lock (database connection gone?); exiting so "
                              "the service manager restarts this instance")
                    return EXIT_LOCK_LOST
            if self.scheduler.running:
                self.notifier.watchdog()

    def _tick_seconds(self) -> float:
        tick = self.options.lock_check_seconds
        if self.notifier.watchdog_seconds:
            tick = min(tick, self.notifier.watchdog_seconds / 2)
        return max(0.1, tick)

    def _schedule(self, settings: Settings) -> list[JobSpec]:
        """Replace every job; the old schedule stays if building the new one fails."""
        assert self.store is not None
        jobs = build_jobs(settings, datetime.now(UTC), last_run_times(self.store))
        self.scheduler.remove_all_jobs()
        for spec in jobs:
            extra = {"next_run_time": spec.first_run} if spec.first_run is not None else {}
            self.scheduler.add_job(self._run_job, trigger=spec.trigger, args=[spec], id=spec.id,
                                   name=spec.id, replace_existing=True, **extra)
        return jobs

    def _run_job(self, spec: JobSpec) -> None:
        assert self.store is not None
        t0 = time.monotonic()
        try:
            result = run_job(spec, self.settings, self.store)
            quiet = spec.kind == "collect" and result.ok  # the pipeline logged its summary line
            ok, summary = result.ok, ("" if quiet else f": {result.summary}")
        except SignaleerError as exc:
            ok, summary = False, f": {exc}"
        except Exception as exc:  # a job must never take the scheduler down
            log.exception("job %s crashed", spec.id)
            ok, summary = False, f": internal error {type(exc).__name__}"
        seconds = time.monotonic() - t0
        log.log(logging.INFO if ok else logging.WARNING, "job %s %s in %.2fs%s", spec.id,
                "ok" if ok else "FAILED", seconds, summary,
                extra={"fields": {"job": spec.id, "ok": ok, "seconds": round(seconds, 3)}})

    def _status_line(self) -> str:
        n = sum(1 for c in self.settings.connectors if c.enabled)
        return f"running: {n} connector(s), digest at {self.settings.digest.time}"

    def reload(self) -> bool:
        """SIGHUP: validate the new config first; keep the old one (and say why) if it is bad."""
        self.notifier.reloading()
        path = self.options.config_path or (str(self.settings.source) if self.settings.source else None)
        try:
            new = load_checked_settings(path)
            validate(new, self.settings)
            jobs = self._schedule(new)
        except SignaleerError as exc:
            log.error("config reload failed; still running the previous config: %s", exc)
            self._audit_reload(path, {"ok": False, "error": str(exc)[:500]})
            self.notifier.ready(status="reload failed; running the previous config")
            return False
        self.settings = new
        log.info("config reloaded: %d jobs", len(jobs))
        self._audit_reload(path, {"ok": True, "jobs": len(jobs),
                                  "connectors": [c.name for c in new.connectors if c.enabled]})
        self.notifier.ready(status=self._status_line())
        return True

    def _audit_reload(self, path: str | None, details: dict[str, Any]) -> None:
        from monitor.store.audit import record

        assert self.store is not None
        try:
            with self.store.transaction() as conn:
                record(conn, actor="daemon", action="config-reload", target=path, details=details,
                       at=datetime.now(UTC))
        except SignaleerError as exc:
            log.error("could not record the config reload in the audit log: %s", exc)


def run_daemon(settings: Settings, options: DaemonOptions | None = None) -> int:
    """The library entry point behind ``signaleer run``. The daemon logs at INFO at least."""
    for name in ("monitor", "connectors"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    return Daemon(settings, options).run()
