"""``signaleer doctor``: check config, database, secrets, SMTP and sources; exit 1 on any failure."""

from __future__ import annotations

import click


@click.command()
@click.option("--offline", is_flag=True, help="Skip the network checks (SMTP and sources).")
@click.option("--timeout", type=click.FloatRange(min=0.5, max=60), default=5.0, show_default=True,
              help="Seconds per network check.")
@click.pass_context
def doctor(ctx: click.Context, offline: bool, timeout: float) -> None:
    """Check that this installation can do its job; one ✓/✗ line per check.

    Config valid; database reachable and migrated; required secrets present (never shown);
    connector options valid; SMTP answers EHLO (and STARTTLS if configured); each enabled source
    answers a short HEAD/GET. Exits 1 if any check fails.

    \b
    Examples:
      signaleer --config /etc/signaleer/signaleer.toml doctor
      signaleer doctor --offline
    """
    from monitor.doctor import DoctorOptions, run_doctor

    path = (ctx.find_root().obj or {}).get("config_path")
    failed = 0
    for check in run_doctor(path, DoctorOptions(network=not offline, timeout=timeout)):
        click.echo(check.line())
        failed += not check.ok
    if failed:
        click.echo(f"{failed} check(s) failed", err=True)
        ctx.exit(1)
