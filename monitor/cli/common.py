"""Shared pieces of the CLI: loading settings, opening the store, turning errors into messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor.errors import SignaleerError
from monitor.redaction import redact

if TYPE_CHECKING:
    from monitor.config import Settings
    from monitor.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """A one-line error with a chosen exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"signaleer: error: {self.format_message()}", err=True)


def parse_when(value: str | None, option: str, tz: object) -> datetime | None:
    """``2026-03-01`` or an ISO 8601 date-time; local dates are in the configured time zone."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{option}: expected a date like 2026-03-01 or 2026-03-01T08:00, "
                       f"got {value[:40]!r}", 2) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)  # type: ignore[arg-type]


def handle_errors(func: F) -> F:
    """Turn domain errors into ``CliError`` at the edge, so users never see a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SignaleerError as exc:
            raise CliError(redact(str(exc)), exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def settings_from(ctx: click.Context, *, connectors: bool = True) -> Settings:
    """The validated settings (loaded once per command). ``connectors=False``: the command never
    runs a connector, so their options are left to the commands that do (see
    ``runtime.load_checked_settings``)."""
    from monitor.runtime import check_parts, load_checked_settings

    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {}
    obj = root.obj
    if "settings" not in obj:
        obj["settings"] = load_checked_settings(obj.get("config_path"), connectors=connectors)
        obj["connectors_checked"] = connectors
    elif connectors and not obj.get("connectors_checked"):
        check_parts(obj["settings"])
        obj["connectors_checked"] = True
    return obj["settings"]  # type: ignore[no-any-return]


def open_store(ctx: click.Context, *, upgrade: bool = True, connectors: bool = True) -> Store:
    """Open the configured database, running migrations first unless ``upgrade`` is false."""
    from monitor.store import Store

    settings = settings_from(ctx, connectors=connectors)
    return Store.open(settings.database.url, upgrade=upgrade,
                      keep_fields=settings.retention.keep_fields)
