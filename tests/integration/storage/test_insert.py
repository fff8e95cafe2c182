"""``Store.insert_new``: batched, dedup-safe, clusters near-duplicates; on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from monitor.db import mentions
from monitor.importer import import_file
from monitor.store import Store
from monitor.store.mentions import SORT_LOW_MASK, SORT_SHIFT, sort_key_for
from tests.factories import T0, colliding_external_ids, mention


def _rows(store: Store) -> list:
    with store.reading() as conn:
        return list(conn.execute(select(mentions).order_by(mentions.c.id)))


def test_insert_returns_new_ids_and_counts_duplicates(store: Store) -> None:
    first = store.insert_new([mention(i) for i in range(25)], batch_size=10)
    assert len(first.new_ids) == 25 and first.duplicates == 0
    again = store.insert_new([mention(i) for i in range(20, 30)], batch_size=4)
    assert len(again.new_ids) == 5 and again.duplicates == 5
    assert len(_rows(store)) == 30


def test_duplicates_within_one_batch(store: Store) -> None:
    result = store.insert_new([mention(1), mention(1), mention(2)])
    assert len(result.new_ids) == 2 and result.duplicates == 1


def test_nul_bytes_and_surrogates_are_cleaned(store: Store) -> None:
    store.insert_new([mention(1, text="Curio\x00 nieuws \ud800 hier", author="a\x00b")])
    row = _rows(store)[0]
    assert "\x00" not in row.text and row.author == "ab"
    assert "\ud800" not in row.text


def test_times_round_trip_as_utc(store: Store) -> None:
    """A time in another zone (not the machine's, which may well be UTC) comes back as the same
    instant, in UTC."""
    local = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert local.utcoffset() == timedelta(hours=2)
    store.insert_new([mention(1, published_at=local)])
    row = _rows(store)[0]
    assert row.published_at == local
    assert row.published_at.utcoffset() == timedelta(0) and row.published_at.hour == 10


def test_future_dates_are_clamped_to_collection_time(store: Store) -> None:
    store.insert_new([mention(1, published_at=datetime.now(UTC) + timedelta(days=400))])
    row = _rows(store)[0]
    assert row.published_at <= datetime.now(UTC) + timedelta(hours=1)


def test_sort_key_collision_gets_a_free_key(store: Store) -> None:
    """Two different mentions that draw the same key must both be stored."""
    a = mention(1)
    b = mention(2, published_at=a.published_at)
    key_a = sort_key_for(a.published_at, a.source, a.external_id)
    store.insert_new([a])
    with store.transaction() as conn:
        conn.execute(mentions.update().values(sort_key=sort_key_for(
            b.published_at, b.source, b.external_id)))
    store.insert_new([mention(3, external_id="item-1b", published_at=a.published_at)])
    rows = _rows(store)
    assert len(rows) == 2
    assert all(r.sort_key >> SORT_SHIFT == key_a >> SORT_SHIFT for r in rows)
    assert len({r.sort_key & SORT_LOW_MASK for r in rows}) == 2


def test_near_duplicates_share_a_cluster(store: Store) -> None:
    text = "Curio Breda: brand in gebouw aan de Teteringsedijk, studenten geëvacueerd"
    store.insert_new([mention(1, text=text, url="https://a.example/1"),
                      mention(2, source="x", text=text.upper() + "!!", url="https://b.example/2"),
                      mention(3, text="iets heel anders over curio", url="https://c.example/3")])
    rows = _rows(store)
    assert rows[0].cluster_id == rows[1].cluster_id == rows[0].id
    assert rows[2].cluster_id == rows[2].id


def test_same_canonical_url_across_sources_clusters(store: Store) -> None:
    store.insert_new([
        mention(1, url="https://nieuws.example.nl/a?utm_source=tw", text="eerste tekst curio"),
        mention(2, source="mastodon", url="https://nieuws.example.nl/a?fbclid=1",
                text="volledig andere woorden curio")])
    rows = _rows(store)
    assert rows[1].cluster_id == rows[0].id


def test_long_external_ids_are_hashed(store: Store) -> None:
    store.insert_new([mention(1, external_id="x" * 2000)])
    assert _rows(store)[0].external_id.startswith("sha1:")


def test_time_order_of_keys() -> None:
    early = sort_key_for(T0, "rss", "zzz")
    late = sort_key_for(T0 + timedelta(seconds=1), "rss", "aaa")
    assert early < late


def test_only_needed_source_fields_are_stored(store: Store) -> None:
    raw = {"matched_alias": "Curio", "reblogs": 3, "account": {"display_name": "Jan"},
           "ip": "192.0.2.1"}
    store.insert_new([mention(1, extra=raw)])
    row = _rows(store)[0]
    assert row.extra == {"reblogs": 3} and row.matched_alias == "Curio"


def test_allow_listed_source_fields_are_kept(db_url: str) -> None:
    with Store.open(db_url, keep_fields=("ip",)) as store:
        store.insert_new([mention(1, extra={"ip": "192.0.2.1", "account": {"x": 1}})])
        assert _rows(store)[0].extra == {"ip": "192.0.2.1"}


def test_many_items_of_one_second_with_the_same_hash_are_all_stored(store: Store) -> None:
    """Issue 18.9: 66 items with one pubDate and colliding CRC bits failed every run of their
    feed with 'no free sort key' (only 64 keys were probed)."""
    ids = colliding_external_ids("rss", 80)
    items = [mention(i, external_id=ext, published_at=T0) for i, ext in enumerate(ids)]
    result = store.insert_new(items[:2])
    result2 = store.insert_new(items[2:])
    assert len(result.new_ids) + len(result2.new_ids) == 80
    rows = _rows(store)
    assert len({r.sort_key for r in rows}) == 80
    assert all(r.sort_key >> SORT_SHIFT == int(T0.timestamp()) for r in rows)


def test_an_import_of_colliding_lines_stores_them_all(store: Store, tmp_path) -> None:
    ids = colliding_external_ids("rss", 66)
    lines = [{"source": "rss", "external_id": ext, "url": f"https://x.example/{i}",
              "text": f"Curio bericht {i}", "published_at": T0.isoformat()}
             for i, ext in enumerate([*ids, "gewoon-1", "gewoon-2"])]
    path = tmp_path / "colliding.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = import_file(store, path)
    assert report.new == 68 and len(_rows(store)) == 68
