"""``signaleer alerts``: the chat channels — list them, send a test message, send what is due."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from monitor.cli.common import handle_errors, open_store, settings_from


@click.group()
def alerts() -> None:
    """Chat channels for urgent items and spikes (Teams, Slack, Mattermost, Matrix, ...).

    Channels are the [[alerts.channels]] tables of the config. Their URLs are secrets and are
    never shown; the daemon and 'signaleer collect' send to them after every collect.

    \b
    Examples:
      signaleer alerts list
      signaleer alerts test mc-teams
      signaleer alerts send
    """


@alerts.command("list")
@click.pass_context
@handle_errors
def list_cmd(ctx: click.Context) -> None:
    """Show each channel: its service (never the URL), what it takes and when.

    \b
    Example:
      signaleer alerts list
    """
    from monitor.digest.channels import describe

    settings = settings_from(ctx)
    if not settings.alerts.channels:
        click.echo("no alert channels configured (add [[alerts.channels]] to the config)")
        return
    for c in settings.alerts.channels:
        quiet = "-".join(c.quiet_hours) if c.quiet_hours else "none"
        categories = ", ".join(c.categories) or "all"
        click.echo(f"{c.name}: {describe(c)}; {c.min_severity} and up; categories: {categories}; "
                   f"quiet hours: {quiet}; at most {c.max_per_hour}/hour; "
                   f"spikes: {'yes' if c.spikes else 'no'}")


@alerts.command("test")
@click.argument("channel")
@click.pass_context
@handle_errors
def test_cmd(ctx: click.Context, channel: str) -> None:
    """Send a short test message to CHANNEL now (not recorded; sent every time you run it).

    \b
    Example:
      signaleer alerts test mc-teams
    """
    from monitor.digest.channels import AppriseTransport, describe
    from monitor.digest.chat_compose import labels
    from monitor.digest.chat_render import channel_test_message

    settings = settings_from(ctx)
    target = settings.alerts.channel(channel)
    message = channel_test_message(target.name, settings.institution.name, labels(settings))
    AppriseTransport().send(target, message)
    click.echo(f"sent a test message to {target.name} ({describe(target)})")


@alerts.command("send")
@click.pass_context
@handle_errors
def send_cmd(ctx: click.Context) -> None:
    """Send the chat alerts that are due now (what runs after every collect).

    Exit status 1 when a channel refused a message (it is retried later).

    \b
    Example:
      signaleer alerts send
    """
    from monitor.digest.chat_delivery import send_chat_alerts

    settings = settings_from(ctx)
    with open_store(ctx) as store:
        reports = send_chat_alerts(store, settings, datetime.now(UTC))
    for report in reports:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in report.counts) or "nothing due"
        click.echo(f"{report.channel}: {counts}")
        for error in report.errors:
            click.echo(f"  {error}", err=True)
    if any(r.errors for r in reports):
        ctx.exit(1)
