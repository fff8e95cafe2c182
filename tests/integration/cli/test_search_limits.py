"""Search says when it stops at --limit, and --all exports everything, streamed (issue 12.6)."""

from __future__ import annotations

import contextlib
import json
import os
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.cli.render import print_json_lines
from monitor.models import Mention
from monitor.store import Store
from monitor.store.search import SearchFilters, search_all

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)


def _mentions(n: int, start: int = 0) -> list[Mention]:
    return [Mention(source="archief", external_id=str(i), url=f"https://e.nl/{i}",
                    text=f"Bericht {i} over Curio in Breda. " + "Lorem ipsum dolor sit amet. " * 8,
                    published_at=T0 + timedelta(minutes=i)) for i in range(start, start + n)]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_search_says_how_many_it_left_out_and_all_exports_everything(
        cli_env: dict, db_url: str, tmp_path: Path) -> None:
    with Store.open(db_url) as store:
        store.insert_new(_mentions(120))
    table = run("search", "curio")
    assert "50 of 120 shown; --limit N or --all" in table.output
    assert "120 mention(s)" in run("search", "curio", "--all").output
    assert "11 mention(s);" in run("search", "--source", "archief", "bericht 11*").output

    as_json = CliRunner().invoke(cli, ["search", "curio", "--json"])
    assert len(as_json.stdout.splitlines()) == 50
    assert "50 of 120 shown; --limit N or --all" in as_json.stderr
    everything = run("search", "curio", "--json", "--all").output.splitlines()
    assert len(everything) == 120
    assert [json.loads(x)["external_id"] for x in everything[:2]] == ["119", "118"]
    csv_rows = run("search", "curio", "--csv", "--all", "--sort", "oldest").output.splitlines()
    assert len(csv_rows) == 121 and csv_rows[1].split(",")[0] != "id"


def _peak_export_bytes(store: Store) -> int:
    with store.reading() as conn, open(os.devnull, "w") as sink, \
            contextlib.redirect_stdout(sink):
        tracemalloc.start()
        print_json_lines(search_all(conn, "curio", SearchFilters(), chunk=200))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_all_streams_in_constant_memory(store: Store) -> None:
    store.insert_new(_mentions(400))
    small = _peak_export_bytes(store)
    store.insert_new(_mentions(3600, start=400))
    large = _peak_export_bytes(store)
    assert large < 2 * small  # 10 times the rows, not 10 times the memory
