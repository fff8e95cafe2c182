"""``signaleer db``: migrations and database facts."""

from __future__ import annotations

import click

from monitor.cli.common import handle_errors, open_store


@click.group()
def db() -> None:
    """Manage the database schema (Alembic migrations).

    \b
    Example:
      signaleer db upgrade
      signaleer db current
    """


@db.command()
@click.pass_context
@handle_errors
def upgrade(ctx: click.Context) -> None:
    """Create or migrate the database to the newest schema.

    \b
    Example:
      SIGNALEER_DATABASE_URL=postgresql://signaleer@db/signaleer signaleer db upgrade
    """
    from monitor import migrate
    from monitor.store import safe_url

    store = open_store(ctx, upgrade=True)
    with store:
        click.echo(f"{safe_url(str(store.engine.url))}: at revision "
                   f"{migrate.current_revision(store.engine)} (head)")


@db.command()
@click.pass_context
@handle_errors
def current(ctx: click.Context) -> None:
    """Show the schema revision of the database and whether it is up to date (exit 1 if not).

    \b
    Example:
      signaleer db current
    """
    from monitor import migrate

    store = open_store(ctx, upgrade=False)
    with store:
        rev = migrate.current_revision(store.engine)
        head = migrate.head_revision(store.engine)
        state = "up to date" if rev == head else f"behind head {head}; run 'signaleer db upgrade'"
        click.echo(f"revision {rev or 'none (empty database)'}: {state}")
    if rev != head:
        ctx.exit(1)
