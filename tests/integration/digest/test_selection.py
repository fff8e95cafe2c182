"""Selection of digest items, on SQLite and PostgreSQL: sections, ranking, still open, health."""

from __future__ import annotations

from datetime import timedelta

from monitor.digest.delivery import claim, preview
from monitor.digest.model import CountSection, HealthSection, ItemSection, SpikeSection
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import (
    NOW,
    add_connector,
    add_flagged,
    add_spike,
    add_triage,
    digest_rows,
    item_rows,
    make_settings,
)


def _items(content, key: str) -> ItemSection:  # type: ignore[no-untyped-def]
    section = content.section(key)
    assert isinstance(section, ItemSection)
    return section


def test_sections_and_ranking_by_severity_and_reach(store: Store) -> None:
    urgent = add_flagged(store, [mention(1)], "urgent", ["crisis"], ["crisiswoord 'brand'"])
    small, big = add_flagged(store, [mention(2, author_followers=10),
                                     mention(3, author_followers=50_000)], "attention")
    add_flagged(store, [mention(4, source="x"), mention(5)], "info", ["reach"], ["bereik"])
    add_flagged(store, [mention(6)], "none", [], [])
    content, _ = preview(store, make_settings(), NOW)
    assert [i.mention_id for i in _items(content, "urgent").items] == urgent
    assert [i.mention_id for i in _items(content, "attention").items] == [big, small]
    other = content.section("other")
    assert isinstance(other, CountSection)
    assert dict(other.per_source) == {"rss": 2, "x": 1}  # info 4 and 5, and unflagged 6


def test_preview_marks_nothing(store: Store) -> None:
    add_flagged(store, [mention(1)], "urgent")
    preview(store, make_settings(), NOW)
    assert digest_rows(store) == [] and item_rows(store) == {}


def test_claim_links_each_mention_once(store: Store) -> None:
    ids = add_flagged(store, [mention(i) for i in range(3)], "attention")
    settings = make_settings()
    first = claim(store, settings, NOW.date(), NOW)
    again = claim(store, settings, NOW.date(), NOW)
    assert again.id == first.id
    assert item_rows(store) == {mid: (first.id, "attention") for mid in ids}
    later = add_flagged(store, [mention(10)], "urgent")
    second = claim(store, settings, NOW.date() + timedelta(days=1), NOW + timedelta(days=1))
    assert item_rows(store)[later[0]] == (second.id, "urgent")
    assert {m for m, (d, _) in item_rows(store).items() if d == second.id} == set(later)


def test_still_open_excludes_handled_and_not_relevant(store: Store) -> None:
    a, b, c = add_flagged(store, [mention(i) for i in range(3)], "attention")
    settings = make_settings()
    first = claim(store, settings, NOW.date(), NOW)
    with store.transaction() as conn:
        from monitor.store import digests as db
        db.finish_sent(conn, first.id, NOW, None)
    add_triage(store, a, "handled")
    add_triage(store, b, "not-relevant")
    add_triage(store, c, "relevant")
    content, _ = preview(store, settings, NOW + timedelta(days=1))
    open_items = _items(content, "open")
    assert [i.mention_id for i in open_items.items] == [c]
    assert open_items.items[0].first_sent_on == NOW.date()


def test_reopened_item_counts_as_open_again(store: Store) -> None:
    (a,) = add_flagged(store, [mention(1)], "urgent")
    settings = make_settings()
    first = claim(store, settings, NOW.date(), NOW)
    with store.transaction() as conn:
        from monitor.store import digests as db
        db.finish_sent(conn, first.id, NOW, None)
    add_triage(store, a, "handled", NOW)
    add_triage(store, a, "relevant", NOW + timedelta(minutes=5))
    content, _ = preview(store, settings, NOW + timedelta(days=1))
    assert [i.mention_id for i in _items(content, "open").items] == [a]


def test_spikes_go_out_once(store: Store) -> None:
    spike_id = add_spike(store)
    settings = make_settings()
    content, _ = preview(store, settings, NOW)
    section = content.section("spikes")
    assert isinstance(section, SpikeSection) and [s.id for s in section.spikes] == [spike_id]
    claim(store, settings, NOW.date(), NOW)
    tomorrow, _ = preview(store, settings, NOW + timedelta(days=1))
    assert tomorrow.spike_count == 0


def test_source_health_failing_and_silent(store: Store) -> None:
    add_connector(store, "bn-destem", failures=3, last_new_at=NOW - timedelta(hours=1),
                  last_error="HTTP 503 from https://example.invalid/feed")
    add_connector(store, "x-search", last_new_at=NOW - timedelta(hours=49))
    add_connector(store, "mastodon", last_new_at=NOW - timedelta(hours=2))
    content, _ = preview(store, make_settings(), NOW)
    health = content.section("health")
    assert isinstance(health, HealthSection)
    assert {(s.name, s.problem) for s in health.sources} == {
        ("bn-destem", "failing"), ("x-search", "silent"), ("mastodon", None)}


def test_a_rate_limited_source_is_not_working_normally(store: Store) -> None:
    """Issue 18.5: a source told to wait (Retry-After) said "all sources working"."""
    add_connector(store, "x-search", kind="x", last_new_at=NOW - timedelta(hours=1),
                  not_before=NOW + timedelta(hours=20))
    add_connector(store, "mastodon", last_new_at=NOW - timedelta(hours=2),
                  not_before=NOW - timedelta(hours=1))  # the wait is over: healthy again
    content, rendered = preview(store, make_settings(), NOW)
    health = content.section("health")
    assert isinstance(health, HealthSection)
    assert {(s.name, s.problem) for s in health.sources} == {
        ("x-search", "rate-limited"), ("mastodon", None)}
    assert "gepauzeerd tot" in rendered.text and "de bron vraagt om minder verzoeken" in rendered.text


def test_max_items_caps_the_listing_and_says_how_many_more(store: Store) -> None:
    add_flagged(store, [mention(i) for i in range(8)], "attention")
    content, rendered = preview(store, make_settings(max_items=3), NOW)
    section = _items(content, "attention")
    assert len(section.items) == 3 and section.hidden == 5
    assert "signaleer search --flagged --status open" in rendered.text
    assert "Nog 5 vermelding(en) niet getoond" in rendered.text
