"""Running Signaleer as a service: the instance lock, sd_notify, signals and the scheduled jobs.

Public API::

    instance_lock(url, *, purpose="...", wait=False) -> context manager; raises LockBusy (exit 75)
    single_instance(settings, purpose) -> the same, for the one-shot commands
    Notifier() .ready() .stopping() .status(text) .watchdog()
    collect_job / digest_job / retention_job (settings, store) -> JobResult

The daemon itself is :mod:`monitor.scheduler`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from monitor.service.lock import EX_TEMPFAIL, InstanceLock, LockBusy, instance_lock

if TYPE_CHECKING:
    from monitor.config import Settings

__all__ = ["EX_TEMPFAIL", "InstanceLock", "LockBusy", "instance_lock", "single_instance"]


def single_instance(settings: Settings, purpose: str) -> AbstractContextManager[InstanceLock]:
    """Non-blocking instance lock for a one-shot job (``collect --all``, ``digest send --if-due``,
    ``retention apply``): raises ``LockBusy`` (exit 75) when the daemon or another run holds it."""
    return instance_lock(settings.database.url, purpose=purpose)
