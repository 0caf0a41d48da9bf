"""Request and response schemas of the clients plugin."""

from decimal import Decimal

import colander

from platform_core.schemas import Money, PhoneNumber, StrictBoolean, Tags, UUIDString
from platform_clients.models import GENDERS, SOURCES


def _lower_strip(value):
    return value.strip().lower() if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClientSchema(colander.MappingSchema):
    first_name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=100), preparer=_strip)
    last_name = colander.SchemaNode(colander.String(), validator=colander.Length(max=100), missing="",
                                    preparer=_strip)
    email = colander.SchemaNode(colander.String(), validator=colander.All(colander.Length(max=254), colander.Email()),
                                missing=None, preparer=_lower_strip)
    phone = colander.SchemaNode(PhoneNumber(), missing=None, description="stored in E.164, e.g. +351912345678")
    date_of_birth = colander.SchemaNode(colander.Date(), missing=None)
    gender = colander.SchemaNode(colander.String(), validator=colander.OneOf(GENDERS), missing=None)
    notes = colander.SchemaNode(colander.String(), validator=colander.Length(max=5000), missing="")
    tags = Tags(missing=())
    consent_email = colander.SchemaNode(StrictBoolean(), missing=False)
    consent_sms = colander.SchemaNode(StrictBoolean(), missing=False)
    consent_whatsapp = colander.SchemaNode(StrictBoolean(), missing=False)
    preferred_location_id = colander.SchemaNode(UUIDString(), missing=None)
    source = colander.SchemaNode(colander.String(), validator=colander.OneOf(SOURCES), missing="walk_in")


class ClientReadOnly(colander.MappingSchema):
    consent_email_at = colander.SchemaNode(colander.DateTime(), missing=None,
                                           description="when email consent was last given or withdrawn")
    consent_sms_at = colander.SchemaNode(colander.DateTime(), missing=None)
    consent_whatsapp_at = colander.SchemaNode(colander.DateTime(), missing=None)
    merged_into_id = colander.SchemaNode(colander.String(), missing=None)


class MergeBody(colander.MappingSchema):
    duplicate_id = colander.SchemaNode(UUIDString(), description="the client merged into this one, then deleted")


class Tier(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=50))
    min_points = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=1_000_000_000))


class Tiers(colander.SequenceSchema):
    tier = Tier()


class LoyaltyProgramSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=100))
    points_per_currency_unit = colander.SchemaNode(Money(maximum=Decimal("999999.99")),
                                                   validator=colander.Range(min=0), missing="1.00")
    points_per_visit = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=100_000),
                                           missing=0)
    tiers = Tiers(missing=())
    active = colander.SchemaNode(StrictBoolean(), missing=True)


class PointsBody(colander.MappingSchema):
    points = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=1_000_000))
    reason = colander.SchemaNode(colander.String(), validator=colander.Length(max=200), missing="")


class AdjustBody(colander.MappingSchema):
    points = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=-1_000_000, max=1_000_000),
                                 description="signed: negative takes points away (never below zero)")
    reason = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=200))


class ClientsSettings(colander.MappingSchema):
    loyalty_enabled = colander.SchemaNode(StrictBoolean(), missing=True)
