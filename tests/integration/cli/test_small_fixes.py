"""The smaller defects of issue 12 (item 12), each as a user meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from connectors.feeditems import EntryContext, entry_to_mention
from monitor import migrate
from monitor.cli import cli
from monitor.config import load_settings
from monitor.db import make_engine, mentions
from monitor.demo import demo_settings
from monitor.digest.model import Segment
from monitor.digest.render import render_alert
from monitor.digest.selection import to_item
from monitor.feedserver import FeedServer
from monitor.models import Mention, StoredMention
from monitor.store import Store
from tests.unit.digest.sample import item

REPO = Path(__file__).resolve().parents[3]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_alembic_x_url_migrates_the_named_database(tmp_path: Path) -> None:
    target = tmp_path / "named.db"
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO / "alembic.ini"),
         "-x", f"url=sqlite:///{target}", "upgrade", "head"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert target.exists() and not (tmp_path / "signaleer-dev.db").exists()
    assert migrate.is_current(make_engine(f"sqlite:///{target}"))


def test_db_current_exits_1_when_the_schema_is_behind(cli_env: dict, db_url: str) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    behind = run("db", "current")
    assert behind.exit_code == 1 and "behind head" in behind.output
    run("db", "upgrade")
    assert run("db", "current").exit_code == 0


def test_classify_exits_1_when_a_line_failed(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "Brand bij Curio"}\nkapot\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(path)])
    assert result.exit_code == 1 and '"severity"' in result.stdout


def test_tracking_parameters_are_not_stored(store: Store) -> None:
    store.insert_new([Mention(
        source="krant", external_id="1", text="Curio",
        url="https://krant.example/a?id=5&utm_source=x&fbclid=abc&mc_cid=1&gclid=2#boven",
        published_at=datetime.now(UTC))])
    with store.reading() as conn:
        assert conn.execute(select(mentions.c.url)).scalar_one() == \
            "https://krant.example/a?id=5#boven"


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Omroep Lokaal</title>
<item><title>Brand bij Curio in Breda</title>
<link>https://omroeplokaal.example/nieuws/1?id=7&amp;utm_source=rss&amp;utm_medium=feed&amp;fbclid=AbC&amp;mc_cid=9&amp;gclid=x1</link>
<guid>n-1</guid><pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate>
<author>redactie@omroeplokaal.example (Jan Jansen)</author>
<description>Brand bij Curio in Breda</description></item>
</channel></rss>"""


def test_collected_links_lose_tracking_and_authors_their_mail_address(
        cli_env: dict, tmp_path: Path) -> None:
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "omroep.xml").write_text(FEED, encoding="utf-8")
    with FeedServer(root) as server:
        config = tmp_path / "signaleer.toml"
        config.write_text(f'[institution]\nname = "Curio"\n\n[[connectors]]\nname = "omroep"\n'
                          f'kind = "rss"\n[connectors.options]\n'
                          f'url = "{server.base_url}/omroep.xml"\n', encoding="utf-8")
        assert run("--config", str(config), "collect", "--all").exit_code == 0
    shown = json.loads(run("--config", str(config), "show", "1", "--json").output)
    assert shown["url"] == "https://omroeplokaal.example/nieuws/1?id=7"
    assert shown["author"] == "Jan Jansen"


def test_imported_links_lose_tracking(cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({
        "source": "rss", "external_id": "e1", "text": "Curio Breda nieuws",
        "url": "https://n.example/a?utm_campaign=x&p=2&fbclid=y",
        "published_at": "2026-03-01T08:00:00Z"}) + "\n", encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    assert json.loads(run("show", "1", "--json").output)["url"] == "https://n.example/a?p=2"


def test_rss_author_shows_the_name_not_the_address() -> None:
    ctx = EntryContext(source="rss", preset=None, feed_url="http://127.0.0.1/f", language=None,
                       now=datetime(2026, 11, 23, tzinfo=UTC))
    entry = {"title": "Curio", "id": "g1", "summary": "Curio Breda",
             "author": "redactie@omroeplokaal.example (Jan Jansen)"}
    found = entry_to_mention(entry, ctx)
    assert found is not None and found.author == "Jan Jansen"


def test_alert_subject_carries_the_headline() -> None:
    rendered = render_alert(item(1, "urgent", ("crisis",)), language="nl",
                            timezone="Europe/Amsterdam", institution="Curio",
                            subject_prefix="[Signaleer]")
    assert rendered.subject.startswith("[Signaleer] URGENT: Weer geen rooster bij Curio")


def test_a_description_equal_to_the_title_is_shown_once() -> None:
    same = "Brand bij Curio Breda"
    stored = StoredMention(1, Mention(source="krant", external_id="1", url="https://k.example/1",
                                      text=same, title=same, published_at=datetime.now(UTC)),
                           collected_at=datetime.now(UTC))
    shown = to_item(stored, None, {})
    assert shown.title is None and shown.excerpt == (Segment(same),)


def test_help_texts() -> None:
    top = run("--help").output
    assert "Data-subject requests (AVG art. 15 and 17)" in top
    assert not any(line.rstrip().endswith(" art.") for line in top.splitlines()), top
    retention = run("retention", "apply", "--help").output
    assert "no-op" not in retention and "pseudonymises" in retention


def test_search_for_an_emoji_says_why_nothing_is_searched(cli_env: dict) -> None:
    result = run("search", "🙄")
    assert result.exit_code == 2
    assert "emoji and punctuation are not indexed" in result.output
    assert "not excluded" not in result.output


def test_doctor_fails_a_feed_url_that_serves_a_web_page(cli_env: dict, tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><html><body>Welkom</body></html>",
                                     encoding="utf-8")
    with FeedServer(root) as server:
        config = tmp_path / "signaleer.toml"
        config.write_text(f'[[connectors]]\nname = "site"\nkind = "rss"\n'
                          f'[connectors.options]\nurl = "{server.base_url}/index.html"\n',
                          encoding="utf-8")
        result = run("--config", str(config), "doctor")
    assert "✗ source site:" in result.output and "not an RSS or Atom feed" in result.output
    assert result.exit_code != 0


def test_digest_preview_of_an_earlier_day_lists_nothing_collected_after_it(
        cli_env: dict, tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({
        "source": "krant", "external_id": "1", "url": "https://k.example/1",
        "text": "Bommelding bij Curio in Breda: het gebouw is ontruimd.",
        "published_at": datetime.now(UTC).isoformat()}) + "\n", encoding="utf-8")
    run("import", str(path))
    assert "Bommelding" in run("digest", "preview", "--text").output
    earlier = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
    assert "Bommelding" not in run("digest", "preview", "--date", earlier, "--text").output


@pytest.mark.parametrize("query", ["rooster"])
def test_the_demo_follow_up_uses_the_demo_settings(tmp_path: Path, query: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALEER_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "demo"
    out = run("demo", "--dir", str(folder)).output
    follow = out[out.index("Try: signaleer "):].split("'", 1)[0].split()[2:]
    assert follow == ["--config", str(folder / "signaleer.toml"), "search"]
    loaded, ran = load_settings(folder / "signaleer.toml"), demo_settings(folder, None)
    assert loaded.institution == ran.institution and loaded.database == ran.database
    found = run(*follow, query, "--json").output.splitlines()
    assert found and all(json.loads(line)["id"] for line in found)
