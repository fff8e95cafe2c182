"""The digest's source health says what is wrong in a short sentence in its own language; the
technical detail (status line, HTML, errno) is in `signaleer status` only (issue 12.8)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.feedserver import FeedServer


@pytest.fixture
def site(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text('<!DOCTYPE HTML><html lang="en"><body>Welkom</body></html>',
                                     encoding="utf-8")
    with FeedServer(root) as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_health_in_plain_dutch_and_the_detail_in_status(cli_env: dict, tmp_path: Path,
                                                         site: FeedServer) -> None:
    config = tmp_path / "signaleer.toml"
    config.write_text(f"""
[institution]
name = "Curio"

[[connectors]]
name = "weg"
kind = "rss"
[connectors.options]
url = "{site.base_url}/bestaat-niet.xml"
retries = 0

[[connectors]]
name = "webpagina"
kind = "rss"
[connectors.options]
url = "{site.base_url}/index.html"
retries = 0

[[connectors]]
name = "dicht"
kind = "rss"
[connectors.options]
url = "http://127.0.0.1:{_closed_port()}/feed.xml"
retries = 0
""", encoding="utf-8")
    run = lambda *a: CliRunner().invoke(cli, ["--config", str(config), *a])  # noqa: E731
    assert run("collect", "--all").exit_code == 1
    digest = run("digest", "preview", "--text").output
    assert "weg (rss):" in digest
    assert "Het adres bestaat niet (meer); controleer de URL in de instellingen." in digest
    assert "Het adres geeft geen nieuwsfeed (maar bijvoorbeeld een webpagina)." in digest
    assert "De bron is niet bereikbaar (geen verbinding)." in digest
    assert "Details: signaleer status" in digest
    for raw in ("DOCTYPE", "Errno", "404", "check the URL", "Alle bronnen werken normaal"):
        assert raw not in digest, raw
    status = run("status").output
    assert "weg: last error:" in status and "404" in status
