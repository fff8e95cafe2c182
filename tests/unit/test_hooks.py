"""The after-collect hooks (monitor/hooks.py): registered in one place; one failing hook is one log line."""

from __future__ import annotations

import logging

import pytest

from monitor.errors import StoreError
from monitor.hooks import AFTER_COLLECT, run_after_collect


def test_an_after_collect_hook_that_loses_the_database_logs_one_line(
        caplog: pytest.LogCaptureFixture) -> None:
    """With PostgreSQL restarting, the spike hook's read failed and a full traceback went to
    stderr after the run's clean one-line errors. A StoreError is now one warning line."""
    def hook(store: object, settings: object, now: object) -> None:
        raise StoreError("database read failed: the database system is shutting down")

    ran = []
    with caplog.at_level(logging.WARNING, logger="monitor.collect"):
        run_after_collect(None, None, [hook, lambda *args: ran.append(args)])  # type: ignore[arg-type]
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "hook skipped: database read failed" in record.getMessage()
    assert len(ran) == 1  # the next hook still ran


def test_spikes_and_alerts_are_registered_after_collect() -> None:
    assert [h.__name__ for h in AFTER_COLLECT] == ["detect_and_store_spikes", "send_pending_alerts",
                                                   "send_chat_alerts"]
