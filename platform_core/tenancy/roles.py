"""A user's role in each of their businesses, cached for the per-request membership check.

Kept in Redis as ``tenancy:roles:<user id>`` (business id → role) and
forgotten when a flush adds, changes or removes one of the user's memberships.
"""

import uuid

import orjson
from sqlalchemy import event, select

from platform_core.db.cache import forget_after_commit
from platform_core.db.tenancy import TenantSession
from platform_core.prefetch import cached
from platform_core.tenancy.models import Membership

CACHE_SECONDS = 3600


def roles_key(user_id):
    return f"tenancy:roles:{user_id}"


def roles_of(redis, dbsession, user_id, request=None):
    """``{business_id: role}`` of the user."""
    value = cached(request, redis, roles_key(user_id))
    if value is not None:
        return {uuid.UUID(business_id): role for business_id, role in orjson.loads(value).items()}
    rows = dbsession.execute(
        select(Membership.business_id, Membership.role).where(Membership.user_id == user_id)).all()
    redis.set(roles_key(user_id), orjson.dumps({str(b): r for b, r in rows}), ex=CACHE_SECONDS)
    return {business_id: role for business_id, role in rows}


@event.listens_for(TenantSession, "after_flush")
def _forget_changed_memberships(session, flush_context):
    changed = {obj.user_id for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, Membership)}
    if changed:
        forget_after_commit(session, *map(roles_key, changed))
