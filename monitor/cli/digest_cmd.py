"""``signaleer digest``: preview, send and list the daily M&C digest."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from monitor.cli.common import CliError, handle_errors, open_store, settings_from

EX_TEMPFAIL = 75  # sysexits.h: try again later (a retry is scheduled)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"--date: expected a date like 2026-03-02, got {value[:40]!r}", 2) from None


@click.group()
def digest() -> None:
    """Preview, send and list the daily digest for Marketing & Communications.

    \b
    Examples:
      signaleer digest preview --out digest.html
      signaleer digest send --if-due      # from cron or a systemd timer, every few minutes
      signaleer digest list
    """


@digest.command()
@click.option("--date", "day", help="Digest date (local), e.g. 2026-03-02. Default: today.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write the HTML part to this file.")
@click.option("--text", "as_text", is_flag=True, help="Print the plain-text part.")
@click.pass_context
@handle_errors
def preview(ctx: click.Context, day: str | None, out: str | None, as_text: bool) -> None:
    """Render the digest without sending it or marking anything as sent.

    Without --out or --text the HTML is printed to stdout.

    \b
    Examples:
      signaleer digest preview --text
      signaleer digest preview --date 2026-03-02 --out digest.html
    """
    from monitor.digest.delivery import preview as render_preview
    from monitor.private_files import write_private_text

    settings = settings_from(ctx)
    with open_store(ctx) as store:
        content, rendered = render_preview(store, settings, datetime.now(UTC), _date(day))
    if out:
        write_private_text(Path(out), rendered.html)
        click.echo(f"wrote {out}: {rendered.html_bytes:,} bytes, {content.item_count} item(s); "
                   f"subject: {rendered.subject}", err=True)
    if as_text:
        click.echo(rendered.text, nl=False)
    if not out and not as_text:
        click.echo(rendered.html)


@digest.command()
@click.option("--if-due", is_flag=True,
              help="Only once digest.time (local) has passed and today's digest is not sent yet.")
@click.option("--date", "day", help="Digest date (local). Default: today.")
@click.pass_context
@handle_errors
def send(ctx: click.Context, if_due: bool, day: str | None) -> None:
    """Send the digest, and retry any digest whose earlier attempt failed.

    A digest that was sent is never sent again. Without --if-due the digest is sent now, and a
    failed or skipped digest for that date is tried again. Exit status 75 means an attempt failed
    and a retry is scheduled; 1 means the server refused it for good (see 'signaleer digest list').

    \b
    Examples:
      signaleer digest send --if-due
      signaleer digest send --date 2026-03-02
    """
    from monitor.digest.delivery import send_due
    from monitor.service import single_instance

    settings = settings_from(ctx)
    with single_instance(settings, "digest"), open_store(ctx) as store:
        report = send_due(store, settings, datetime.now(UTC), if_due=if_due,
                          digest_date=_date(day))
    for o in report.outcomes:
        line = f"{o.digest_date} {o.audience}: {o.status}"
        line += f" (attempt {o.attempts})" if o.attempts else ""
        click.echo(line + (f": {o.error}" if o.error else ""))
    statuses = {o.status for o in report.outcomes}
    if "failed" in statuses:
        ctx.exit(1)
    if "pending" in statuses:
        ctx.exit(EX_TEMPFAIL)


@digest.command("list")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 1000))
@click.pass_context
@handle_errors
def list_cmd(ctx: click.Context, limit: int) -> None:
    """Show recent digests: date, status, items, attempts and the last error.

    \b
    Example:
      signaleer digest list --limit 7
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from monitor.digest.files import list_digests

    settings = settings_from(ctx)
    tz = settings.institution.tz
    with open_store(ctx) as store:
        records = list_digests(store, limit)
    console = Console(highlight=False)
    if not records:
        console.print("no digests yet; try 'signaleer digest preview --text'", markup=False)
        return
    table = Table()
    for name in ("date", "audience", "status", "items", "attempts", "sent", "last error"):
        table.add_column(name, overflow="fold")
    for r in records:
        sent = r.sent_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if r.sent_at else ""
        table.add_row(str(r.digest_date), escape(r.audience), r.status, str(r.item_count),
                      str(r.attempts), sent, escape((r.last_error or "")[:120]))
    console.print(table)
