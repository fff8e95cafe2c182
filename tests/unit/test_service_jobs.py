"""The daemon's schedule, built from settings; signal flags."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import parse_settings
from monitor.service.jobs import (
    DIGEST_CATCHUP_SECONDS,
    DIGEST_RETRY_SECONDS,
    build_jobs,
    next_collect_at,
)
from monitor.service.signals import Flags, install

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _settings(**digest: str):
    return parse_settings({
        "institution": {"name": "Curio", "timezone": "Europe/Amsterdam"},
        "database": {"url": "sqlite:///:memory:"},
        "digest": {"time": "07:30", **digest},
        "connectors": [
            {"name": "nieuws", "kind": "rss", "every": "15m", "jitter": 30,
             "options": {"url": "http://127.0.0.1/a.xml"}},
            {"name": "uit", "kind": "rss", "every": "1h", "enabled": False,
             "options": {"url": "http://127.0.0.1/b.xml"}},
            {"name": "masto", "kind": "mastodon", "every": "5m",
             "options": {"instances": ["http://127.0.0.1"]}},
        ],
    }, None)


def test_one_collect_job_per_enabled_connector_with_its_interval_and_jitter() -> None:
    jobs = {j.id: j for j in build_jobs(_settings(), NOW)}
    assert set(jobs) == {"collect:nieuws", "collect:masto", "digest", "digest-retry", "retention"}
    nieuws = jobs["collect:nieuws"]
    assert isinstance(nieuws.trigger, IntervalTrigger)
    assert nieuws.trigger.interval == timedelta(minutes=15)
    assert nieuws.trigger.jitter == 30
    assert nieuws.connector == "nieuws" and nieuws.kind == "collect"
    assert jobs["collect:masto"].trigger.interval == timedelta(minutes=5)


def test_digest_runs_at_its_local_time_and_retries_from_start_up() -> None:
    jobs = {j.id: j for j in build_jobs(_settings(time="07:30"), NOW)}
    cron = jobs["digest"].trigger
    assert isinstance(cron, CronTrigger)
    assert str(cron.timezone) == "Europe/Amsterdam"
    fire = cron.get_next_fire_time(None, NOW)
    assert (fire.hour, fire.minute) == (7, 30) and fire.utcoffset() == timedelta(hours=1)
    retry = jobs["digest-retry"]
    assert retry.trigger.interval == timedelta(seconds=DIGEST_RETRY_SECONDS)
    assert retry.first_run == NOW + timedelta(seconds=DIGEST_CATCHUP_SECONDS)
    assert jobs["retention"].kind == "retention"


def test_first_collect_follows_the_last_run() -> None:
    assert next_collect_at(None, 900, NOW) == NOW
    assert next_collect_at(NOW - timedelta(minutes=5), 900, NOW) == NOW + timedelta(minutes=10)
    assert next_collect_at(NOW - timedelta(hours=2), 900, NOW) == NOW
    jobs = {j.id: j for j in build_jobs(_settings(), NOW, {"nieuws": NOW - timedelta(minutes=5)})}
    assert jobs["collect:nieuws"].first_run == NOW + timedelta(minutes=10)
    assert jobs["collect:masto"].first_run is not None
    assert NOW <= jobs["collect:masto"].first_run <= NOW + timedelta(seconds=2)


def test_signal_handlers_only_set_flags_and_wake_the_loop() -> None:
    flags = Flags()
    restore = install(flags)
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        flags.wait(2)
        assert flags.take_reload() and not flags.take_reload()
        assert not flags.stop_requested
        os.kill(os.getpid(), signal.SIGTERM)
        flags.wait(2)
        assert flags.stop_requested
        assert flags.sleep_unless_stopped(0.01)
    finally:
        restore()
        flags.close()
