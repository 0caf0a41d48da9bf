"""The active business of a request and the caller's role in it.

``X-Business-Id`` names the business; without it a user with exactly one
membership acts in that one. ``request.membership`` is resolved on first use
and raises the contract's errors: 400 ``business_required`` when no business
can be chosen, 403 ``not_a_member`` for a business the user does not belong to.
"""

import uuid
from dataclasses import dataclass, field

from platform_core.db.tenancy import set_tenant
from platform_core.errors import BadRequest, BusinessRequired, NotAMember, NotAuthenticated
from platform_core.tenancy.models import Business
from platform_core.tenancy.roles import roles_of

HEADER = "X-Business-Id"


def parse_business_id(value):
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise BadRequest(errors={HEADER: ["Must be a business id"]}) from None


def business_in_header(request, quiet=False):
    """The business ``X-Business-Id`` names, or None without the header.

    A malformed header is 400; ``quiet`` makes it None instead (for the
    identity's prefetch, which only guesses; the membership check answers 400).
    """
    header = request.headers.get(HEADER)
    if not header:
        return None
    try:
        return parse_business_id(header)
    except BadRequest:
        if quiet:
            return None
        raise


@dataclass(frozen=True)
class ActiveMembership:
    """The caller's role in a business; the business row itself is loaded only if asked for."""

    business_id: uuid.UUID
    user_id: uuid.UUID
    role: str
    dbsession: object = field(repr=False, compare=False)

    @property
    def business(self):
        return self.dbsession.get(Business, self.business_id)


def find_membership(request, user_id, business_id):
    """The user's membership in the business, or None; scopes the session to it when found."""
    role = roles_of(request.redis, request.dbsession, user_id, request).get(business_id)
    if role is None:
        return None
    set_tenant(request.dbsession, business_id, user_id)
    return ActiveMembership(business_id, user_id, role, request.dbsession)


def active_membership(request):
    """The caller's membership in the request's active business."""
    identity = request.platform_identity
    if identity is None:
        raise NotAuthenticated()
    business_id = business_in_header(request)
    if business_id is not None:
        membership = find_membership(request, identity.user_id, business_id)
        if membership is None:
            raise NotAMember()
        return membership
    roles = roles_of(request.redis, request.dbsession, identity.user_id, request)
    if len(roles) != 1:
        raise BusinessRequired()
    (business_id, role), = roles.items()
    set_tenant(request.dbsession, business_id, identity.user_id)
    return ActiveMembership(business_id, identity.user_id, role, request.dbsession)
