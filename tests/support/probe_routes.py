"""Routes that exist only in the test app, to provoke the core's error paths."""

import colander
from pyramid.security import NO_PERMISSION_REQUIRED

from platform_core.errors import Conflict
from platform_core.rest import api_service
from platform_core.schemas import Money, StrictBoolean
from platform_core.validation import request_schema

boom = api_service("test.boom", "/api/_test/boom")
echo = api_service("test.echo", "/api/_test/echo")


class Line(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=20))
    quantity = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1))


class Lines(colander.SequenceSchema):
    line = Line()


class EchoBody(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=50))
    price = colander.SchemaNode(Money(), validator=colander.Range(min=0))
    lines = Lines(missing=colander.drop)


class EchoQuery(colander.MappingSchema):
    verbose = colander.SchemaNode(StrictBoolean(), missing=False)


@boom.get(permission=NO_PERMISSION_REQUIRED)
def explode(request):
    raise RuntimeError("secret internal detail /etc/passwd SELECT * FROM users")


@echo.post(permission=NO_PERMISSION_REQUIRED, schema=request_schema(body=EchoBody, querystring=EchoQuery))
def echo_body(request):
    return {"data": request.validated["body"], "message": "OK", "meta": {}}


def includeme(config):
    config.scan(__name__)
    config.add_route("test.conflict", "/api/_test/conflict")
    config.add_view(raise_conflict, route_name="test.conflict", permission=NO_PERMISSION_REQUIRED)


def raise_conflict(request):
    raise Conflict(errors={"name": ["Already taken"]})


whoami = api_service("test.whoami", "/api/_test/whoami")
write_then_fail = api_service("test.write_then_fail", "/api/_test/write-then-fail")


@whoami.get(permission="core.business.view")
def show_membership(request):
    """A tenant-scoped probe: which business and role the request acts in."""
    membership = request.membership
    return {"data": {"business_id": str(membership.business_id), "role": membership.role}, "message": "OK", "meta": {}}


@write_then_fail.post(permission=NO_PERMISSION_REQUIRED)
def write_then_fail_view(request):
    """Writes a business, flushes it, then fails: the transaction must roll back."""
    from platform_core.tenancy.models import Business

    request.dbsession.add(Business(name="Ghost", slug="ghost-business"))
    request.dbsession.flush()
    raise Conflict("failed after writing")


write_on_read = api_service("test.write_on_read", "/api/_test/write-on-read")


@write_on_read.get(permission=NO_PERMISSION_REQUIRED)
def write_on_read_view(request):
    """A read route that (wrongly) writes: its read session must refuse, not autocommit."""
    from platform_core.tenancy.models import Business

    request.dbsession.add(Business(name="Sneaky", slug="sneaky-business"))
    request.dbsession.flush()
    return {"data": None, "message": "OK", "meta": {}}
