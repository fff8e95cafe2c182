"""Old items are stored for search but are never news: no urgent alert, not new in a digest (12.2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.feedserver import FeedServer
from tests.integration.digest.smtp_server import smtp_server

ITEM = """<item><title>{title}</title><link>https://www.omroepbrabant.nl/{guid}</link>
<guid>{guid}</guid><pubDate>{date}</pubDate><description>{text}</description></item>"""


@pytest.fixture
def feeds(tmp_path: Path):
    root = tmp_path / "feeds"
    root.mkdir()
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = ITEM.format(guid="oud", date="Tue, 12 Mar 2024 09:00:00 +0000",
                        title="Bommelding bij Curio Breda",
                        text="Bommelding bij Curio in Breda: het gebouw is ontruimd.")
    items += ITEM.format(guid="nieuw", date=now, title="Brand bij Curio Roosendaal",
                         text="Brand bij Curio Roosendaal, studenten geëvacueerd.")
    (root / "nieuws.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Omroep</title>{items}'
        "</channel></rss>", encoding="utf-8")
    with FeedServer(root) as server:
        yield server


def _config(tmp_path: Path, base: str, port: int, max_age: str | None) -> Path:
    path = tmp_path / "signaleer.toml"
    age = f'max_age = "{max_age}"' if max_age else ""
    path.write_text(f"""
[institution]
name = "Curio"

[digest]
recipients = ["mc@curio.example"]
sender = "signaleer@curio.example"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"

[[connectors]]
name = "omroep"
kind = "rss"
{age}
[connectors.options]
url = "{base}/nieuws.xml"
""", encoding="utf-8")
    return path


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_an_old_item_is_searchable_but_never_alerted_nor_new(cli_env: dict, tmp_path: Path,
                                                             feeds: FeedServer) -> None:
    with smtp_server() as (server, port):
        config = _config(tmp_path, feeds.base_url, port, None)  # the default: 7 days
        assert "new 2, flagged 2" in run(config, "collect", "--all").output
    subjects = [r.message["Subject"] for r in server.received]
    assert len(subjects) == 1 and "omroep" in subjects[0]
    assert "Bommelding" not in server.received[0].part("plain")

    found = [json.loads(line) for line in
             run(config, "search", "bommelding", "--json").output.splitlines()]
    assert [f["external_id"] for f in found] == ["oud"] and found[0]["severity"] == "urgent"

    digest = run(config, "digest", "preview", "--text").output
    assert "Brand bij Curio Roosendaal" in digest and "Bommelding" not in digest


def test_a_longer_max_age_makes_it_news_and_the_digest_shows_its_year(
        cli_env: dict, tmp_path: Path, feeds: FeedServer) -> None:
    with smtp_server() as (server, port):
        config = _config(tmp_path, feeds.base_url, port, "36500d")
        run(config, "collect", "--all")
    assert len(server.received) == 2
    digest = run(config, "digest", "preview", "--text").output
    assert "Bommelding" in digest and "12 mrt 2024 10:00" in digest


def test_max_age_is_checked_when_the_config_loads(cli_env: dict, tmp_path: Path) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9", 25, "een week")
    result = run(config, "doctor")
    assert result.exit_code != 0
    assert "connectors[0].max_age: expected an interval like" in result.output
