"""Privacy by design (AVG/GDPR): data minimisation, retention, pseudonyms and data-subject rights.

* :mod:`monitor.privacy.minimise` — which source fields are stored at all (``minimise_extra``).
* :mod:`monitor.privacy.pseudonym` — keyed pseudonyms for authors (HMAC-SHA256).
* :mod:`monitor.privacy.retention` — ``apply_retention``: the daily delete/pseudonymise job.
* :mod:`monitor.privacy.subjects` — ``export_subject`` and ``erase_subject`` (AVG art. 15 and 17).

SQL lives in :mod:`monitor.store.retention` and :mod:`monitor.store.subjects`. See docs/privacy.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ErasureReport", "RetentionReport", "SubjectExport", "apply_retention", "erase_subject",
           "export_subject", "minimise_extra"]

_WHERE = {"apply_retention": "retention", "RetentionReport": "retention",
          "export_subject": "subjects", "erase_subject": "subjects", "SubjectExport": "subjects",
          "ErasureReport": "subjects", "minimise_extra": "minimise"}


def __getattr__(name: str) -> Any:
    """Lazy exports, so that ``monitor.store`` can import ``minimise`` without a cycle."""
    if name not in _WHERE:
        raise AttributeError(f"module 'monitor.privacy' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"monitor.privacy.{_WHERE[name]}"), name)
