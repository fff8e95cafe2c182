"""Alembic migrations for Signaleer (the only way the schema is created or changed)."""
