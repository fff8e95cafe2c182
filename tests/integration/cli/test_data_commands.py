"""``import``, ``search``, ``show`` and ``db`` through click's CliRunner on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result


def _line(i: int, **kw: object) -> str:
    obj = {"source": "rss", "external_id": f"e{i}", "url": f"https://n.example/{i}",
           "text": f"Curio Breda nieuws nummer {i}", "published_at": f"2026-03-0{1 + i % 9}T08:00:00Z",
           "author": "redactie", "author_followers": 10 * i}
    obj.update(kw)
    return json.dumps(obj)


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    lines = [_line(i) for i in range(8)]
    lines += ["{not json", json.dumps({"source": "rss"}), _line(20, published_at="gisteren"),
              _line(21, text="Curio\u0000 met NUL"), "", "[1, 2]", _line(22, author_followers=-1)]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_reports_counts_and_rejected_lines(cli_env: dict, jsonl: Path) -> None:
    result = run("import", str(jsonl))
    assert result.exit_code == 1
    assert "new 9, duplicate 0, rejected 5 (cleaned 1)" in result.output
    assert "in.jsonl:9: invalid JSON" in result.output
    assert "in.jsonl:10: missing field" in result.output
    assert "in.jsonl:11: published_at: not an ISO 8601" in result.output
    assert "in.jsonl:12: accepted after cleaning: removed NUL bytes from text" in result.output
    again = run("import", str(jsonl))
    assert "new 0, duplicate 9, rejected 5" in again.output


def test_import_missing_file(cli_env: dict, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert result.output.startswith("signaleer: error: cannot read")


def test_import_invalid_utf8(cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(_line(1).encode() + b"\n" + b'{"text": "\xff\xfe"}\n')
    result = run("import", str(path))
    assert "bad.jsonl:2: invalid UTF-8" in result.output
    assert "new 1" in result.output


def test_search_outputs(cli_env: dict, jsonl: Path) -> None:
    run("import", str(jsonl))
    table = run("search", "curio", "--limit", "3")
    assert table.exit_code == 0 and "3 of 9 shown; --limit N or --all" in table.output
    lines = run("search", "curio", "--json").output.strip().splitlines()
    first = json.loads(lines[0])
    assert {"id", "source", "url", "author", "published_at", "text"} <= set(first)
    assert len(lines) == 9
    rows = list(csv.DictReader(io.StringIO(run("search", "nieuws", "--csv").output)))
    assert len(rows) == 8 and rows[0]["source"] == "rss"


@pytest.mark.parametrize("query", ['"', "(((", "NEAR(", "curio\x00", "x" * 10_000, "-", "*"])
def test_search_never_tracebacks(cli_env: dict, jsonl: Path, query: str) -> None:
    run("import", str(jsonl))
    result = CliRunner().invoke(cli, ["search", query])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2)


def test_search_bad_dates_and_flags(cli_env: dict) -> None:
    result = run("search", "curio", "--since", "vorige week")
    assert result.exit_code == 2 and "--since" in result.output
    assert run("search", "curio", "--json", "--csv").exit_code == 2
    assert run("search", "curio", "--limit", "0").exit_code == 2


def test_show(cli_env: dict, jsonl: Path) -> None:
    run("import", str(jsonl))
    shown = run("show", "1")
    assert shown.exit_code == 0 and "Curio Breda nieuws nummer 0" in shown.output
    data = json.loads(run("show", "1", "--json").output)
    assert data["id"] == 1 and data["triage"] == []
    missing = run("show", "999")
    assert missing.exit_code == 1 and "no mention with id 999" in missing.output


def test_db_commands(cli_env: dict) -> None:
    assert "revision none" in run("db", "current").output
    assert "(head)" in run("db", "upgrade").output
    assert "up to date" in run("db", "current").output


def test_hostile_text_is_printed_literally(cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(_line(1, text="Curio [bold red]markup[/] <script>alert(1)</script>") + "\n")
    run("import", str(path))
    out = run("show", "1").output
    assert "[bold red]markup[/]" in out and "<script>" in out


def test_a_query_may_start_with_a_dash(cli_env: dict, jsonl: Path) -> None:
    """Issue 18.13: ``search -curio`` was taken as an option ("No such option: -c")."""
    run("import", str(jsonl))
    assert len(run("search", "curio", "--json").output.splitlines()) == 9
    first = run("search", "-nummer", "curio", "--json")  # unquoted, the exclusion first
    assert first.exit_code == 0 and len(first.output.splitlines()) == 1
    after = run("search", "--limit", "5", "curio", "-nummer", "--json")
    assert after.output == first.output
    alone = run("search", "-curio")  # a query, though one with nothing left to find
    assert alone.exit_code == 2 and "nothing to search for" in alone.output
    assert run("search", "--", "-nummer", "curio").output == run("search", "-nummer", "curio").output
    typo = run("search", "curio", "--flaged")
    assert typo.exit_code == 2 and "no such option: --flaged" in typo.output
