"""Privacy by design (AVG/GDPR): retention, pseudonyms and data-subject rights.

* :mod:`monitor.privacy.pseudonym` — keyed pseudonyms for authors (HMAC-SHA256).
* :mod:`monitor.privacy.retention` — ``apply_retention``: the daily delete/pseudonymise job.
* :mod:`monitor.privacy.subjects` — ``export_subject`` and ``erase_subject`` (AVG art. 15 and 17).

Data minimisation (which source fields are stored at all) is a rule of storage:
:mod:`monitor.store.minimise`. SQL lives in :mod:`monitor.store.retention` and
:mod:`monitor.store.subjects`. See docs/privacy.md.
"""
