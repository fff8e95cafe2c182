"""The instance lock on both databases: PostgreSQL uses an advisory lock on its own connection."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from monitor.db import normalise_url
from monitor.service.lock import InstanceLock, LockBusy, current_holder, instance_lock


def test_one_holder_at_a_time_and_the_refusal_names_it(db_url: str) -> None:
    with instance_lock(db_url, purpose="daemon") as held:
        assert held.alive()
        with pytest.raises(LockBusy) as caught:
            InstanceLock(db_url, "collect").acquire()
        assert caught.value.exit_code == 75
        assert "held by daemon on" in str(caught.value)
        holder = current_holder(db_url)
        assert holder is not None and holder.purpose == "daemon"
    assert current_holder(db_url) is None
    with instance_lock(db_url, purpose="collect"):
        pass


def test_postgresql_lock_is_lost_with_its_connection(pg_schema_url: str) -> None:
    purpose = f"t{uuid.uuid4().hex[:10]}"  # only this test's connection is terminated
    lock = InstanceLock(pg_schema_url, purpose)
    lock.acquire()
    engine = create_engine(normalise_url(pg_schema_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name LIKE :app"), {"app": f"signaleer-lock:{purpose}:%"})
        assert not lock.alive()
        lock.release()
        with instance_lock(pg_schema_url, purpose="next"):  # the server dropped it
            pass
    finally:
        engine.dispose()


def test_installations_in_other_schemas_do_not_block_each_other(pg_schema_url: str) -> None:
    from monitor.service.lock import LOCK_KEY, lock_key

    assert lock_key("public") == lock_key(None) == LOCK_KEY
    assert lock_key("tenant_b") != LOCK_KEY
    schema = pg_schema_url.rsplit("search_path%3D", 1)[1]
    other = f"{schema}_b"
    admin = create_engine(normalise_url(pg_schema_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{other}"'))
        other_url = pg_schema_url.replace(f"search_path%3D{schema}", f"search_path%3D{other}")
        with (instance_lock(pg_schema_url, purpose="a"), instance_lock(other_url, purpose="b"),
              pytest.raises(LockBusy)):
            InstanceLock(other_url, "c").acquire()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
        admin.dispose()
