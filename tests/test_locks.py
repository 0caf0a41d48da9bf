"""Writers of one scope take turns (platform_core.db.locks)."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from platform_core.db.locks import lock_key, serialize

TRY = text("SELECT pg_try_advisory_xact_lock(:key)")
KEY_OF_X = -4583468325903753129


def test_keys_are_stable_and_differ_by_scope():
    # The same in every process (no hash randomisation): every server of a deployment takes the same lock.
    assert lock_key("booking.schedule", "x") == KEY_OF_X
    assert lock_key("booking.schedule", 1) == lock_key("booking.schedule", "1")
    assert lock_key("booking.schedule", 1) != lock_key("booking.schedule", 2)
    assert -2 ** 63 <= lock_key("x") < 2 ** 63


def test_a_scope_held_by_one_transaction_waits_for_it_and_others_do_not(app):
    engine = app.registry["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's write transactions are serialised whole")
    with Session(engine) as holder, engine.connect() as other:
        serialize(holder, "test.scope", "a")
        serialize(holder, "test.scope", "a")  # taken again by the same transaction: no wait
        assert other.execute(TRY, {"key": lock_key("test.scope", "a")}).scalar() is False
        assert other.execute(TRY, {"key": lock_key("test.scope", "b")}).scalar() is True
        other.rollback()
        holder.rollback()  # the transaction ends: the scope is free
        assert other.execute(TRY, {"key": lock_key("test.scope", "a")}).scalar() is True
        other.rollback()
