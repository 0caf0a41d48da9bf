"""Redis keys that mirror database rows, forgotten when the transaction that changed them commits.

Hot, rarely changing facts (a user's roles, whether an account is active) are
read from Redis on every request; code that changes the rows calls
:func:`forget_after_commit` with the keys, and they are deleted once the
change is committed, so every process reads the new state on its next
request. Deleting only after the commit means no request can re-cache the
old state in between.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

PENDING = "cache.forget"
REDIS = "cache.redis"


def forget_after_commit(session, *keys):
    session.info.setdefault(PENDING, set()).update(keys)


@event.listens_for(Session, "after_commit")
def _forget(session):
    keys = session.info.pop(PENDING, None)
    redis = session.info.get(REDIS)
    if keys and redis is not None:
        redis.delete(*keys)


@event.listens_for(Session, "after_rollback")
def _drop(session):
    session.info.pop(PENDING, None)
