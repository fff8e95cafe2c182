"""``signaleer demo``."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import handle_errors


@click.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("signaleer-demo"), show_default=True,
              help="Folder for the demo database and digest (recreated each run).")
@handle_errors
def demo(folder: Path) -> None:
    """Run the whole job offline on SQLite with bundled sample data.

    Serves sample news feeds on 127.0.0.1, collects and classifies them, adds sample social-media
    posts, writes the digest to a file and shows the flagged mentions and a search.

    \b
    Example:
      signaleer demo
      signaleer demo --dir /tmp/signaleer-demo
    """
    from monitor.cli.demo_view import show_demo
    from monitor.demo import run_demo

    click.echo(f"Signaleer demo in {folder}/ (offline; feeds served on 127.0.0.1)")
    report = run_demo(folder, on_outcome=lambda o: click.echo("  collect " + o.summary()))
    show_demo(report)
