"""Spike detection after collect: stored once per hour, with top terms and sources; both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from monitor.config import parse_settings
from monitor.db import spikes
from monitor.digest.delivery import preview
from monitor.spikes_job import detect_and_store_spikes
from monitor.store import Store
from tests.factories import mention

NOW = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)


def test_burst_becomes_one_spike(store: Store) -> None:
    settings = parse_settings({"institution": {"name": "Curio"}}, None)
    quiet = [mention(i, published_at=NOW - timedelta(hours=i + 1), text=f"Curio bericht {i}")
             for i in range(0, 14 * 24, 3)]
    burst = [mention(10_000 + i, source="x" if i % 3 else "mastodon",
                     published_at=NOW - timedelta(minutes=i),
                     text=f"Curio ontruiming brand Breda gebouw melding {i}") for i in range(25)]
    store.insert_new(quiet + burst)
    assert detect_and_store_spikes(store, settings, NOW) == 1
    assert detect_and_store_spikes(store, settings, NOW) == 0  # the same hour is stored once
    with store.reading() as conn:
        row = conn.execute(select(spikes)).one()
    assert row.count == 25 and row.baseline < 1
    assert row.window_start == NOW.replace(minute=0)
    terms = [t for t, _ in row.top_terms]
    assert "curio" not in terms and {"ontruiming", "brand"} <= set(terms)
    assert dict((s, c) for s, c in row.sources) == {"x": 16, "mastodon": 9}


def test_quiet_history_has_no_spike(store: Store) -> None:
    settings = parse_settings({}, None)
    store.insert_new([mention(i, published_at=NOW - timedelta(hours=i)) for i in range(200)])
    assert detect_and_store_spikes(store, settings, NOW) == 0


def test_the_digest_shows_spike_words_with_their_counts(store: Store) -> None:
    """Issue 18.13: the terms rendered as a Python list (``['nieuws', 30]``)."""
    settings = parse_settings({"institution": {"name": "Curio"}, "digest": {"language": "en"}},
                              None)
    quiet = [mention(i, published_at=NOW - timedelta(hours=i + 1), text=f"Curio bericht {i}")
             for i in range(0, 14 * 24, 3)]
    burst = [mention(10_000 + i, source="x", published_at=NOW - timedelta(minutes=i),
                     text=f"Curio ontruiming brand Breda gebouw {i}") for i in range(25)]
    store.insert_new(quiet + burst)
    assert detect_and_store_spikes(store, settings, NOW) == 1
    _content, rendered = preview(store, settings, NOW)
    [words] = [line for line in rendered.text.splitlines() if "Frequent words:" in line]
    assert "ontruiming (25)" in words and "brand (25)" in words
    assert "[" not in words and "'" not in words
    [sources] = [line for line in rendered.text.splitlines() if "Sources:" in line]
    assert "x (25)" in sources and "[" not in sources
    assert "ontruiming (25)" in rendered.html and "[&#39;" not in rendered.html
