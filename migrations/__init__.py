"""Alembic migrations for Signaleer (the only way the schema is created or changed)."""

# The newest revision. Kept here so that commands can check "is the schema current?" with one
# query and without importing Alembic (which costs ~0.2 s of start-up). A test keeps it in sync.
HEAD = "0004"
