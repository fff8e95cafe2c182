"""The daily M&C digest: selection (``selection``), rendering (``render``), delivery (``delivery``).

Public API (imported lazily, so ``import monitor.digest.model`` stays cheap)::

    send_due(store, settings, now, *, if_due=True, digest_date=None, transport=None) -> SendReport
    preview(store, settings, now, digest_date=None) -> (DigestContent, RenderedDigest)
    write_digest_file(store, settings, out_dir, now) -> Path
    list_digests(store, limit=30) -> list[DigestRecord]

Urgent alerts live in :mod:`monitor.alerts` (``send_pending_alerts``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "send_due": "monitor.digest.delivery",
    "preview": "monitor.digest.delivery",
    "SendReport": "monitor.digest.delivery",
    "DigestOutcome": "monitor.digest.delivery",
    "write_digest_file": "monitor.digest.files",
    "list_digests": "monitor.digest.files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'monitor.digest' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
