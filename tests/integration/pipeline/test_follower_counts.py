"""A follower count beyond 32 bits (or beyond reason) costs one field, never the batch (issue 18.10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from connectors.mastodon import MastodonConnector
from monitor.cli import cli
from monitor.config import InstitutionSettings
from monitor.matching import Matcher
from monitor.pipeline import collect
from monitor.store import Store
from monitor.store.mentions import MAX_FOLLOWERS
from monitor.store.search import SearchFilters, search

DATA = Path(__file__).resolve().parents[2] / "data" / "api" / "mastodon"


def test_mastodon_page_with_2_pow_31_followers_stores_every_status(
        store: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALEER_MASTODON_TOKEN", raising=False)
    page = json.loads((DATA / "tag-curio-page1.json").read_text(encoding="utf-8"))
    page[0]["account"]["followers_count"] = 2_147_483_648
    httpserver.expect_request("/api/v1/timelines/tag/curio").respond_with_json(page)
    base = httpserver.url_for("/").rstrip("/")
    institution = InstitutionSettings(name="Curio", hashtags=("#curio",))
    connector = MastodonConnector.from_config(
        "fedi", {"instances": [base], "hashtags": ["#curio"]}, institution)
    connector.sleep = lambda _s: None
    outcome = collect(store, connector, matcher=Matcher.from_institution(institution))
    assert outcome.ok, outcome.error
    assert outcome.new == outcome.fetched == 2  # the innocent status in the same page too
    with store.reading() as conn:
        followers = sorted(s.mention.author_followers or 0 for s in search(
            conn, None, SearchFilters(sources=("fedi",))))
    assert followers[-1] == 2_147_483_648


def test_import_of_huge_follower_counts_stores_every_line(cli_env: dict, tmp_path: Path) -> None:
    lines = [{"source": "import", "external_id": str(i), "url": f"https://e.nl/{i}",
              "text": f"bericht {i} over Curio", "published_at": "2026-11-20T10:00:00Z",
              "author_followers": 100 + i} for i in range(10)]
    lines[3]["author_followers"] = 3_000_000_000
    lines[7]["author_followers"] = 10 ** 30
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "new 10, duplicate 0, rejected 0" in result.output
    found = CliRunner().invoke(cli, ["search", "--json", "--limit", "20"]).output.splitlines()
    followers = {json.loads(line)["external_id"]: json.loads(line)["author_followers"]
                 for line in found}
    assert followers["3"] == 3_000_000_000
    assert followers["7"] == MAX_FOLLOWERS  # clamped: more than anyone has
