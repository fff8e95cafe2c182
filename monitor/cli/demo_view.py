"""What ``signaleer demo`` prints after the run."""

from __future__ import annotations

from monitor.cli.render import print_table
from monitor.demo import DEMO_INSTITUTION, DemoReport
from monitor.store import Store
from monitor.store.search import SearchFilters, search

SHOWN = 12


def show_demo(report: DemoReport) -> None:
    from zoneinfo import ZoneInfo

    from rich.console import Console

    out = Console(highlight=False)
    tz = ZoneInfo("Europe/Amsterdam")
    out.print(f"  imported {report.imported} sample social-media posts", markup=False)
    with Store.open(report.database_url) as store, store.reading() as conn:
        flagged = search(conn, None, SearchFilters(flagged=True, limit=200))
        found = search(conn, DEMO_INSTITUTION["name"], SearchFilters(limit=5))
    out.rule("Flagged for M&C, most urgent first, with reasons")
    flagged.sort(key=lambda i: -(i.verdict.severity.rank if i.verdict else 0))
    for item in flagged[:SHOWN]:
        v = item.verdict
        if v is None or not v.flagged:
            continue
        head = f"#{item.id} {v.severity.value.upper()} [{', '.join(v.categories)}] "
        out.print(head + f"{item.mention.author or item.mention.source}: "
                  + " ".join(item.mention.text.split())[:110], markup=False)
        for reason in v.reasons:
            out.print(f"    - {reason}", markup=False)
    if len(flagged) > SHOWN:
        out.print(f"... and {len(flagged) - SHOWN} more: signaleer search --flagged", markup=False)
    out.rule("signaleer search curio")
    print_table(found, tz, "curio")
    if report.digest_path:
        out.print(f"Digest written to {report.digest_path}", markup=False)
    if report.config_path is not None:  # the demo's own settings, not the user's
        out.print(f"Try: signaleer --config {report.config_path} search 'rooster'", markup=False,
                  soft_wrap=True)  # a command to copy: never broken over lines
