"""Crash safety of ``signaleer digest send`` (issue 8.1), on SQLite and PostgreSQL.

A loopback SMTP server (aiosmtpd) delays its reply to DATA, so a SIGKILL lands mid-send. It records
each message as soon as DATA is complete, before it replies: the worst case, in which the server has
the message but the client never learns so. Twenty digests (one per date), each killed at a random
moment (anywhere, or while the server holds DATA); then the lease runs out (the test moves
``next_attempt_at`` into the past instead of waiting ten minutes) and a fresh process sends again.
Afterwards: no flagged mention is lost (each is linked to exactly one digest, that digest is sent
and the server has a message with its Message-ID that names the mention) and no Message-ID reached
the server more than twice (at most one duplicate per crash).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from monitor.config import load_settings
from monitor.db import digest_items, digests
from monitor.digest.delivery import send_due
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged
from tests.integration.digest.smtp_server import Received, Recorder, smtp_server
from tests.prove.helpers import kill_hard, report, spawn, wait_for

KILLS = 20
DATA_DELAY = 0.35  # seconds the server holds DATA before it answers


class SlowRecorder(Recorder):
    """Records each message when DATA is complete, then waits before answering 250."""

    started: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.started += 1
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content or envelope.content))
        await asyncio.sleep(DATA_DELAY)
        return "250 2.0.0 queued"


def write_config(path: Path, port: int) -> Path:
    path.write_text(f"""
[institution]
name = "Curio"

[digest]
time = "00:00"
recipients = ["mc@curio.example"]
sender = "signaleer@curio.example"
max_items = 200

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
timeout = 10
""", encoding="utf-8")
    return path


def expire_leases(store: Store) -> int:
    """What ten minutes of waiting would do: every 'sending' lease is now in the past."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with store.transaction() as conn:
        return conn.execute(update(digests).where(digests.c.status == "sending")
                            .values(next_attempt_at=past)).rowcount


def message_ids(received: list[Received]) -> Counter[str]:
    return Counter(str(r.message["Message-ID"]) for r in received)


def test_digest_send_survives_sigkill_mid_send(db_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(81)
    store = Store.open(db_url)
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", db_url)
    tokens: dict[int, str] = {}  # mention id -> a word only that mention has
    landed: Counter[str] = Counter()
    handler = SlowRecorder()
    try:
        with smtp_server(handler) as (server, port):
            config = write_config(tmp_path / "c.toml", port)
            settings = load_settings(config)
            for trial in range(KILLS):
                # Days from tomorrow on: a digest of an earlier day holds only what was
                # collected by its end (issue 12.12), and these mentions are collected now.
                day = date.today() + timedelta(days=trial + 1)
                batch = [mention(trial * 10 + j, external_id=f"d{trial}-{j}",
                                 text=f"Curio Breda klacht over prooftoken{trial}x{j} slecht")
                         for j in range(3)]
                for mid, m in zip(add_flagged(store, batch), batch, strict=True):
                    tokens[mid] = m.text.split()[4]
                before = server.started
                proc = spawn(config, "digest", "send", "--date", day.isoformat(), db_url=db_url)
                if rng.random() < 0.3:
                    time.sleep(rng.uniform(0.1, 1.5))
                else:
                    wait_for(lambda b=before, p=proc: server.started > b or p.poll() is not None, 60)
                    time.sleep(rng.uniform(0.0, DATA_DELAY * 1.1))
                rc = kill_hard(proc)
                got = server.started > before
                landed["completed" if rc == 0 else "mid-send (server had DATA)" if got
                       else "before DATA"] += 1
                expire_leases(store)
                again = send_due(store, settings, datetime.now(UTC), if_due=False, digest_date=day)
                assert {o.status for o in again.outcomes} <= {"sent", "already-sent"}, again
            received = list(server.received)
    finally:
        store.close()
    with Store.open(db_url) as s, s.reading() as conn:
        status = {r.id: (r.status, r.message_id) for r in conn.execute(select(digests))}
        links = [(r.mention_id, r.digest_id) for r in conn.execute(select(digest_items))]
    counts = message_ids(received)
    by_id = {}
    for r in received:
        by_id.setdefault(str(r.message["Message-ID"]), r.part("plain"))
    linked = Counter(mid for mid, _ in links)
    assert set(linked) == set(tokens) and max(linked.values()) == 1
    for mid, digest_id in links:
        state, message_id = status[digest_id]
        assert state == "sent", (mid, state)
        assert tokens[mid] in by_id[message_id], f"mention {mid} missing from {message_id}"
    assert len(status) == KILLS and len(counts) == KILLS
    assert max(counts.values()) <= 2, counts
    duplicates = sum(n - 1 for n in counts.values())
    report("digest_sigkill", backend=db_url.split(":")[0], kills=KILLS - landed["completed"],
           kill_landed=dict(landed), digests=len(counts), mentions=len(tokens),
           duplicate_emails=duplicates, max_per_message_id=max(counts.values()), lost=0)
