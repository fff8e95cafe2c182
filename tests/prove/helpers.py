"""Shared pieces of the proof suite (issue 8): sizes, loopback feeds, subprocess runs, invariants.

Sizes: every test runs at a CI size by default; ``SIGNALEER_PROVE_FULL=1`` selects the full sizes
the issue asks for (100k items, 200k mentions, 50 MB feed ...). Figures are printed with ``-s``
and appended to ``$SIGNALEER_PROVE_REPORT`` (a file) when that is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from monitor.db import connector_runs, connector_state, mentions, verdicts
from monitor.store import Store

FULL = os.environ.get("SIGNALEER_PROVE_FULL") == "1"
REPO = Path(__file__).resolve().parents[2]


def scale(ci: int, full: int) -> int:
    """``full`` with ``SIGNALEER_PROVE_FULL=1``, else ``ci``."""
    return full if FULL else ci


def report(name: str, **figures: Any) -> None:
    """Print a figure line (visible with ``-s``) and append it to ``$SIGNALEER_PROVE_REPORT``."""
    line = json.dumps({"test": name, "full": FULL, **figures}, default=str)
    print(f"\n[prove] {line}")
    target = os.environ.get("SIGNALEER_PROVE_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def loopback_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: no proxies, loopback only."""
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def cli(config: Path, *args: str, db_url: str) -> list[str]:
    del db_url  # passed through the environment, see ``spawn``
    return [sys.executable, "-m", "monitor", "--config", str(config), *args]


def spawn(config: Path, *args: str, db_url: str, out: Path | None = None) -> subprocess.Popen:
    """``signaleer --config CONFIG ARGS`` in a child process (stdout to ``out`` if given)."""
    stdout = open(out, "ab") if out else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(cli(config, *args, db_url=db_url), cwd=REPO,
                                env=loopback_env(SIGNALEER_DATABASE_URL=db_url), stdout=stdout,
                                stderr=subprocess.PIPE)
    finally:
        if out:
            stdout.close()  # type: ignore[union-attr]


def run(config: Path, *args: str, db_url: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cli(config, *args, db_url=db_url), cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env=loopback_env(SIGNALEER_DATABASE_URL=db_url))


def kill_hard(proc: subprocess.Popen) -> int:
    """SIGKILL (if still running) and reap. Returns the exit status (``-9`` if the kill landed)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    rc = proc.wait(timeout=30)
    if proc.stderr:
        proc.stderr.close()
    return rc


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# ----------------------------------------------------------------------------- growing RSS feeds

WORDS = ("open dag", "examen", "stage", "rooster", "kantine", "docent", "les", "klacht",
         "diploma", "inschrijving", "sportdag", "verbouwing", "parkeren", "wifi", "lunch")


def etag_of(body: bytes) -> str:
    """The ETag ``monitor.feedserver`` sends for ``body``."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@dataclass
