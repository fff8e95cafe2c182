"""``triage``, ``reclassify`` and ``audit`` on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from monitor.store.triage import labelled_examples

SAMPLE = Path(__file__).resolve().parents[3] / "monitor" / "demo_data" / "sample_mentions.jsonl"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_triage_is_stored_shown_and_audited(cli_env: dict, db_url: str) -> None:
    assert run("import", str(SAMPLE)).exit_code == 0
    done = run("triage", "4", "handled", "--note", "woordvoerder gebeld", "--by", "anouk")
    assert done.exit_code == 0 and "mention 4: handled (by anouk)" in done.output
    run("triage", "10", "not-relevant", "--by", "anouk")
    shown = json.loads(run("show", "4", "--json").output)
    assert shown["triage"][0]["status"] == "handled" and shown["triage"][0]["by"] == "anouk"
    assert shown["status"] == "handled"
    log = [json.loads(line) for line in run("audit", "--json").output.splitlines()]
    assert [e["target"] for e in log] == ["mention:10", "mention:4"]
    assert all(e["action"] == "triage" and e["actor"] == "anouk" for e in log)
    with Store.open(db_url) as store, store.reading() as conn:
        labels = {text[:20]: label for text, _t, label, _c in labelled_examples(conn)}
    assert sorted(labels.values()) == ["attention", "none"]


def test_triage_errors(cli_env: dict) -> None:
    missing = CliRunner().invoke(cli, ["triage", "99", "handled"])
    assert missing.exit_code == 2 and "no mention with id 99" in missing.output
    bad = CliRunner().invoke(cli, ["triage", "1", "done"])
    assert bad.exit_code == 2


def test_reclassify_gives_imported_mentions_the_same_verdicts(cli_env: dict) -> None:
    run("import", str(SAMPLE))  # import classifies (issue 12.4); reclassify must agree with it
    flagged = run("search", "--flagged", "--json", "--limit", "100").output
    assert flagged
    result = run("reclassify")
    assert run("search", "--flagged", "--json", "--limit", "100").output == flagged
    assert result.exit_code == 0 and "reclassified 17 mention(s)" in result.output
    urgent = [json.loads(x) for x in run("search", "--severity", "urgent", "--json").output.splitlines()]
    assert any("brand" in m["text"] for m in urgent)
    assert all(m["reasons"] for m in urgent)
    crisis = run("search", "--category", "crisis", "--json").output.splitlines()
    assert crisis
