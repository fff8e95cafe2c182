"""A collect killed with SIGKILL mid-run leaves nothing half-written; re-running duplicates nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from monitor.db import connector_state, mentions
from monitor.feedserver import FeedServer
from monitor.store import Store

FEEDS, ITEMS = 12, 150


def write_feeds(root: Path) -> None:
    for f in range(FEEDS):
        items = "".join(
            f"<item><title>Curio nieuws {f}-{i}</title><link>https://n{f}.example/{i}</link>"
            f"<guid>g{f}-{i}</guid><pubDate>Mon, 23 Nov 2026 10:{i % 60:02d}:00 +0000</pubDate>"
            f"<description>Curio Breda studenten bericht {f} {i} over de opleiding</description>"
            "</item>" for i in range(ITEMS))
        (root / f"f{f}.xml").write_text(f'<rss version="2.0"><channel><title>F{f}</title>{items}'
                                        "</channel></rss>", encoding="utf-8")


def write_config(path: Path, base: str) -> None:
    blocks = "".join(f'[[connectors]]\nname = "f{f}"\nkind = "rss"\n[connectors.options]\n'
                     f'url = "{base}/f{f}.xml"\nrequire_match = false\n\n' for f in range(FEEDS))
    path.write_text('[institution]\nname = "Curio"\n\n' + blocks, encoding="utf-8")


def collect(config: Path, db_url: str) -> subprocess.Popen:
    env = {**os.environ, "SIGNALEER_DATABASE_URL": db_url}
    return subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "collect",
                             "--all"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def consistent(db_url: str) -> tuple[int, int]:
    """Every connector with a saved cursor has all its items stored. Returns (rows, cursors)."""
    with Store.open(db_url) as store, store.reading() as conn:
        ids = [r[0] for r in conn.execute(select(mentions.c.external_id))]
        saved = [r.name for r in conn.execute(select(connector_state)) if r.cursor]
    per_feed = Counter(external_id.split("-")[0] for external_id in ids)
    assert len(ids) == len(set(ids))
    for name in saved:
        stored = per_feed[f"g{name[1:]}"]
        assert stored == ITEMS, f"{name}: cursor saved but {stored}/{ITEMS} items stored"
    total = len(ids)
    return total, len(saved)


def test_sigkill_at_random_points_then_rerun(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "feeds"
    root.mkdir()
    write_feeds(root)
    config = tmp_path / "c.toml"
    rng = random.Random(7)
    with FeedServer(root) as server:
        write_config(config, server.base_url)
        Store.open(db_url).close()  # migrate first, so kills land in collection
        for _ in range(3):
            proc = collect(config, db_url)
            time.sleep(rng.uniform(0.3, 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            consistent(db_url)
        final = collect(config, db_url)
        assert final.wait(timeout=120) == 0, final.stderr.read().decode() if final.stderr else ""
    total, cursors = consistent(db_url)
    assert total == FEEDS * ITEMS and cursors == FEEDS
