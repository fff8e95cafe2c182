"""How ``signaleer sources`` shows connector health."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from monitor.cli.render import json_line, local_time, table_cell
from monitor.config import Settings
from monitor.store.state import SourceHealth


def health_word(state: SourceHealth | None, failing_after: int) -> str:
    if state is None:
        return "never run"
    if state.consecutive_failures >= failing_after:
        return f"FAILING ({state.consecutive_failures}x)"
    if state.consecutive_failures:
        return f"failed {state.consecutive_failures}x"
    if state.not_before and state.not_before > datetime.now(UTC):
        return "rate limited"
    return "ok"


def print_sources(settings: Settings, states: Mapping[str, SourceHealth], *, as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    tz = settings.institution.tz
    rows: list[dict[str, Any]] = []
    for conn in settings.connectors:
        state = states.get(conn.name)
        rows.append({
            "name": conn.name, "kind": conn.kind, "enabled": conn.enabled, "every_s": conn.every,
            "health": health_word(state, settings.digest.failing_after_runs),
            "last_success": state.last_success_at if state else None,
            "last_new": state.last_new_at if state else None,
            "last_status": state.last_status if state else None,
            "last_error": state.last_error if state else None,
        })
    if as_json:
        for row in rows:
            print(json_line(row, default=lambda v: v.isoformat()))
        return
    table = Table()
    for col in ("name", "kind", "health", "last success", "last new", "HTTP", "last error"):
        table.add_column(col, overflow="fold")
    for r in rows:
        when = lambda v: local_time(v, tz) if v else "-"  # noqa: E731
        table.add_row(r["name"], r["kind"] + ("" if r["enabled"] else " (off)"), r["health"],
                      when(r["last_success"]), when(r["last_new"]), str(r["last_status"] or "-"),
                      table_cell((r["last_error"] or "")[:120]))  # a server's words
    Console(highlight=False).print(table)
