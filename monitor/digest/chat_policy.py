"""Which chat channel gets what, and when: severity, categories and quiet hours. Pure.

* A channel takes a mention whose severity is at least its ``min_severity`` and, if it lists
  ``categories``, that has at least one of them.
* During a channel's ``quiet_hours`` (local time, may run past midnight) its messages wait until the
  quiet hours end — except an urgent crisis or threat, which always goes through at once.
* The hourly cap (``max_per_hour``) is applied by the sender, which counts what it started.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta, tzinfo

from monitor.config.alerts import ChannelSettings
from monitor.models import Severity

ALWAYS_THROUGH = frozenset({"crisis", "threat"})


def severities_for(channel: ChannelSettings) -> tuple[str, ...]:
    """The severities a channel takes, e.g. ``("attention", "urgent")`` for ``attention``."""
    least = Severity.parse(channel.min_severity).rank
    return tuple(s.value for s in Severity if s.rank >= least and s is not Severity.NONE)


def wants(channel: ChannelSettings, severity: str, categories: Iterable[str]) -> bool:
    if severity not in severities_for(channel):
        return False
    return not channel.categories or bool(set(channel.categories) & set(categories))


def always_through(severity: str | None, categories: Iterable[str]) -> bool:
    """An urgent crisis or threat ignores quiet hours."""
    return severity == Severity.URGENT.value and bool(ALWAYS_THROUGH & set(categories))


def _clock(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(hour, minute)


def quiet_until(channel: ChannelSettings, now: datetime, tz: tzinfo) -> datetime | None:
    """If ``now`` falls in the channel's quiet hours, when they end (aware); else None."""
    if channel.quiet_hours is None:
        return None
    start, end = (_clock(t) for t in channel.quiet_hours)
    local = now.astimezone(tz)
    clock = local.time().replace(second=0, microsecond=0, tzinfo=None)
    # a range past midnight (22:00-07:00) is quiet after its start or before its end
    quiet = start <= clock < end if start < end else (clock >= start or clock < end)
    if not quiet:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)
