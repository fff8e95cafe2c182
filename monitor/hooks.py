"""What runs after a collect, registered here and nowhere else.

Signaleer's own features plug in the way a third party's would: by a line in ``AFTER_COLLECT``
(in the manner of datasette, which registers its default plugins through its own hook specs).
Every hook is imported with this module, so a broken installation (say ``css_inline`` missing)
stops collect with an error instead of silently dropping alerts; nothing is discovered by
catching ``ImportError``.

A hook is ``hook(store, settings, now)``. It runs after every collect pass, once the pass's
transactions are committed; a failing hook is logged and never turns a good collect into a
failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from monitor.config import Settings
from monitor.digest.alerts import send_pending_alerts
from monitor.digest.chat_delivery import send_chat_alerts
from monitor.errors import StoreError
from monitor.spikes_job import detect_and_store_spikes
from monitor.store import Store

log = logging.getLogger("monitor.collect")

AfterCollect = Callable[[Store, Settings, datetime], object]

# Spike detection first: a spike found now is part of what the urgent alerts may say. Then the
# urgent alert emails, then the chat channels (urgent items and spikes, within one collect cycle).
AFTER_COLLECT: tuple[AfterCollect, ...] = (detect_and_store_spikes, send_pending_alerts,
                                           send_chat_alerts)


def run_after_collect(settings: Settings, store: Store,
                      hooks: Sequence[AfterCollect] = AFTER_COLLECT) -> None:
    """Run the after-collect hooks in order; one failing hook does not stop the next."""
    now = datetime.now(UTC)
    for hook in hooks:
        name = getattr(hook, "__name__", repr(hook))
        try:
            hook(store, settings, now)
        except StoreError as exc:  # e.g. the database went away: one line, not a traceback
            log.warning("after-collect hook %s skipped: %s", name, exc)
        except Exception:  # a hook must not turn a good collect into a failure
            log.exception("after-collect hook %s failed", name)
