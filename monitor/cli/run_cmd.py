"""``signaleer run``: the daemon."""

from __future__ import annotations

import click

from monitor.cli.common import handle_errors, settings_from


@click.command()
@click.option("--standby", is_flag=True,
              help="If another instance holds the lock, wait and take over when it stops.")
@click.option("--poll-seconds", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="How often a standby instance tries the lock.")
@click.pass_context
@handle_errors
def run(ctx: click.Context, standby: bool, poll_seconds: float) -> None:
    """Run the scheduler daemon: collect, send the digest, apply retention.

    One job per enabled connector (its `every` and `jitter`), the digest at [digest] time in the
    institution's time zone (with a retry tick), retention daily. Runs the migrations first.
    SIGTERM/SIGINT finish the running job and exit 0; SIGHUP reloads the config (a bad one is
    refused and the old one keeps running). Speaks sd_notify when $NOTIFY_SOCKET is set.

    Only one instance runs per database: a second one exits with code 75, or waits with --standby.

    \b
    Examples:
      signaleer --config /etc/signaleer/signaleer.toml run
      signaleer --log-format json run --standby
    """
    from monitor.scheduler import DaemonOptions, run_daemon

    settings = settings_from(ctx)
    path = (ctx.find_root().obj or {}).get("config_path")
    options = DaemonOptions(config_path=path, standby=standby, poll_seconds=poll_seconds)
    ctx.exit(run_daemon(settings, options))
