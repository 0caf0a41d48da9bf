"""A user's role in each of their businesses, cached for the per-request membership check.

Kept in Redis as ``tenancy:roles:<user id>`` (business id → role) and
forgotten when a flush adds, changes or removes one of the user's memberships.
"""

import uuid

import orjson
from sqlalchemy import event, select

from platform_core.db.cache import forget_after_commit
from platform_core.db.flush_duties import performed_by_direct_inserts
from platform_core.db.tenancy import TenantSession
from platform_core.prefetch import remembered
from platform_core.tenancy.models import Membership


def roles_key(user_id):
    return f"tenancy:roles:{user_id}"


def roles_of(redis, dbsession, user_id, request=None):
    """``{business_id: role}`` of the user."""

    def load():
        return dict(dbsession.execute(
            select(Membership.business_id, Membership.role).where(Membership.user_id == user_id)).all())

    return remembered(request, redis, roles_key(user_id), load, dump=_dump_roles, parse=_parse_roles)


def _dump_roles(roles):
    return orjson.dumps({str(business_id): role for business_id, role in roles.items()})


def _parse_roles(value):
    return {uuid.UUID(business_id): role for business_id, role in orjson.loads(value).items()}


@event.listens_for(TenantSession, "after_flush")
@performed_by_direct_inserts(Membership)
def _forget_changed_memberships(session, flush_context):
    changed = {obj.user_id for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, Membership)}
    if changed:
        forget_after_commit(session, *map(roles_key, changed))
