"""Printing mentions: rich tables for people, JSON lines and CSV for programs."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from monitor.models import StoredMention
from monitor.store.mentions import UNSAFE_CODEPOINTS

# Shown, never obeyed: a control character or bidi override prints as its escape (``\x1b``).
# The store strips them on the way in; this is the second line, for rows stored before that.
_VISIBLE = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in UNSAFE_CODEPOINTS}
_VISIBLE_KEEPING_LINES = {c: v for c, v in _VISIBLE.items() if chr(c) not in "\n\t"}
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in UNSAFE_CODEPOINTS if c >= 0x7F}  # json escapes C0

CSV_FIELDS = ("id", "source", "outlet", "published_at", "author", "author_followers", "severity",
              "categories", "status", "url", "title", "text")


def as_dict(item: StoredMention) -> dict[str, Any]:
    m = item.mention
    verdict = item.verdict
    return {
        "id": item.id,
        "source": m.source,
        "kind": m.kind,
        "outlet": m.outlet,
        "external_id": m.external_id,
        "url": m.url,
        "author": m.author,
        "author_followers": m.author_followers,
        "published_at": m.published_at.isoformat(),
        "title": m.title,
        "text": m.text,
        "lang": m.lang,
        "cluster_id": item.cluster_id,
        "severity": verdict.severity.value if verdict else None,
        "score": round(verdict.score, 3) if verdict else None,
        "categories": list(verdict.categories) if verdict else [],
        "reasons": list(verdict.reasons) if verdict else [],
        "status": item.triage_status,
    }


def shown_note(shown: int, total: int) -> str:
    """What a capped search says: ``50 of 120 shown; --limit N or --all``."""
    return f"{shown} of {total} shown; --limit N or --all"


def terminal_safe(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control character and bidi override made visible as an escape;
    ``keep_lines`` leaves line breaks and tabs alone."""
    if text.isprintable():
        return text
    return text.translate(_VISIBLE_KEEPING_LINES if keep_lines else _VISIBLE)


def json_line(data: object, **options: Any) -> str:
    """JSON with DEL, C1 controls and bidi overrides escaped too (``json`` escapes only C0)."""
    return json.dumps(data, ensure_ascii=False, **options).translate(_JSON_ESCAPES)


def print_json_lines(items: Iterable[StoredMention]) -> None:
    out = sys.stdout
    for item in items:
        out.write(json_line(as_dict(item)) + "\n")


def print_csv(items: Iterable[StoredMention]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        row = as_dict(item)
        row["categories"] = ";".join(row["categories"])
        writer.writerow({k: csv_cell(v) for k, v in row.items() if k in CSV_FIELDS})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that cannot drive the terminal it is printed in, nor start a spreadsheet
    formula (``=HYPERLINK(...)``): such a cell gets a leading ``'``, as OWASP advises."""
    if not isinstance(value, str):
        return value
    safe = terminal_safe(value, keep_lines=True)
    return f"'{safe}" if value.startswith(_FORMULA_START) else safe


def local_time(value: datetime, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def short_time(value: datetime, tz: tzinfo) -> str:
    """``25-11 14:05`` this year, else ``2025-11-25``: fits narrow terminals."""
    local = value.astimezone(tz)
    return local.strftime("%d-%m %H:%M") if local.year == datetime.now(tz).year else f"{local:%Y-%m-%d}"


def excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def print_table(items: Sequence[StoredMention], tz: tzinfo, query: str | None = None, *,
                total: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not items:
        console.print("no mentions found" + (f" for {query!r}" if query else ""), markup=False)
        return
    table = Table(show_lines=False, expand=True)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("source", no_wrap=True)
    table.add_column("author", no_wrap=True, max_width=14, overflow="ellipsis")
    table.add_column("flag", no_wrap=True)
    table.add_column("text", ratio=1, overflow="fold")
    for item in items:
        verdict = item.verdict
        flag = verdict.severity.value if verdict and verdict.flagged else ""
        table.add_row(str(item.id), short_time(item.mention.published_at, tz),
                      table_cell(item.mention.label), table_cell(item.mention.author or ""), flag,
                      table_cell(excerpt(item.mention.title or item.mention.text)))
    console.print(table)
    shown = (shown_note(len(items), total) if total is not None and total > len(items)
             else f"{len(items)} mention(s)")
    console.print(f"{shown}; 'signaleer show ID' for details", markup=False)


def table_cell(text: str) -> str:
    """Safe in a rich table cell: no markup, no control characters (for any stored text)."""
    from rich.markup import escape

    return escape(terminal_safe(text))
