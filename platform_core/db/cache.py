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

PENDING = "cache.after_commit"
REDIS = "cache.redis"


def after_commit(session, action, *items):
    """Call ``action(redis, items)`` once the session's transaction commits, with every item gathered by then.

    Nothing happens if it rolls back. The Redis writes that follow a change
    (forgetting cached rows, bumping count versions) go through here.
    """
    session.info.setdefault(PENDING, {}).setdefault(action, set()).update(items)


def forget_after_commit(session, *keys):
    after_commit(session, _forget, *keys)


def _forget(redis, keys):
    redis.delete(*keys)


@event.listens_for(Session, "after_commit")
def _run(session):
    pending = session.info.pop(PENDING, None)
    redis = session.info.get(REDIS)
    if pending and redis is not None:
        for action, items in pending.items():
            action(redis, items)


@event.listens_for(Session, "after_rollback")
def _drop(session):
    session.info.pop(PENDING, None)
