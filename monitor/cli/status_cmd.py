"""``signaleer status``: connectors, the last digest and the database, at a glance."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import click

from monitor.cli.common import handle_errors, open_store, settings_from

if TYPE_CHECKING:
    from monitor.status import StatusReport


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of tables.")
@click.pass_context
@handle_errors
def status(ctx: click.Context, as_json: bool) -> None:
    """Show each connector's last success and failure, items today, next run and health; the
    last digest and its state; each alert channel's messages of the last 7 days (sent, waiting,
    failed, uncertain); database size and mention counts (all, flagged, open).

    Exits 0 even when something is unhealthy: use `signaleer doctor` for a pass/fail check.

    \b
    Examples:
      signaleer status
      signaleer status --json | jq '.connectors[] | select(.health != "ok")'
    """
    from monitor.status import build_status

    settings = settings_from(ctx, connectors=False)  # reads only
    with open_store(ctx, connectors=False) as store:
        report = build_status(settings, store)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print(report, settings.institution.tz)


def _when(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else "-"


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _print(report: StatusReport, tz: tzinfo) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="connectors")
    for col in ("name", "kind", "health", "last success", "last failure", "today", "next run"):
        table.add_column(col, overflow="fold")
    for c in report.connectors:
        table.add_row(c.name, c.kind, c.health, _when(c.last_success, tz), _when(c.last_failure, tz),
                      str(c.items_today), _when(c.next_run, tz))
    console.print(table)
    for c in report.connectors:  # the technical detail the digest leaves out
        if c.last_error and c.health != "ok":
            console.print(f"{c.name}: last error: {' '.join(c.last_error.split())[:500]}",
                          markup=False)
    d = report.digest
    console.print("last digest: " + (f"{d.digest_date} {d.status}, {d.items} items, "
                                     f"sent {_when(d.sent_at, tz)}, {d.attempts} attempt(s)"
                                     + (f", last error: {d.last_error}" if d.last_error else "")
                                     if d else "none yet"))
    for ch in report.channels:
        trouble = (f", {ch.failed} failed, {ch.uncertain} uncertain (may not have arrived)"
                   if ch.failed or ch.uncertain else "")
        console.print(f"alert channel {ch.name}: {ch.sent} sent, {ch.waiting} waiting, "
                      f"{ch.suppressed} over the cap in 7 days{trouble}; last sent "
                      f"{_when(ch.last_sent, tz)}" + (f"; last error: {ch.last_error}"
                                                      if ch.last_error else ""), markup=False)
    db = report.database
    console.print(f"database: {db.url} ({db.dialect}), {_size(db.size_bytes)}; mentions {db.mentions}, "
                  f"flagged {db.flagged}, open {db.open}")
    console.print(f"instance lock: {report.instance or 'free (no daemon running)'}")
