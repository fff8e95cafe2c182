"""Issue 12.12: the smaller defects a new user meets, each with the behaviour they would notice."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.feedserver import FeedServer

REPO = Path(__file__).resolve().parents[3]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_alembic_x_url_migrates_that_database(tmp_path: Path) -> None:
    target = tmp_path / "chosen.db"
    done = subprocess.run([sys.executable, "-m", "alembic", "-c", str(REPO / "alembic.ini"),
                           "-x", f"url=sqlite:///{target}", "upgrade", "head"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(target) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "mentions" in tables
    assert not (tmp_path / "signaleer-dev.db").exists()


def test_db_current_exits_1_while_the_schema_is_behind(cli_env: dict) -> None:
    behind = run("db", "current")
    assert behind.exit_code == 1 and "run 'signaleer db upgrade'" in behind.output
    assert run("db", "upgrade").exit_code == 0
    now = run("db", "current")
    assert now.exit_code == 0 and "up to date" in now.output


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Omroep Lokaal</title>
<item><title>Brand bij Curio in Breda</title>
<link>https://omroeplokaal.example/nieuws/1?id=7&amp;utm_source=rss&amp;utm_medium=feed&amp;fbclid=AbC&amp;mc_cid=9&amp;gclid=x1</link>
<guid>n-1</guid><pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate>
<author>redactie@omroeplokaal.example (Jan Jansen)</author>
<description>Brand bij Curio in Breda</description></item>
</channel></rss>"""


def _feed_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[institution]
name = "Curio"

[[connectors]]
name = "omroep"
kind = "rss"
[connectors.options]
url = "{url}"
""", encoding="utf-8")
    return path


def test_collected_links_lose_tracking_and_authors_their_mail_address(
        cli_env: dict, tmp_path: Path) -> None:
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "omroep.xml").write_text(FEED, encoding="utf-8")
    with FeedServer(root) as server:
        config = _feed_config(tmp_path, f"{server.base_url}/omroep.xml")
        assert run("--config", str(config), "collect", "--all").exit_code == 0
    shown = json.loads(run("--config", str(config), "show", "1", "--json").output)
    assert shown["url"] == "https://omroeplokaal.example/nieuws/1?id=7"
    assert shown["author"] == "Jan Jansen"


def test_imported_links_lose_tracking(cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({
        "source": "rss", "external_id": "e1", "text": "Curio Breda nieuws",
        "url": "https://n.example/a?utm_campaign=x&p=2&fbclid=y", "published_at": "2026-03-01T08:00:00Z",
    }) + "\n", encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    assert json.loads(run("show", "1", "--json").output)["url"] == "https://n.example/a?p=2"


def test_search_for_an_emoji_says_why_nothing_is_searched(cli_env: dict) -> None:
    result = run("search", "🙄")
    assert result.exit_code == 2
    assert "no letters or digits" in result.output and "not excluded" not in result.output


def test_help_texts(cli_env: dict) -> None:
    top = run("--help").output
    subject = next(line for line in top.splitlines() if line.strip().startswith("subject"))
    assert "AVG art. 15/17" in subject, subject
    assert not any(line.rstrip().endswith(" art.") for line in top.splitlines()), top
    retention = run("retention", "apply", "--help").output
    assert "no-op" not in retention and "pseudonymises" in retention


def test_doctor_refuses_a_feed_url_that_serves_html(cli_env: dict, tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><html><body><h1>Nieuws</h1></body></html>",
                                     encoding="utf-8")
    with FeedServer(root) as server:
        config = _feed_config(tmp_path, f"{server.base_url}/index.html")
        run("--config", str(config), "db", "upgrade")
        result = run("--config", str(config), "doctor", "--timeout", "5")
    line = next(ln for ln in result.output.splitlines() if "source omroep" in ln)
    assert line.startswith("✗") and "not a feed" in line, result.output
    assert result.exit_code != 0


def test_a_sqlite_uri_leaves_no_file_folder_behind(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "data" / "s.db"
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", f"sqlite:///{db}")
    assert run("db", "upgrade").exit_code == 0
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("SIGNALEER_DATABASE_URL", f"sqlite:///file:{db}?mode=ro&uri=true")
    assert run("search", "curio").exit_code == 0
    assert list(here.iterdir()) == []


def test_the_demo_follow_up_uses_the_demo_settings(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALEER_DATABASE_URL", raising=False)
    monkeypatch.delenv("SIGNALEER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "demo"
    out = run("demo", "--dir", str(folder)).output
    config = folder / "signaleer-demo.toml"
    assert f"signaleer --config {config} search 'rooster'" in out
    from monitor.config import load_settings
    from monitor.demo import demo_settings

    loaded, ran = load_settings(config), demo_settings(folder, None)
    assert loaded.institution == ran.institution and loaded.database == ran.database
    found = run("--config", str(config), "search", "rooster", "--json").output.splitlines()
    assert found and all("rooster" in json.loads(x)["text"].lower() for x in found)
