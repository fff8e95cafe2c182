"""``signaleer retention``: apply the retention policy (the privacy module's engine)."""

from __future__ import annotations

import click

from monitor.cli.common import handle_errors, open_store, settings_from
from monitor.cli.privacy_cmd import retention_new_key


@click.group()
def retention() -> None:
    """Delete and pseudonymise old mentions according to [retention].

    \b
    Examples:
      signaleer retention apply --dry-run
      signaleer retention new-key /etc/signaleer/pseudonym-key
    """


retention.add_command(retention_new_key, "new-key")


@retention.command()
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.pass_context
@handle_errors
def apply(ctx: click.Context, dry_run: bool) -> None:
    """Apply the retention policy now (the daily cron / systemd-timer job).

    Deletes unflagged and flagged mentions older than [retention] unflagged_days and
    flagged_days, and pseudonymises authors after pseudonymise_after_days; every run is recorded
    in the audit log. Takes the instance lock: exits 75 if the daemon or another run holds it.

    \b
    Examples:
      signaleer retention apply
      signaleer retention apply --dry-run
    """
    from monitor.service import single_instance
    from monitor.service.jobs import retention_job

    settings = settings_from(ctx)
    with single_instance(settings, "retention"), open_store(ctx) as store:
        result = retention_job(settings, store, dry_run=dry_run)
    click.echo(result.summary)
    if not result.ok:
        ctx.exit(1)
