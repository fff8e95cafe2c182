"""Start-up (issue 14): a command imports only what it needs, and commands that never run a
connector do not read the connectors' options. No timing is asserted: what is imported is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store

# Runs one command in a fresh interpreter, then prints the modules it imported.
PROBE = """
import json, sys
from monitor.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh interpreter imported to run ``signaleer ARGS`` on a migrated database."""
    url = f"sqlite:///{tmp_path / 'start.db'}"
    Store.open(url).close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALEER_")}
    env.update(SIGNALEER_DATABASE_URL=url,
               XDG_CONFIG_HOME=str(tmp_path / "xdg"), XDG_DATA_HOME=str(tmp_path / "xdg"))
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("MODULES=")), None)
    assert line is not None, done.stderr
    return set(json.loads(line.removeprefix("MODULES=")))


def loaded(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


@pytest.mark.parametrize("args", [("search", "curio", "--json"), ("show", "1", "--json"),
                                  ("status", "--json")])
def test_read_commands_import_no_connector_no_postgres_dialect_no_rich(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    modules = imported_by(tmp_path, *args)
    assert "sqlalchemy.engine" in modules  # the command did run
    for unwanted in ("sqlalchemy.dialects.postgresql", "rich", "connectors.base", "httpx",
                     "feedparser", "monitor.service.jobs", "monitor.digest", "alembic",
                     "monitor.classify"):
        assert not loaded(modules, unwanted), (args, loaded(modules, unwanted))


def test_search_show_and_status_ignore_broken_connector_options(
        cli_env: dict, tmp_path: Path) -> None:
    config = tmp_path / "signaleer.toml"
    config.write_text('[[connectors]]\nname = "kapot"\nkind = "rss"\n'
                      '[connectors.options]\nurl = "geen url"\n', encoding="utf-8")
    runner = CliRunner()
    collect = runner.invoke(cli, ["--config", str(config), "collect", "--all"])
    assert "connectors.kapot.options.url" in collect.output  # commands that run them check them
    for args in (["search", "curio"], ["show", "1"], ["status"]):
        result = runner.invoke(cli, ["--config", str(config), *args])
        assert "connectors.kapot" not in result.output, (args, result.output)
    assert runner.invoke(cli, ["--config", str(config), "status", "--json"]).exit_code == 0
