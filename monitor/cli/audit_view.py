"""How ``signaleer audit`` prints entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo

from monitor.cli.render import local_time
from monitor.store.audit import AuditEntry


def print_audit(found: Sequence[AuditEntry], tz: tzinfo, *, as_json: bool) -> None:
    if as_json:
        for e in found:
            print(json.dumps({"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                              "target": e.target, "details": e.details}, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for col in ("when", "who", "action", "target", "details"):
        table.add_column(col, overflow="fold")
    for e in found:
        details = ", ".join(f"{k}={v}" for k, v in (e.details or {}).items())
        table.add_row(local_time(e.at, tz), e.actor, e.action, e.target or "", details)
    Console(highlight=False).print(table if found else "the audit log is empty")
