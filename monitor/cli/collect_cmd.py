"""``signaleer collect`` and ``signaleer sources``."""

from __future__ import annotations

import click

from monitor.cli.common import handle_errors, open_store, settings_from


@click.command()
@click.argument("names", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every enabled connector.")
@click.option("--force", is_flag=True, help="Also run connectors that are waiting out a rate limit.")
@click.pass_context
@handle_errors
def collect(ctx: click.Context, names: tuple[str, ...], all_: bool, force: bool) -> None:
    """Fetch new mentions from connectors, classify and store them (one line per connector).

    Exits 1 if any connector failed, 75 if the daemon or another run holds the instance lock.
    This is the cron / systemd-timer job.

    \b
    Examples:
      signaleer collect --all
      signaleer collect omroep-brabant mastodon
    """
    from monitor.collecting import run_collect
    from monitor.service import single_instance

    settings = settings_from(ctx)
    with single_instance(settings, "collect"), open_store(ctx) as store:
        outcomes = run_collect(settings, store, names, all_=all_, force=force,
                               on_done=lambda o: click.echo(o.summary()))
    if any(not o.ok for o in outcomes):
        ctx.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_context
@handle_errors
def sources(ctx: click.Context, as_json: bool) -> None:
    """List the configured connectors and their health.

    \b
    Example:
      signaleer sources
    """
    from monitor.cli.sources_view import print_sources
    from monitor.store.state import all_states

    settings = settings_from(ctx)
    with open_store(ctx) as store, store.reading() as conn:
        states = {s.name: s for s in all_states(conn)}
    print_sources(settings, states, as_json=as_json)
