"""Silent wiring (issue 12.10): a required part that cannot be imported is an error, never a
collect that reports success while urgent alerts quietly vanish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitor.cli import missing_part_message
from monitor.feedserver import FeedServer
from tests.integration.pipeline.test_collect_cli import rss

# css_inline unimportable, as on a broken install; then the real command line
BROKEN = "import sys; sys.modules['css_inline'] = None; from monitor.cli import main; main(sys.argv[1:])"


def _config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "signaleer.toml"
    path.write_text(f"""
[institution]
name = "Curio"

[digest]
recipients = ["mc@curio.example"]

[[connectors]]
name = "nieuws"
kind = "rss"
[connectors.options]
url = "{base}/nieuws.xml"
""", encoding="utf-8")
    return path


def test_collect_without_css_inline_fails_loudly(tmp_path: Path) -> None:
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "nieuws.xml").write_text(rss([("Bommelding bij Curio", "Bommelding bij Curio Breda, "
                                          "het gebouw is ontruimd.")]), encoding="utf-8")
    env = {**os.environ, "SIGNALEER_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    env.pop("JOURNAL_STREAM", None)
    with FeedServer(root) as server:
        done = subprocess.run([sys.executable, "-c", BROKEN, "--config",
                               str(_config(tmp_path, server.base_url)), "collect", "--all"],
                              capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 70, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "incomplete" in lines[0] and "'css_inline'" in lines[0], lines[0]
    assert "ok, fetched" not in done.stdout  # no collect that claims success


def test_missing_optional_extra_names_the_extra() -> None:
    message = missing_part_message(ModuleNotFoundError("No module named 'psycopg'", name="psycopg"))
    assert "signaleer[postgres]" in message and "'psycopg'" in message
    message = missing_part_message(ModuleNotFoundError("No module named 'sklearn'", name="sklearn"))
    assert "signaleer[ml]" in message