class GrowingFeeds:
    """``feeds`` RSS files on disk whose item lists grow in ``stages`` up to ``items`` each.

    Feed ``f`` at stage ``k`` holds items ``0 .. count(k)-1`` (guid ``f<f>-<i>``). The map from
    ETag to item count says what a saved cursor (the ETag) covers: that many items of that feed.
    """

    root: Path
    feeds: int
    items: int
    stages: int = 1
    stage: int = 0
    covers: dict[str, int] = field(default_factory=dict)

    def count(self, stage: int) -> int:
        return self.items if stage >= self.stages else max(1, self.items * stage // self.stages)

    def write(self, stage: int) -> None:
        self.stage = stage
        n = self.count(stage)
        for f in range(self.feeds):
            body = feed_xml(f, n)
            self.covers[etag_of(body)] = n
            (self.root / f"f{f}.xml").write_bytes(body)

    def config(self, path: Path, base_url: str) -> Path:
        blocks = "".join(
            f'[[connectors]]\nname = "f{f}"\nkind = "rss"\n[connectors.options]\n'
            f'url = "{base_url}/f{f}.xml"\nrequire_match = false\nmax_items = 5000\n'
            'timeout = 30\n\n' for f in range(self.feeds))
        path.write_text('[institution]\nname = "Curio"\naliases = ["ROC West-Brabant"]\n\n' + blocks,
                        encoding="utf-8")
        return path

    @property
    def total(self) -> int:
        return self.feeds * self.items


def feed_xml(f: int, n: int) -> bytes:
    items = []
    for i in range(n - 1, -1, -1):  # newest first, as feeds are
        word = WORDS[(f * 7 + i) % len(WORDS)]
        items.append(
            f"<item><title>Curio nieuws {f}-{i}: {word}</title>"
            f"<link>https://n{f}.example/artikel/{i}</link><guid isPermaLink=\"false\">f{f}-{i}</guid>"
            f"<pubDate>Mon, 23 Nov 2026 {i // 60 % 24:02d}:{i % 60:02d}:00 +0000</pubDate>"
            f"<description>Curio Breda studenten melden {word} bij locatie {f} "
            f"(bericht {i}) over de opleiding</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F{f}</title>'
            f'<link>https://n{f}.example/</link>{"".join(items)}</channel></rss>').encode()


@dataclass(frozen=True)
class CollectState:
    rows: int
    cursors: int
    complete_feeds: int


def check_collect(db_url: str, feeds: GrowingFeeds) -> CollectState:
    """The invariants after any crash: each item stored once, each stored item has its verdict,
    and every saved cursor (an ETag) is covered: all the items of that feed version are stored."""
    with Store.open(db_url, upgrade=False) as store, store.reading() as conn:
        ids = [r[0] for r in conn.execute(select(mentions.c.external_id))]
        unjudged = conn.execute(text(
            "SELECT count(*) FROM mentions m WHERE NOT EXISTS "
            "(SELECT 1 FROM verdicts v WHERE v.mention_id = m.id)")).scalar_one()
        judged = conn.execute(select(verdicts.c.mention_id)).all()
        cursors = {r.name: r.cursor for r in conn.execute(select(connector_state)) if r.cursor}
        ok_runs = Counter(r.connector for r in conn.execute(
            select(connector_runs.c.connector).where(connector_runs.c.ok.is_(True))))
    dupes = [k for k, v in Counter(ids).items() if v > 1]
    assert not dupes, f"stored more than once: {dupes[:5]}"
    assert unjudged == 0, f"{unjudged} mentions stored without their verdict"
    assert len(judged) == len(ids)
    per_feed: dict[str, set[int]] = {}
    for external_id in ids:
        name, _, i = external_id.partition("-")
        per_feed.setdefault(name, set()).add(int(i))
    complete = 0
    for name, cursor in cursors.items():
        etag = cursor.get("etag")
        assert etag in feeds.covers, f"{name}: cursor {cursor} names no version that was served"
        need = feeds.covers[etag]
        have = per_feed.get(name, set())
        missing = [i for i in range(need) if i not in have]
        assert not missing, (f"{name}: cursor ahead of the data: covers {need} items, "
                             f"{len(missing)} missing (e.g. {missing[:5]})")
        assert ok_runs[name] >= 1, f"{name}: cursor saved without a run record"
        complete += need == feeds.items
    return CollectState(len(ids), len(cursors), complete)


# ----------------------------------------------------------------------------- SQLite integrity

def sqlite_path(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def sqlite_integrity(path: Path) -> tuple[str, bool]:
    """``PRAGMA integrity_check`` and the FTS5 ``integrity-check`` of ``mentions_fts``."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if not os.access(path, os.W_OK) \
        else sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        try:
            conn.execute("INSERT INTO mentions_fts(mentions_fts) VALUES('integrity-check')")
            fts_ok = True
        except sqlite3.DatabaseError as exc:
            fts_ok = "readonly" in str(exc)  # cannot run on a read-only file: checked elsewhere
            if not fts_ok:
                raise
        return result, fts_ok
    finally:
        conn.close()


def count_rows(db_url: str, table: str = "mentions") -> int:
    with Store.open(db_url, upgrade=False) as store, store.reading() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def one_line_error(stderr: str) -> str:
    """The error output is one clear line, not a traceback."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr[-3000:]
    return lines[-1] if lines else ""


def chunks(seq: Iterable[Any], n: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for x in seq:
        batch.append(x)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


def stage_counts(outcome_lines: Iterable[str]) -> Mapping[str, int]:
    """Count 'ok' / 'FAILED' summary lines of a collect's stdout."""
    counts: Counter[str] = Counter()
    for line in outcome_lines:
        if ": ok," in line:
            counts["ok"] += 1
        elif ": FAILED" in line:
            counts["failed"] += 1
    return counts


def wait_for(predicate: Any, timeout: float = 60.0, interval: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False
