"""Bugs the fault tests found in the collect pipeline, each pinned by a small test."""

from __future__ import annotations

import logging

import pytest

from monitor import collecting
from monitor.errors import StoreError


def test_an_after_collect_hook_that_loses_the_database_logs_one_line(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """With PostgreSQL restarting, the spike hook's read failed and a full traceback went to
    stderr after the run's clean one-line errors. A StoreError is now one warning line."""
    def hook(store: object, settings: object, now: object) -> None:
        raise StoreError("database read failed: the database system is shutting down")

    monkeypatch.setattr(collecting, "_hooks", lambda: [hook])
    with caplog.at_level(logging.WARNING, logger="monitor.collect"):
        collecting.after_collect(None, None)  # type: ignore[arg-type]
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "hook skipped: database read failed" in record.getMessage()
