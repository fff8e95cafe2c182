"""Crash safety of chat alerts (issue 16): killed at random points, nothing is sent twice and
nothing is lost without a trace. SQLite and PostgreSQL.

``signaleer alerts send`` runs in a child process against a loopback Mattermost webhook that
records each message as soon as it has arrived and then holds its answer, so a SIGKILL can land
while the service has the message and the sender does not know it yet — the worst case. Each
trial adds three urgent mentions, starts the sender and kills it at a random moment (anywhere,
or while the webhook holds a message). Then the leases run out (the test moves ``lease_until`` into
the past instead of waiting ten minutes) and a fresh pass finishes the work.

Afterwards, for every mention: exactly one outbox row; at most one message received (at most
once); a row is ``sent`` only if its message arrived, and every message that did not arrive is
``uncertain`` — shown in ``status`` and the digest, and the digest lists the mention anyway.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from monitor.config import load_settings
from monitor.db import chat_outbox
from monitor.digest.chat_delivery import send_chat_alerts
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged
from tests.integration.digest.webhook_server import webhook_server
from tests.prove.helpers import kill_hard, report, scale, spawn, wait_for

KILLS = scale(20, 60)
DELAY = 0.35  # seconds the webhook holds its answer
TOKEN = "crashHookToken0123456789"


def write_config(path: Path, port: int) -> Path:
    path.write_text(f"""
[institution]
name = "Curio"

[[alerts.channels]]
name = "mc"
url = "mmost://127.0.0.1:{port}/{TOKEN}"
max_per_hour = 1000
""", encoding="utf-8")
    return path


def expire_leases(store: Store) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    with store.transaction() as conn:
        conn.execute(update(chat_outbox).where(chat_outbox.c.status.in_(("claimed", "sending")))
                     .values(lease_until=past))


def test_chat_alerts_survive_sigkill_mid_send(db_url: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(16)
    store = Store.open(db_url)
    tokens: dict[int, str] = {}
    landed: Counter[str] = Counter()
    try:
        with webhook_server(tmp_path, monkeypatch) as server:
            server.delay = DELAY
            config = write_config(tmp_path / "c.toml", server.port)
            settings = load_settings(config)
            for trial in range(KILLS):
                batch = [mention(trial * 10 + j, external_id=f"k{trial}-{j}",
                                 title=f"Brand prooftoken{trial}x{j}") for j in range(3)]
                for mid, m in zip(add_flagged(store, batch, "urgent", ["crisis"], ["crisis"]),
                                  batch, strict=True):
                    tokens[mid] = m.title.split()[1]
                before = len(server.hooks)
                proc = spawn(config, "alerts", "send", db_url=db_url)
                if rng.random() < 0.3:
                    time.sleep(rng.uniform(0.1, 2.0))
                else:
                    wait_for(lambda b=before, p=proc: len(server.hooks) > b or p.poll() is not None,
                             60)
                    time.sleep(rng.uniform(0.0, DELAY * 3.2))
                rc = kill_hard(proc)
                landed["completed" if rc == 0 else "after a message arrived"
                       if len(server.hooks) > before else "before any message"] += 1
                expire_leases(store)
                send_chat_alerts(store, settings, datetime.now(UTC))
            received = [h.json["text"] for h in server.hooks]
    finally:
        store.close()
    _check(db_url, tokens, received, landed)


def _check(db_url: str, tokens: dict[int, str], received: list[str], landed: Counter[str]) -> None:
    with Store.open(db_url) as s, s.reading() as conn:
        rows = list(conn.execute(select(chat_outbox)))
    per_mention = Counter(r.mention_id for r in rows)
    assert set(per_mention) == set(tokens) and max(per_mention.values()) == 1
    arrivals = Counter(mid for mid, token in tokens.items() for text in received if token in text)
    assert max(arrivals.values(), default=0) <= 1, "a message reached the channel twice"
    status: dict[Any, str] = {r.mention_id: r.status for r in rows}
    assert set(status.values()) <= {"sent", "uncertain"}, Counter(status.values())
    for mid in tokens:
        if status[mid] == "sent":
            assert arrivals[mid] == 1, f"mention {mid} marked sent but never arrived"
        else:  # uncertain: shown in status and the digest; it may or may not have arrived
            assert arrivals[mid] <= 1
    never_arrived = [mid for mid in tokens if arrivals[mid] == 0]
    assert all(status[mid] == "uncertain" for mid in never_arrived)
    report("chat_sigkill", backend=db_url.split(":")[0], kills=KILLS - landed["completed"],
           kill_landed=dict(landed), mentions=len(tokens), arrived=sum(arrivals.values()),
           sent_twice=0, uncertain=sum(1 for s in status.values() if s == "uncertain"),
           uncertain_and_arrived=sum(1 for m in tokens if status[m] == "uncertain" and arrivals[m]),
           uncertain_not_arrived=len(never_arrived))
