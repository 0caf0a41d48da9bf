"""Redis keys that mirror database rows, forgotten when a transaction changes them, and the Redis work after a commit.

Hot, rarely changing facts (a user's roles, whether an account is active) are
read from Redis on every request; code that changes the rows calls
:func:`forget_after_commit` with the keys, and they are deleted at once and
again once the change is committed, so every process reads the new state on
its next request: the first delete fails the write if Redis cannot be
reached, the second removes what a request may have re-cached in between.

Once the database has committed, a Redis failure no longer fails the request
(:func:`run_after_commit`): the write happened, and an error response would
have the client retry it.
"""

import logging

from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from platform_core.db.flush_duties import performed_by_direct_inserts

log = logging.getLogger(__name__)

PENDING = "cache.after_commit"
REDIS = "cache.redis"
#: Set while the session's after-commit actions wait for a commit made outside it (:func:`defer_after_commit`).
DEFERRED = "cache.deferred"


def after_commit(session, action, *items):
    """Call ``action(redis, items)`` once the session's transaction commits, with every item gathered by then.

    Nothing happens if it rolls back. The Redis writes that follow a change
    (forgetting cached rows, bumping count versions) go through here.
    """
    session.info.setdefault(PENDING, {}).setdefault(action, set()).update(items)


def forget_after_commit(session, *keys):
    """Delete ``keys`` now, and again once the session's transaction commits.

    Now: if Redis cannot be reached, the error fails the write, and no change
    is committed while its old copies stay cached (for up to an hour). Again
    after the commit: a request that read the old rows meanwhile may have
    cached them anew. A session without a Redis client (``REDIS`` in its
    ``info``) forgets nothing.
    """
    redis = session.info.get(REDIS)
    if redis is not None:
        redis.delete(*keys)
    after_commit(session, _forget, *keys)


def _forget(redis, keys):
    redis.delete(*keys)


def defer_after_commit(session):
    """Leave the session's after-commit actions to :func:`run_after_commit`, called by whoever commits.

    For a session whose own commit commits nothing: it runs inside a
    transaction begun and committed outside it
    (:mod:`platform_core.db.write_connection`).
    """
    session.info[DEFERRED] = True


def run_after_commit(session):
    """Run the actions gathered by :func:`after_commit` (the transaction has committed).

    A Redis error is logged, not raised: the write stands and so does its
    response. What it leaves behind lasts until the keys expire at most: a
    key forgotten before the commit (:func:`forget_after_commit`) stays
    stale only if a concurrent request cached it again in between, and a
    count version not bumped leaves a list's total one write behind until
    the next write bumps it or the cached total expires.
    """
    session.info.pop(DEFERRED, None)
    pending = session.info.pop(PENDING, None)
    redis = session.info.get(REDIS)
    if pending and redis is not None:
        for action, items in pending.items():
            try:
                action(redis, items)
            except RedisError:
                log.exception("Redis failed after a commit: %s not done for %s", action.__name__,
                              sorted(map(str, items)))


def drop_after_commit(session):
    """Forget the actions gathered by :func:`after_commit` (the transaction rolled back)."""
    session.info.pop(DEFERRED, None)
    session.info.pop(PENDING, None)


@event.listens_for(Session, "after_commit")
@performed_by_direct_inserts()
def _run(session):
    # A savepoint's release commits nothing yet; nor does the Session's commit inside a transaction begun
    # outside it, which runs the actions itself.
    if not session.in_nested_transaction() and not session.info.get(DEFERRED):
        run_after_commit(session)


@event.listens_for(Session, "after_rollback")
@performed_by_direct_inserts()
def _drop(session):
    # A savepoint's rollback leaves the transaction's earlier work (and its actions) in place.
    if not session.in_nested_transaction() and not session.info.get(DEFERRED):
        drop_after_commit(session)
