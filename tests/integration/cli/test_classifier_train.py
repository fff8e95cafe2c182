"""``classifier train`` on triaged mentions, stored and used by reclassify; both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from monitor.cli import cli
from monitor.db import verdicts
from monitor.models import Mention
from monitor.store import Store
from monitor.store.models import active_model
from monitor.store.triage import add_triage

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval_classifier.jsonl"


def labelled_store(db_url: str, limit: int) -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()[:limit]]
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    with Store.open(db_url) as store:
        result = store.insert_new(
            Mention(source="eval", external_id=str(i), url=f"https://e.example/{i}",
                    text=row["text"], published_at=t0 + timedelta(minutes=i),
                    author=row.get("author"), author_followers=row.get("author_followers"))
            for i, row in enumerate(rows))
        with store.transaction() as conn:
            for mid, row in zip(result.new_ids, rows, strict=True):
                status = "relevant" if row["label"] == "attention" else "not-relevant"
                add_triage(conn, mid, status, actor="test", note=None, at=t0)


def test_train_refuses_with_too_few_labels(cli_env: dict, db_url: str) -> None:
    labelled_store(db_url, 50)
    result = CliRunner().invoke(cli, ["classifier", "train"])
    assert result.exit_code == 2
    assert "needs at least 200 triaged mentions; there are 50" in result.output


def test_train_stores_an_active_model_used_by_reclassify(cli_env: dict, db_url: str) -> None:
    labelled_store(db_url, 400)
    result = CliRunner().invoke(cli, ["classifier", "train"], catch_exceptions=False)
    assert result.exit_code == 0 and "trained model-" in result.output and "on 400 labels" in result.output
    with Store.open(db_url) as store, store.reading() as conn:
        stored = active_model(conn)
    assert stored is not None and stored.labels == 400
    assert CliRunner().invoke(cli, ["reclassify"], catch_exceptions=False).exit_code == 0
    with Store.open(db_url) as store, store.reading() as conn:
        versions = {r[0] for r in conn.execute(select(verdicts.c.classifier_version))}
    assert versions == {f"rules+{stored.version}"}
