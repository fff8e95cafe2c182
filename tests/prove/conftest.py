"""The proof suite: every test here is ``slow``; CI runs them all (plain ``pytest`` deselects nothing).

A test that restarts or kills PostgreSQL uses ``throwaway_postgres``, never the shared server.
"""

from __future__ import annotations

import pytest

from tests.prove.pg_cluster import throwaway_postgres

__all__ = ["throwaway_postgres"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/prove/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
