"""Serialising one kind of write per scope for the rest of the transaction.

Some rules are checked by reading before writing — "this time is free",
then the booking — and two transactions that both read before either wrote
would both pass. A constraint can still refuse the second (the booking
plugin's exclusion constraint does), but concurrent inserts guarded by an
exclusion constraint can also wait on each other and deadlock: PostgreSQL
then aborts one, and under a burst even the replays can deadlock again.
:func:`serialize` makes such writers of one scope (one business's
schedule) take turns instead: the second waits until the first commits,
then reads what it wrote. Different scopes never wait on each other.
"""

import hashlib

from sqlalchemy import text

from platform_core.db.session import refuse_if_read_only

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(*scope):
    """The signed 64-bit advisory lock key of ``scope`` (e.g. ``("booking.schedule", business_id)``)."""
    digest = hashlib.blake2b(repr(tuple(str(part) for part in scope)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def serialize(session, *scope):
    """Wait until no other transaction holds ``scope``, and hold it until this transaction ends.

    On PostgreSQL a transaction-level advisory lock (taken again by the same
    transaction, it does not wait). On SQLite every write transaction already
    holds the database's write lock from its start (``BEGIN IMMEDIATE``,
    :mod:`platform_core.db.engine`), which serialises more than this would.
    """
    refuse_if_read_only(session)  # autocommit would let the lock go at once
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"key": lock_key(*scope)})
