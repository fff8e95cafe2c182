"""Printing mentions: rich tables for people, JSON lines and CSV for programs."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from monitor.models import StoredMention

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


def print_json_lines(items: Iterable[StoredMention]) -> None:
    out = sys.stdout
    for item in items:
        out.write(json.dumps(as_dict(item), ensure_ascii=False) + "\n")


def print_csv(items: Iterable[StoredMention]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        row = as_dict(item)
        row["categories"] = ";".join(row["categories"])
        writer.writerow(row)


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
                      _escape(item.mention.label), _escape(item.mention.author or ""), flag,
                      _escape(excerpt(item.mention.title or item.mention.text)))
    console.print(table)
    shown = (shown_note(len(items), total) if total is not None and total > len(items)
             else f"{len(items)} mention(s)")
    console.print(f"{shown}; 'signaleer show ID' for details", markup=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
