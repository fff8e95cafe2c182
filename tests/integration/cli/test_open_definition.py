""""Open" means one thing: search --status open, status and the digest's "still open" (12.5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_not_relevant_is_closed_for_search_and_status_alike(cli_env: dict, tmp_path: Path) -> None:
    now = datetime.now(UTC).isoformat()
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps({
        "source": "archief", "external_id": str(i), "url": f"https://e.nl/{i}",
        "text": f"Bommelding bij Curio in Breda ({i}): het gebouw is ontruimd.",
        "published_at": now}) + "\n" for i in range(1, 5)), encoding="utf-8")
    assert "flagged 4" in run("import", str(path)).output
    ids = {json.loads(line)["external_id"]: json.loads(line)["id"]
           for line in run("search", "--json").output.splitlines()}
    run("triage", str(ids["1"]), "handled")
    run("triage", str(ids["2"]), "not-relevant")
    run("triage", str(ids["3"]), "relevant")

    found = run("search", "--flagged", "--status", "open", "--json").output.splitlines()
    assert sorted(json.loads(line)["external_id"] for line in found) == ["3", "4"]
    status = json.loads(run("status", "--json").output)
    assert status["database"]["open"] == len(found) == 2
