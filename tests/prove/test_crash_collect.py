"""Crash safety of ``signaleer collect`` (issue 8.1), on SQLite and PostgreSQL.

Loopback RSS feeds grow in stages (as real feeds do), so every restart has new work and the ETag
cursors keep moving. ``collect --all`` runs in a child process and is killed with SIGKILL at a random
moment, 20 times. After every kill: each item is stored exactly once, every stored mention has its
verdict, and for every connector with a saved cursor all the items that cursor covers are stored
(a cursor ahead of its rows would lose those items for good: the next run gets a 304). At the end
one uninterrupted run catches up and everything is there exactly once.

CI size: 10 feeds x 1,000 items (10k). ``SIGNALEER_PROVE_FULL=1``: 100 feeds x 1,000 (100k).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

from monitor.feedserver import FeedServer
from monitor.store import Store
from tests.prove.helpers import (
    GrowingFeeds,
    check_collect,
    kill_hard,
    report,
    run,
    scale,
    spawn,
    stage_counts,
    wait_for,
)

KILLS = 20


def stored(out: Path) -> int:
    """Connectors whose transaction committed so far (their summary line is printed after it)."""
    return stage_counts(out.read_text(encoding="utf-8", errors="replace").splitlines())["ok"]
STAGES = 5


def test_collect_survives_sigkill_at_random_points(db_url: str, tmp_path: Path) -> None:
    feeds = GrowingFeeds(tmp_path / "feeds", feeds=scale(10, 100), items=1000, stages=STAGES)
    feeds.root.mkdir()
    feeds.write(1)
    rng = random.Random(8)
    Store.open(db_url).close()  # migrate first, so the kills land in collection
    kills, completed, landed = 0, 0, Counter[str]()
    per_stage_new = feeds.feeds * feeds.items / STAGES
    horizon = 0.8 + per_stage_new / 2500  # seconds: start-up plus roughly one stage of work
    with FeedServer(feeds.root) as server:
        config = feeds.config(tmp_path / "c.toml", server.base_url)
        attempts = 0
        while kills < KILLS and attempts < KILLS * 3:
            attempts += 1
            out = tmp_path / f"run{attempts}.out"
            proc = spawn(config, "collect", "--all", db_url=db_url, out=out)
            if rng.random() < 0.25:  # anywhere, start-up included
                time.sleep(rng.uniform(0.2, horizon))
            else:  # after a random number of connectors have stored, plus a random moment
                target = rng.randrange(feeds.feeds)
                wait_for(lambda p=proc, o=out, t=target: p.poll() is not None or stored(o) >= t,
                         timeout=120)
                time.sleep(rng.uniform(0.0, 0.25))
            rc = kill_hard(proc)
            done = stage_counts(out.read_text(encoding="utf-8", errors="replace").splitlines())
            assert done["failed"] == 0, out.read_text()
            if rc == -9:
                kills += 1
                landed["start-up" if done["ok"] == 0 else
                       "mid-run" if done["ok"] < feeds.feeds else "after the last connector"] += 1
            else:
                assert rc == 0, f"collect exited {rc}"
                completed += 1
            check_collect(db_url, feeds)
            if feeds.stage < STAGES and (rc != -9 or kills % (KILLS // STAGES) == 0):
                feeds.write(feeds.stage + 1)
        feeds.write(STAGES)
        final = run(config, "collect", "--all", db_url=db_url)
        assert final.returncode == 0, final.stderr[-2000:]
        state = check_collect(db_url, feeds)
    assert kills == KILLS, f"only {kills} of {attempts} runs were killed mid-way"
    assert state.rows == feeds.total and state.complete_feeds == feeds.feeds
    report("collect_sigkill", backend=db_url.split(":")[0], items=feeds.total, kills=kills,
           runs_completed_unkilled=completed, kill_landed=dict(landed), duplicates=0,
           cursor_ahead=0)
