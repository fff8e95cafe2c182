"""``signaleer search QUERY``."""

from __future__ import annotations

import click

from monitor.cli.common import CliError, handle_errors, open_store, parse_when, settings_from
from monitor.models import TRIAGE_FILTERS, Severity


def query_from(words: tuple[str, ...]) -> str | None:
    """The query from the command line's words. Unknown options come here too, so that
    ``search -curio`` and ``search curio -vacature`` work unquoted; a mistyped long option
    (``--flaged``) is still an error."""
    typo = next((w for w in words if w.startswith("--") and len(w) > 2), None)
    if typo is not None:
        raise CliError(f"no such option: {typo.split('=')[0]} (see 'signaleer search --help'; "
                       f"to leave a word out of the results, write -word)", 2)
    return " ".join(words) or None


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1)
@click.option("--source", "sources", multiple=True,
              help="Only this connector, by name (or every one of a kind, e.g. rss); repeatable.")
@click.option("--since", help="Published on or after (date or date-time, local time).")
@click.option("--until", help="Published before (date or date-time, local time).")
@click.option("--author", "authors", multiple=True, help="Only this author (repeatable).")
@click.option("--flagged", is_flag=True, help="Only mentions the classifier flagged.")
@click.option("--severity", type=click.Choice([s.value for s in Severity if s.rank]),
              help="Only mentions at or above this severity.")
@click.option("--status", type=click.Choice(TRIAGE_FILTERS), help="Triage status.")
@click.option("--lang", "langs", multiple=True, help="Language code, e.g. nl (repeatable).")
@click.option("--category", "categories", multiple=True,
              help="Flag category, e.g. complaint, crisis, press, praise (repeatable).")
@click.option("--limit", default=50, show_default=True, type=int,
              help="Show at most this many (the output says when there are more).")
@click.option("--all", "all_", is_flag=True,
              help="Every match; with --json or --csv streamed, however many there are.")
@click.option("--sort", type=click.Choice(["newest", "oldest", "relevance"]), default="newest",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON lines on stdout.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout.")
@click.pass_context
@handle_errors
def search(ctx: click.Context, words: tuple[str, ...], sources: tuple[str, ...], since: str | None,
           until: str | None, authors: tuple[str, ...], flagged: bool, severity: str | None,
           status: str | None, langs: tuple[str, ...], categories: tuple[str, ...], limit: int,
           all_: bool, sort: str, as_json: bool, as_csv: bool) -> None:
    """Search stored mentions, newest first.

    Words are ANDed; use "exact phrase", OR, -excluded and prefix*. A word to
    leave out may come first, unquoted (-vacature is a query, not an option).

    \b
    Examples:
      signaleer search curio
      signaleer search '"open dag" OR voorlichting -vacature' --since 2026-01-01
      signaleer search -vacature curio breda
      signaleer search --flagged --severity urgent --json
      signaleer search --since 2026-01-01 --all --csv > export.csv
    """
    from monitor.cli.render import print_csv, print_json_lines, print_table, shown_note
    from monitor.models import Severity
    from monitor.store.search import SearchFilters, count_matches, search_all
    from monitor.store.search import search as run_search

    if as_json and as_csv:
        raise CliError("choose one of --json and --csv", 2)
    query = query_from(words)
    settings = settings_from(ctx)
    tz = settings.institution.tz
    filters = SearchFilters(
        sources=sources, since=parse_when(since, "--since", tz), until=parse_when(until, "--until", tz),
        authors=authors, flagged=flagged,
        min_severity=Severity.parse(severity) if severity else None, status=status,
        langs=langs, categories=categories, limit=limit, sort=sort)
    with open_store(ctx, connectors=False) as store, store.reading() as conn:
        if all_:  # streamed: written while it is read
            found = search_all(conn, query, filters)
            if as_json:
                print_json_lines(found)
            elif as_csv:
                print_csv(found)
            else:
                print_table(list(found), tz, query)
            return
        results = run_search(conn, query, filters)
        total = (count_matches(conn, query, filters) if len(results) == filters.limit
                 else len(results))
    if as_json or as_csv:
        (print_json_lines if as_json else print_csv)(results)
        if total > len(results):
            click.echo(shown_note(len(results), total), err=True)
    else:
        print_table(results, tz, query, total=total)
