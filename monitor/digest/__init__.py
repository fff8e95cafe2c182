"""Delivery: the daily M&C digest and urgent alerts.

* :mod:`monitor.digest.selection` — what goes in; :mod:`monitor.digest.render` — HTML and text.
* :mod:`monitor.digest.delivery` — ``send_due`` and ``preview``; :mod:`monitor.digest.files` —
  ``write_digest_file`` and ``list_digests``.
* :mod:`monitor.digest.alerts` — urgent alerts (``send_pending_alerts``).
* :mod:`monitor.digest.mailer` — building messages and the SMTP transport.
"""
