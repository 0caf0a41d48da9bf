"""Businesses and their members, under ``/api/businesses``."""

from pyramid.decorator import reify
from sqlalchemy import select

from platform_core.auth.policy import AUTHENTICATED
from platform_core.envelope import created, deleted, ok, paginated, updated
from platform_core.lookup import no_such, path_uuid
from platform_core.openapi import api_doc
from platform_core.rest import api_service
from platform_core.tenancy import schemas
from platform_core.tenancy.context import find_membership
from platform_core.tenancy.models import Business, Membership
from platform_core.tenancy.services import BusinessService, business_as_dict, member_as_dict
from platform_core.validation import request_schema

TAGS = ["businesses"]


class BusinessContext:
    """The business named in the path, seen through the caller's membership.

    A business the caller does not belong to answers 404, as if it did not
    exist: ids of other tenants reveal nothing.
    """

    def __init__(self, request):
        self.request = request

    @reify
    def membership(self):
        identity = self.request.platform_identity
        business_id = path_uuid(self.request, "business", "business_id")
        membership = identity and find_membership(self.request, identity.user_id, business_id)
        if not membership:
            raise no_such("business")
        return membership

    @property
    def business(self):
        return self.membership.business


businesses = api_service("core.businesses", "/businesses")
business = api_service("core.businesses.item", "/businesses/{business_id}", factory=BusinessContext)
members = api_service("core.members", "/businesses/{business_id}/members", factory=BusinessContext)
member = api_service("core.members.item", "/businesses/{business_id}/members/{user_id}", factory=BusinessContext)


@businesses.get(permission=AUTHENTICATED)
@api_doc(response=schemas.BusinessSchema(), paginated=True, tags=TAGS)
def list_businesses(request):
    """The caller's businesses, with the caller's role in each."""
    rows = request.dbsession.execute(
        select(Business, Membership.role)
        .join(Membership, Membership.business_id == Business.id)
        .where(Membership.user_id == request.identity.user_id)
        .order_by(Business.name)
    )
    items = [business_as_dict(found, role) for found, role in rows]
    return paginated(items, page=1, page_size=max(len(items), 1), total=len(items))


@businesses.post(permission=AUTHENTICATED, schema=request_schema(body=schemas.BusinessCreateBody))
@api_doc(response=schemas.BusinessSchema(), status=201, tags=TAGS, errors=["conflict"])
def create_business(request):
    """Create a business; the caller becomes its admin. Modules start disabled."""
    body = request.validated["body"]
    new = BusinessService(request).create(request.identity.user, **body)
    return created(request, business_as_dict(new, "admin"), "Business created")


@business.get(permission="core.business.view")
@api_doc(response=schemas.BusinessSchema(), tags=TAGS)
def get_business(request):
    """One of the caller's businesses."""
    return ok(business_as_dict(request.context.business, request.context.membership.role))


@business.patch(permission="core.business.manage", schema=request_schema(body=schemas.BusinessUpdateBody))
@api_doc(response=schemas.BusinessSchema(), tags=TAGS, errors=["conflict"])
def update_business(request):
    """Change the business's name, slug, timezone or currency (admin)."""
    changed = BusinessService(request).update(request.context.business, request.validated["body"])
    return updated(business_as_dict(changed, request.context.membership.role), "Business updated")


@members.get(permission="core.members.view")
@api_doc(response=schemas.MemberSchema(), paginated=True, tags=TAGS)
def list_members(request):
    """Everyone in the business, with their role (admin, manager)."""
    items = [member_as_dict(m) for m in BusinessService(request).members(request.context.business)]
    return paginated(items, page=1, page_size=max(len(items), 1), total=len(items))


@members.post(permission="core.members.manage", schema=request_schema(body=schemas.MemberAddBody))
@api_doc(response=schemas.MemberSchema(), status=201, tags=TAGS, errors=["conflict"])
def add_member(request):
    """Add a person by email with a role; a person without an account is invited by mail (admin)."""
    body = request.validated["body"]
    membership = BusinessService(request).add_member(request.context.business, **body)
    return created(request, member_as_dict(membership), "Member added")


@member.patch(permission="core.members.manage", schema=request_schema(body=schemas.MemberUpdateBody))
@api_doc(response=schemas.MemberSchema(), tags=TAGS, errors=["conflict"])
def change_member_role(request):
    """Change a member's role; the last admin cannot be demoted (admin)."""
    membership = BusinessService(request).change_role(
        request.context.business, request.matchdict["user_id"], request.validated["body"]["role"]
    )
    return updated(member_as_dict(membership), "Role changed")


@member.delete(permission="core.members.manage")
@api_doc(tags=TAGS, errors=["conflict"])
def remove_member(request):
    """Remove a member; the last admin cannot be removed (admin)."""
    BusinessService(request).remove_member(request.context.business, request.matchdict["user_id"])
    return deleted("Member removed")
