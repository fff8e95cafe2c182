"""Benchmarks that print figures and ratios (``python -m bench.ingest``, ``python -m bench.search``)."""
