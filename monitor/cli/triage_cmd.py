"""``signaleer triage``, ``signaleer reclassify`` and ``signaleer audit``."""

from __future__ import annotations

import click

from monitor.cli.common import handle_errors, open_store, parse_when, settings_from
from monitor.models import TriageStatus


@click.command()
@click.argument("mention_id", type=int)
@click.argument("status", type=click.Choice([s.value for s in TriageStatus]))
@click.option("--note", help="Free text, e.g. what was done.")
@click.option("--by", "actor", help="Who (default: the OS user).")
@click.pass_context
@handle_errors
def triage(ctx: click.Context, mention_id: int, status: str, note: str | None,
           actor: str | None) -> None:
    """Record M&C's judgement of a mention (also feeds the learned model).

    \b
    Examples:
      signaleer triage 42 handled --note "gebeld met student" --by anouk
      signaleer triage 43 not-relevant
    """
    from datetime import UTC, datetime

    from monitor.store.audit import current_actor
    from monitor.store.triage import triage_mention

    who = current_actor(actor)
    with open_store(ctx, connectors=False) as store:
        triage_mention(store, mention_id, status, actor=who, note=note, at=datetime.now(UTC))
    click.echo(f"mention {mention_id}: {status} (by {who})")


@click.command()
@click.option("--since", help="Only mentions published on or after this date (YYYY-MM-DD).")
@click.pass_context
@handle_errors
def reclassify(ctx: click.Context, since: str | None) -> None:
    """Run the classifier again over stored mentions (after changing config or model).

    \b
    Example:
      signaleer reclassify --since 2026-01-01
    """
    from monitor.cli.progress import count_progress
    from monitor.reclassify import count_to_reclassify
    from monitor.reclassify import reclassify as run
    from monitor.runtime import build_classifier

    settings = settings_from(ctx, connectors=False)
    when = parse_when(since, "--since", settings.institution.tz)
    with open_store(ctx, connectors=False) as store:
        classifier = build_classifier(settings, store)
        with count_progress("reclassifying", count_to_reclassify(store, when)) as advance:
            done = run(store, classifier, since=when, progress=advance)
    click.echo(f"reclassified {done} mention(s) with {classifier.version}")


@click.command()
@click.option("--since", help="Only entries on or after this date (YYYY-MM-DD).")
@click.option("--action", help="Only this action, e.g. triage, erase, export, retention.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@click.pass_context
@handle_errors
def audit(ctx: click.Context, since: str | None, action: str | None, as_json: bool) -> None:
    """Show the audit log: triage, exports, erasures, retention runs, config reloads.

    \b
    Example:
      signaleer audit --since 2026-11-01
    """
    from monitor.cli.audit_view import print_audit
    from monitor.store.audit import entries

    settings = settings_from(ctx, connectors=False)
    when = parse_when(since, "--since", settings.institution.tz)
    with open_store(ctx, connectors=False) as store, store.reading() as conn:
        found = entries(conn, since=when, action=action)
    print_audit(found, settings.institution.tz, as_json=as_json)
