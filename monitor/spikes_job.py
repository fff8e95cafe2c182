"""After each collect: look for spike hours in the last two days and store them for the digest."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from monitor.config import Settings
from monitor.store import Store
from monitor.store.spikes import save_spikes, spike_inputs

log = logging.getLogger("monitor.spikes")
RECENT = timedelta(hours=48)


def detect_and_store_spikes(store: Store, settings: Settings, now: datetime) -> int:
    """Detect spikes over a 14-day baseline (configurable); returns how many new spike hours."""
    from monitor.classify.spikes import SpikeItem, detect_spikes

    spike_settings = settings.classifier.spikes
    since = now - timedelta(days=spike_settings.baseline_days) - timedelta(hours=1)
    with store.reading() as conn:
        items = [SpikeItem(published_at=p, text=t, source=s)
                 for p, t, s in spike_inputs(conn, since, now - RECENT)]
    names = {*settings.institution.all_names, *settings.institution.hashtags}
    events = detect_spikes(items, spike_settings, since=now - RECENT,
                           ignore_terms={n.lower().lstrip("#@") for n in names})
    if not events:
        return 0
    with store.transaction() as conn:
        new = save_spikes(conn, events, now)
    if new:
        log.warning("spike: %d new hour(s) with unusual volume, e.g. %s: %d mentions",
                    new, events[-1].hour.isoformat(), events[-1].count)
    return new
