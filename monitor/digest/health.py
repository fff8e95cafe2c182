"""Source health for the digest: a source is healthy only if it runs *and* produces something.

* failing: ``consecutive_failures >= digest.failing_after_runs``, or any failure of a source that
  never succeeded;
* rate-limited: the source asked us to wait (Retry-After, at most 24 hours) and the wait is not
  over: it is not "working normally" even though nothing failed;
* silent: no new item (or, if it never had one, no success) for ``digest.silent_after_hours``,
  counted from its last new item, else its first run;
* never-ran: configured and enabled, but it has no state row at all.

When the config lists connectors, only enabled ones are judged (a disabled source is silent on
purpose); with none configured (demo, tests) every source with state is judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from monitor.config import Settings
from monitor.digest.model import SourceHealth
from monitor.store.digests import ConnectorStatus


def judge(statuses: Sequence[ConnectorStatus], settings: Settings,
          now: datetime) -> tuple[SourceHealth, ...]:
    """Every relevant source with its problem (or None), unhealthy ones first, then by name."""
    configured = {c.name: c for c in settings.connectors}
    by_name = {s.name: s for s in statuses}
    names = ([c.name for c in settings.connectors if c.enabled] if configured
             else sorted(by_name))
    result = [_one(name, by_name.get(name), configured, settings, now) for name in names]
    return tuple(sorted(result, key=lambda h: (h.problem is None, h.name)))


def _one(name: str, status: ConnectorStatus | None, configured: dict, settings: Settings,
         now: datetime) -> SourceHealth:
    if status is None:
        kind = configured[name].kind if name in configured else "?"
        return SourceHealth(name=name, kind=kind, problem="never-ran", consecutive_failures=0,
                            last_success_at=None, last_new_at=None, error_class=None)
    failing = bool(status.consecutive_failures)
    return SourceHealth(
        name=name, kind=status.kind, problem=_problem(status, settings, now),
        consecutive_failures=status.consecutive_failures,
        last_success_at=status.last_success_at, last_new_at=status.last_new_at,
        error_class=error_class(status.last_status, status.last_error) if failing else None,
        paused_until=status.not_before if status.not_before and status.not_before > now else None)


ERROR_CLASSES = ("not_found", "denied", "rate_limited", "server", "timeout", "unreachable",
                 "tls", "not_feed", "too_large", "setup", "other")
_TEXT_CLASSES = (  # (class, words in the error line), tried in order
    ("setup", ("configerror", "cannot load", "_file:")),
    ("not_feed", ("not a feed", "not well-formed", "not recognised as rss")),
    ("too_large", ("mb cap",)),
    ("timeout", ("timed out", "not complete after", "timeout")),
    ("tls", ("certificate", "ssl", "tls")),
    ("unreachable", ("connection refused", "connecterror", "errno", "name or service",
                     "name resolution", "unreachable", "connection reset", "redirects",
                     "remoteprotocolerror", "server disconnected")),
)


def error_class(status: int | None, error: str | None) -> str:
    """The kind of failure, for a short sentence in the digest (never the raw text)."""
    if status in (404, 410):
        return "not_found"
    if status in (401, 403):
        return "denied"
    if status == 429:
        return "rate_limited"
    if status is not None and status >= 500:
        return "server"
    text = (error or "").lower()
    return next((cls for cls, words in _TEXT_CLASSES if any(w in text for w in words)), "other")


def _problem(status: ConnectorStatus, settings: Settings, now: datetime) -> str | None:
    if status.consecutive_failures >= settings.digest.failing_after_runs:
        return "failing"
    if status.consecutive_failures and status.last_success_at is None:
        return "failing"  # it has never worked: one failure is enough to say so
    if status.not_before and status.not_before > now:
        return "rate-limited"
    limit = now - timedelta(hours=settings.digest.silent_after_hours)
    since = status.last_new_at or status.first_run_at or status.updated_at
    return "silent" if since <= limit else None
