"""Request and response schemas of businesses and members."""

import re
import zoneinfo

import colander

from platform_core.schemas import CurrencyCode

from platform_core.tenancy.models import ROLES

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_TIMEZONES = frozenset(zoneinfo.available_timezones())


def timezone_validator(node, value):
    if value not in _TIMEZONES:
        raise colander.Invalid(node, "Must be an IANA timezone such as Europe/London")


def _name(**kw):
    return colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=200),
                               preparer=lambda v: v.strip() if isinstance(v, str) else v, **kw)


def _slug(**kw):
    return colander.SchemaNode(
        colander.String(), validator=colander.Regex(SLUG, "Lower-case letters, digits and dashes"), **kw
    )


def _tz(**kw):
    return colander.SchemaNode(colander.String(), validator=timezone_validator, **kw)


def _currency(**kw):
    return colander.SchemaNode(CurrencyCode(), **kw)


def _role(**kw):
    return colander.SchemaNode(colander.String(), validator=colander.OneOf(ROLES), **kw)


class BusinessCreateBody(colander.MappingSchema):
    name = _name()
    slug = _slug(missing=None)
    timezone = _tz(missing="UTC")
    currency = _currency(missing="USD")


class BusinessUpdateBody(colander.MappingSchema):
    name = _name(missing=colander.drop)
    slug = _slug(missing=colander.drop)
    timezone = _tz(missing=colander.drop)
    currency = _currency(missing=colander.drop)


class MemberAddBody(colander.MappingSchema):
    email = colander.SchemaNode(colander.String(), validator=colander.All(colander.Length(max=254), colander.Email()))
    role = _role()
    full_name = _name(missing=None, description="used when the person has no account yet and is invited")


class MemberUpdateBody(colander.MappingSchema):
    role = _role()


class BusinessSchema(colander.MappingSchema):
    id = colander.SchemaNode(colander.String())
    name = colander.SchemaNode(colander.String())
    slug = colander.SchemaNode(colander.String())
    timezone = colander.SchemaNode(colander.String())
    currency = colander.SchemaNode(colander.String())
    role = colander.SchemaNode(colander.String(), description="the caller's role in it")
    created_at = colander.SchemaNode(colander.DateTime())
    updated_at = colander.SchemaNode(colander.DateTime())


class MemberSchema(colander.MappingSchema):
    user_id = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String())
    full_name = colander.SchemaNode(colander.String())
    role = colander.SchemaNode(colander.String())
    joined_at = colander.SchemaNode(colander.DateTime())
