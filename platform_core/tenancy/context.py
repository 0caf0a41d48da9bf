"""The active business of a request and the caller's role in it.

``X-Business-Id`` names the business; without it a user with exactly one
membership acts in that one. ``request.membership`` is resolved on first use
and raises the contract's errors: 400 ``business_required`` when no business
can be chosen, 403 ``not_a_member`` for a business the user does not belong to.
"""

import uuid

from sqlalchemy import select

from platform_core.db.tenancy import set_tenant
from platform_core.errors import BadRequest, BusinessRequired, NotAMember, NotAuthenticated
from platform_core.tenancy.models import Membership

HEADER = "X-Business-Id"


def parse_business_id(value):
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise BadRequest(errors={HEADER: ["Must be a business id"]}) from None


def find_membership(dbsession, user_id, business_id):
    """The user's membership in the business, or None; scopes the session to it when found."""
    membership = dbsession.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.business_id == business_id)
    )
    if membership is not None:
        set_tenant(dbsession, membership.business_id, user_id)
    return membership


def active_membership(request):
    """The caller's membership in the request's active business."""
    identity = request.platform_identity
    if identity is None:
        raise NotAuthenticated()
    header = request.headers.get(HEADER)
    if header:
        membership = find_membership(request.dbsession, identity.user_id, parse_business_id(header))
        if membership is None:
            raise NotAMember()
        return membership
    memberships = request.dbsession.scalars(
        select(Membership).where(Membership.user_id == identity.user_id).limit(2)
    ).all()
    if len(memberships) != 1:
        raise BusinessRequired()
    set_tenant(request.dbsession, memberships[0].business_id, identity.user_id)
    return memberships[0]
