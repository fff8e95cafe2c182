"""``import`` classifies new mentions the way ``collect`` does, in the same transaction (12.4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli


def _line(i: int, text: str, published: datetime) -> str:
    return json.dumps({"source": "archief", "external_id": str(i), "url": f"https://e.nl/{i}",
                       "text": text, "published_at": published.isoformat()}) + "\n"


def test_import_classifies_like_collect(cli_env: dict, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    path = tmp_path / "m.jsonl"
    path.write_text(
        _line(1, "Bommelding bij Curio in Breda: het gebouw is ontruimd.", now)
        + _line(2, "Curio Roosendaal houdt zaterdag open dag voor nieuwe studenten.", now)
        + _line(3, "Brand bij Curio Breda, studenten geëvacueerd.", now - timedelta(days=400)),
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "new 3, duplicate 0, rejected 0; classified 3, flagged 2" in result.output

    found = CliRunner().invoke(cli, ["search", "--flagged", "--severity", "urgent", "--json"])
    assert sorted(json.loads(line)["external_id"] for line in found.output.splitlines()) \
        == ["1", "3"]
    # The one from last year is searchable but not news: today's digest lists only the other.
    digest = CliRunner().invoke(cli, ["digest", "preview", "--text"]).output
    assert "Bommelding" in digest and "geëvacueerd" not in digest
