"""Cached row counts of tenant tables, so a list's ``total`` does not grow in cost with the table.

An unfiltered list's total is kept in Redis under a per-(table, business)
version number; a flush that adds, deletes or restores rows of the table
increments the version once the transaction commits. A reader takes the
version first and counts only on a miss, so a count made just before a
commit is stored under the old version and never served after it.
"""

from sqlalchemy import event

from platform_core.db.cache import REDIS, after_commit
from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.history import pending_history
from platform_core.db.mixins import SoftDeletable, TenantScoped
from platform_core.db.tenancy import BUSINESS, TenantSession
from platform_core.redis_client import run_script

#: The version and the count stored under it, in one round trip.
_READ_VERSIONED = "local v = redis.call('GET', KEYS[1]) or '0' return {v, redis.call('GET', KEYS[2] .. v)}"
#: Every touched version incremented and kept a while, in one round trip.
_BUMP = "for _, key in ipairs(KEYS) do redis.call('INCR', key) redis.call('EXPIRE', key, ARGV[1]) end"
CACHE_SECONDS = 3600
VERSION_SECONDS = 30 * 86400


def _version_key(table, business_id):
    return f"count:version:{table}:{business_id}"


def cached_total(session, table, compute):
    """The count ``compute()`` returns, cached for the session's business; uncached without one."""
    redis, business_id = session.info.get(REDIS), session.info.get(BUSINESS)
    if redis is None or business_id is None:
        return compute()
    prefix = f"count:{table}:{business_id}:"
    version, cached = run_script(redis, _READ_VERSIONED, (_version_key(table, business_id), prefix))
    key = prefix + version
    if cached is not None:
        return int(cached)
    total = compute()
    redis.set(key, total, ex=CACHE_SECONDS)
    return total


def _changes_membership(obj):
    if not isinstance(obj, SoftDeletable):
        return False
    return pending_history(obj, "is_deleted").has_changes()


def rows_changed(session, *touched):
    """Bump the count versions of ``touched`` ``(table, business_id)`` pairs once the session commits."""
    after_commit(session, _bump, *touched)


@event.listens_for(TenantSession, "after_flush")
@performed_by_direct_inserts()
def _collect(session, flush_context):
    touched = {
        (obj.__tablename__, obj.business_id)
        for obj in (*session.new, *session.deleted, *(o for o in session.dirty if _changes_membership(o)))
        if isinstance(obj, TenantScoped)
    }
    if touched:
        rows_changed(session, *touched)


def _bump(redis, touched):
    keys = [_version_key(table, business_id) for table, business_id in touched]
    run_script(redis, _BUMP, keys, (VERSION_SECONDS,))
