"""Collect benchmark (issue 3): N RSS feeds of M items on a loopback server, fetched concurrently.

Prints the wall time of the first run (everything new), of a second run where every feed answers
304 Not Modified, and the peak RSS of the process. Targets at 50 x 100: first <= 5 s, second <= 1 s.

    python bench/collect.py                 # 50 feeds x 100 items
    python bench/collect.py --feeds 3 --items 5    # tiny (CI)
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from monitor.config import parse_settings
from monitor.feedserver import FeedServer
from monitor.pipeline import collect_many
from monitor.runtime import build_classifier, build_matcher, build_sources
from monitor.store import Store

WORDS = [
    "studenten", "docent", "opleiding", "rooster", "open", "dag", "stage", "examen", "gebouw",
    "Breda", "Roosendaal", "nieuws", "gemeente", "project", "zorg", "techniek", "horeca",
    "diploma", "klacht", "brand", "trots", "prijs",
]


def feed_xml(feed: int, items: int, rng: random.Random) -> str:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    parts = []
    for i in range(items):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
        text = f"Curio {words}" if rng.random() < 0.8 else words
        when = format_datetime(now - timedelta(minutes=feed * 1000 + i))
        parts.append(f"<item><title>Bericht {feed}-{i}</title><link>https://n{feed}.example/{i}"
                     f"</link><guid>f{feed}-{i}</guid><pubDate>{when}</pubDate>"
                     f"<description>{escape(text)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {feed}</title>{''.join(parts)}</channel></rss>")


def settings_for(base: str, feeds: int, db: Path):
    connectors = [{"name": f"feed-{i}", "kind": "rss", "options": {"url": f"{base}/f{i}.xml"}}
                  for i in range(feeds)]
    return parse_settings({"institution": {"name": "Curio"},
                           "database": {"url": f"sqlite:///{db}"},
                           "connectors": connectors}, None)


def timed_run(settings, store: Store) -> tuple[float, list]:
    sources = build_sources(settings, settings.connectors)
    t0 = time.perf_counter()
    outcomes = collect_many(store, sources, classifier=build_classifier(settings, store),
                            matcher=build_matcher(settings), workers=8)
    return time.perf_counter() - t0, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "feeds"
        root.mkdir()
        for i in range(args.feeds):
            (root / f"f{i}.xml").write_text(feed_xml(i, args.items, rng), encoding="utf-8")
        with FeedServer(root) as server:
            settings = settings_for(server.base_url, args.feeds, Path(tmp) / "bench.db")
            with Store.open(settings.database.url) as store:
                first, outcomes1 = timed_run(settings, store)
                second, outcomes2 = timed_run(settings, store)
    new = sum(o.new for o in outcomes1)
    failed = sum(not o.ok for o in outcomes1 + outcomes2)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    big = args.feeds >= 50 and args.items >= 100
    print(f"feeds x items       : {args.feeds} x {args.items} ({new} new mentions stored, "
          f"{failed} failed runs)")
    print(f"first run (all new) : {first:.2f} s   target <= 5 s  "
          f"{'PASS' if first <= 5 else 'MISS'}{'' if big else ' (tiny run)'}")
    print(f"second run (304s)   : {second:.2f} s   target <= 1 s  "
          f"{'PASS' if second <= 1 else 'MISS'}{'' if big else ' (tiny run)'}")
    print(f"peak RSS            : {rss_mb:.0f} MB")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
