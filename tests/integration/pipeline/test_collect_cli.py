"""``signaleer collect`` and ``sources`` against feeds served on loopback, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.feedserver import FeedServer

ITEM = """<item><title>{title}</title><link>https://nieuws.example.nl/{i}</link>
<guid>n-{i}</guid><pubDate>Mon, 23 Nov 2026 0{h}:00:00 +0000</pubDate>
<description>{text}</description></item>"""


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(ITEM.format(i=i, h=i % 9, title=t, text=x) for i, (t, x) in enumerate(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title>{body}</channel></rss>'


@pytest.fixture
def feeds(tmp_path: Path):
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "nieuws.xml").write_text(rss([
        ("Brand bij Curio Breda", "Grote brand bij Curio in Breda; studenten geëvacueerd."),
        ("Voetbal", "Uitslagen van het amateurvoetbal in Breda."),
        ("Open dag", "Curio Roosendaal houdt zaterdag open dag voor nieuwe studenten."),
    ]), encoding="utf-8")
    (root / "kapot.xml").write_text("<rss><channel><item><title>Curio", encoding="utf-8")
    with FeedServer(root) as server:
        yield server


def write_config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[institution]
name = "Curio"
ambiguous_aliases = ["Curio"]
context_words = ["breda", "roosendaal", "studenten"]

[[connectors]]
name = "nieuws"
kind = "rss"
[connectors.options]
url = "{base}/nieuws.xml"

[[connectors]]
name = "weg"
kind = "rss"
[connectors.options]
url = "{base}/bestaat-niet.xml"

[[connectors]]
name = "uit"
kind = "rss"
enabled = false
[connectors.options]
url = "{base}/nieuws.xml"
""", encoding="utf-8")
    return path


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_collect_all_then_unchanged(cli_env: dict, tmp_path: Path, feeds: FeedServer) -> None:
    config = write_config(tmp_path, feeds.base_url)
    first = run(config, "collect", "--all")
    assert first.exit_code == 1  # "weg" is a 404
    lines = sorted(first.output.strip().splitlines())  # printed as each run finishes
    assert len(lines) == 2
    assert lines[0].startswith("nieuws: ok, fetched 2, new 2, flagged ")
    assert lines[1].startswith("weg: FAILED") and "404" in lines[1]
    assert "uit" not in first.output
    second = run(config, "collect", "nieuws")
    assert second.exit_code == 0 and "new 0" in second.output
    assert feeds.hits.count("/nieuws.xml") == 2
    found = [json.loads(x) for x in run(config, "search", "brand", "--json").output.splitlines()]
    assert len(found) == 1 and found[0]["severity"] in ("attention", "urgent")
    health = {r["name"]: r for r in map(json.loads, run(config, "sources", "--json").output.splitlines())}
    assert health["nieuws"]["health"] == "ok" and health["weg"]["health"] == "failed 1x"
    assert health["uit"]["health"] == "never run"


def test_collect_needs_names_or_all(cli_env: dict, tmp_path: Path, feeds: FeedServer) -> None:
    config = write_config(tmp_path, feeds.base_url)
    assert run(config, "collect").exit_code == 2
    unknown = run(config, "collect", "onbekend")
    assert unknown.exit_code == 2 and "no connector named 'onbekend'" in unknown.output


def test_malformed_feed_keeps_what_parses(cli_env: dict, tmp_path: Path, feeds: FeedServer) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[[connectors]]\nname = "kapot"\nkind = "rss"\n[connectors.options]\n'
                      f'url = "{feeds.base_url}/kapot.xml"\nrequire_match = false\n')
    result = run(config, "collect", "kapot")
    assert "Traceback" not in result.output
    assert result.output.startswith("kapot: ")


def test_collect_refuses_while_another_instance_runs(cli_env: dict, db_url: str, tmp_path: Path,
                                                     feeds: FeedServer) -> None:
    from monitor.service import instance_lock

    config = write_config(tmp_path, feeds.base_url)
    with instance_lock(db_url, purpose="daemon"):
        busy = CliRunner().invoke(cli, ["--config", str(config), "collect", "nieuws"])
    assert busy.exit_code == 75 and "Traceback" not in busy.output
    assert run(config, "collect", "nieuws").exit_code == 0
