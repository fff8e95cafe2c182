"""``signaleer show ID``."""

from __future__ import annotations

import click

from monitor.cli.common import CliError, handle_errors, open_store, settings_from


@click.command()
@click.argument("mention_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
@handle_errors
def show(ctx: click.Context, mention_id: int, as_json: bool) -> None:
    """Print one mention in full, with its flags and triage history.

    \b
    Example:
      signaleer show 42
    """
    from monitor.cli.showview import print_mention, print_mention_json
    from monitor.store.reading import cluster_size, flag_rows, get_mention, triage_history

    tz = settings_from(ctx, connectors=False).institution.tz
    with open_store(ctx, connectors=False) as store, store.reading() as conn:
        item = get_mention(conn, mention_id)
        if item is None:
            raise CliError(f"no mention with id {mention_id}")
        history = triage_history(conn, mention_id)
        flag_list = flag_rows(conn, mention_id)
        reposts = cluster_size(conn, item.cluster_id) - 1
    if as_json:
        print_mention_json(item, flag_list, history, reposts)
    else:
        print_mention(item, flag_list, history, reposts, tz)
