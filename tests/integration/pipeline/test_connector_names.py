"""Mentions are keyed by connector name: the same guid in two feeds is two mentions (issue 12.1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.feedserver import FeedServer

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>
<item><title>{title}</title><link>https://{host}.example/1</link><guid>1</guid>
<pubDate>{date}</pubDate><description>{text}</description></item></channel></rss>"""


def _date() -> str:
    return datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


@pytest.fixture
def feeds(tmp_path: Path):
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "twee.xml").write_text(FEED.format(
        outlet="Krant Twee", host="twee", date=_date(), title="Bommelding bij Curio Breda",
        text="Bommelding bij Curio in Breda: het gebouw is ontruimd, studenten geëvacueerd."),
        encoding="utf-8")
    (root / "drie.xml").write_text(FEED.format(
        outlet="Krant Drie", host="drie", date=_date(), title="Datalek bij Curio",
        text="Datalek bij Curio mbo: cijferlijsten van studenten stonden online."),
        encoding="utf-8")
    with FeedServer(root) as server:
        yield server


def _config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[institution]
name = "Curio"
aliases = ["Curio mbo"]

[[connectors]]
name = "krant-twee"
kind = "rss"
[connectors.options]
url = "{base}/twee.xml"

[[connectors]]
name = "krant-drie"
kind = "rss"
[connectors.options]
url = "{base}/drie.xml"
""", encoding="utf-8")
    return path


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_same_guid_in_two_feeds_is_two_mentions(cli_env: dict, tmp_path: Path,
                                                 feeds: FeedServer) -> None:
    config = _config(tmp_path, feeds.base_url)
    out = run(config, "collect", "--all").output
    assert "krant-twee: ok, fetched 1, new 1" in out
    assert "krant-drie: ok, fetched 1, new 1" in out  # was "new 0": the leak was never stored

    found = run(config, "search", "--source", "krant-drie", "--json").output.splitlines()
    assert len(found) == 1
    leak = json.loads(found[0])
    assert leak["source"] == "krant-drie" and leak["kind"] == "rss"
    assert leak["outlet"] == "Krant Drie" and "Datalek" in leak["text"]
    by_kind = run(config, "search", "--source", "rss", "--json").output.splitlines()
    assert len(by_kind) == 2

    table = run(config, "search", "--source", "krant-twee").output
    assert "krant-twee (Krant Twee)" in table.replace("\n", "")
    shown = run(config, "show", str(leak["id"])).output
    assert "krant-drie (Krant Drie) [rss]" in shown


def test_digest_labels_items_by_connector_and_outlet(cli_env: dict, tmp_path: Path,
                                                      feeds: FeedServer) -> None:
    config = _config(tmp_path, feeds.base_url)
    run(config, "collect", "--all")
    out = tmp_path / "digest.html"
    result = run(config, "digest", "preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "krant-twee (Krant Twee)" in html and "krant-drie (Krant Drie)" in html
