"""``signaleer import FILE.jsonl``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from monitor.cli.common import handle_errors, open_store, settings_from
from monitor.config import DEFAULT_MAX_AGE
from monitor.configschema import parse_every

SHOWN_PROBLEMS = 20


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--max-age", default=DEFAULT_MAX_AGE, show_default=True,
              help="Older mentions are stored and searchable, but never alerted or new in a digest.")
@click.pass_context
@handle_errors
def import_cmd(ctx: click.Context, path: Path, batch_size: int, max_age: str) -> None:
    """Load mentions from a JSON-lines file (one object per line), and classify them.

    Fields: source, external_id, url, text, published_at (ISO 8601); optional author,
    author_followers, title, lang, kind. Duplicates (same source and external_id) are skipped.
    New mentions are classified exactly as `collect` does. Exit code 1 when any line was rejected.

    \b
    Example:
      signaleer import mentions.jsonl
    """
    from rich.console import Console

    from monitor.cli.progress import byte_progress
    from monitor.importer import Intake, import_file
    from monitor.runtime import build_classifier

    age = timedelta(seconds=parse_every(max_age, "--max-age"))
    settings = settings_from(ctx, connectors=False)
    store = open_store(ctx, connectors=False)
    size = path.stat().st_size if path.exists() else 0
    with store, byte_progress(f"importing {path.name}", size) as advance:
        intake = Intake(classifier=build_classifier(settings, store), max_age=age)
        report = import_file(store, path, batch_size=batch_size, progress=advance, intake=intake)
    err = Console(stderr=True, highlight=False)
    for line, reason in report.problems[:SHOWN_PROBLEMS]:
        err.print(f"{path.name}:{line}: {reason}", markup=False)
    hidden = report.rejected + report.cleaned - min(len(report.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        err.print(f"... and {hidden} more lines with problems", markup=False)
    click.echo(f"new {report.new}, duplicate {report.duplicate}, rejected {report.rejected}"
               + (f" (cleaned {report.cleaned})" if report.cleaned else "")
               + f"; classified {report.new}, flagged {report.flagged}")
    if report.rejected:
        ctx.exit(1)
