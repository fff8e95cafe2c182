"""Bugs the hostile-input corpus found in the connectors: one bad item must not fail a whole feed
or timeline (it would fail again on every run, so nothing after it would ever be collected)."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.feeditems import EntryContext, entry_to_mention, unwrap_redirect
from monitor.matching import Matcher


def test_an_item_link_that_is_not_a_valid_url_is_kept_as_text() -> None:
    assert unwrap_redirect("http://[bad") == "http://[bad"
    ctx = EntryContext(source="rss", preset=None, feed_url="http://127.0.0.1/f", language=None,
                       now=datetime(2026, 11, 23, tzinfo=UTC))
    entry = {"title": "Curio", "link": "http://[::1", "id": "g1", "summary": "Curio Breda"}
    mention = entry_to_mention(entry, ctx, Matcher(aliases=("Curio",)))
    assert mention is not None and mention.external_id == "g1"
