"""Bugs the hostile-input corpus found in the connectors: one bad item must not fail a whole feed
or timeline (it would fail again on every run, so nothing after it would ever be collected)."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.feeditems import EntryContext, entry_to_mention, unwrap_redirect


def test_an_item_link_that_is_not_a_valid_url_is_kept_as_text() -> None:
    assert unwrap_redirect("http://[bad") == "http://[bad"
    ctx = EntryContext(source="rss", preset=None, feed_url="http://127.0.0.1/f", language=None,
                       now=datetime(2026, 11, 23, tzinfo=UTC))
    entry = {"title": "Curio", "link": "http://[::1", "id": "g1", "summary": "Curio Breda"}
    mention = entry_to_mention(entry, ctx)
    assert mention is not None and mention.external_id == "g1"


def test_a_status_with_fields_of_the_wrong_type_is_skipped_not_fatal() -> None:
    from connectors.mastodon import _next_max_id, status_to_mention

    base = {"id": "1", "uri": "https://m.example/s/1", "created_at": "2026-11-23T10:00:00Z",
            "content": "<p>Curio</p>", "account": {"acct": "a"}}
    for bad in ({"content": ["x"]}, {"content": {"x": 1}}, {"spoiler_text": ["x"]},
                {"account": "evil"}, {"account": ["x"]},
                {"created_at": "0001-01-01T00:00:00+14:00"}):
        status_to_mention({**base, **bad}, "m.example")  # no exception
    assert status_to_mention({**base, "account": "evil"}, "m.example").author is None
    assert _next_max_id('<http://[/x?max_id=1>; rel="next"') is None


def test_bluesky_odd_times_and_deep_error_bodies() -> None:
    import httpx

    from connectors.api import parse_time
    from connectors.bluesky import _xrpc_error
    from connectors.http import HttpResponse

    assert parse_time("0001-01-01T00:00:00+14:00") is None
    resp = HttpResponse(401, "http://127.0.0.1/x", httpx.Headers(), b"[" * 100_000, "bluesky:b")
    assert _xrpc_error(resp) == "HTTP 401"
