"""Request and response schemas of the booking plugin."""

import colander

from platform_booking.models import EXCEPTION_KINDS
from platform_core.schemas import Money, StrictBoolean, UUIDString, invalid_field


def _aware_datetime(node, value):
    if value.tzinfo is None:
        raise colander.Invalid(node, "Give the time with its offset, e.g. 2026-03-01T10:00:00+00:00")


class Interval(colander.MappingSchema):
    weekday = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=6),
                                  description="0 is Monday")
    start = colander.SchemaNode(colander.Time(), description="local wall-clock time, HH:MM")
    end = colander.SchemaNode(colander.Time())

    def validator(self, node, value):
        if value["start"] >= value["end"]:
            raise invalid_field(node, "end", "Must be after start")


class Intervals(colander.SequenceSchema):
    interval = Interval()


class ResourceSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=200))
    kind = colander.SchemaNode(colander.String(), validator=colander.Regex(r"^[a-z][a-z0-9_]{0,39}$"),
                               description="staff, room, equipment...: matches services' resource types")
    location_id = colander.SchemaNode(UUIDString())
    user_id = colander.SchemaNode(UUIDString(), missing=None, description="the member this staff resource is")
    active = colander.SchemaNode(StrictBoolean(), missing=True)
    working_hours = Intervals(missing=(), description="several intervals per weekday are allowed")


class ExceptionSchema(colander.MappingSchema):
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(EXCEPTION_KINDS))
    starts_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), validator=_aware_datetime)
    ends_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), validator=_aware_datetime)
    note = colander.SchemaNode(colander.String(), validator=colander.Length(max=200), missing="")

    def validator(self, node, value):
        if value["starts_at"] >= value["ends_at"]:
            raise invalid_field(node, "ends_at", "Must be after starts_at")


class AvailabilityQuery(colander.MappingSchema):
    service_id = colander.SchemaNode(UUIDString())
    date_from = colander.SchemaNode(colander.Date(), description="inclusive, in the location's timezone")
    date_to = colander.SchemaNode(colander.Date(), description="inclusive; at most 31 days after date_from")
    location_id = colander.SchemaNode(UUIDString(), missing=None)
    resource_id = colander.SchemaNode(UUIDString(), missing=None)

    def validator(self, node, value):
        span = (value["date_to"] - value["date_from"]).days
        if span < 0:
            raise invalid_field(node, "date_to", "Must not be before date_from")
        if span > 31:
            raise invalid_field(node, "date_to", "At most 31 days after date_from")


class ResourceIds(colander.SequenceSchema):
    resource_id = colander.SchemaNode(UUIDString())


class Recurrence(colander.MappingSchema):
    every_weeks = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=52), missing=1)
    count = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=2, max=52), missing=None)
    until = colander.SchemaNode(colander.Date(), missing=None)

    def validator(self, node, value):
        if (value["count"] is None) == (value["until"] is None):
            raise colander.Invalid(node, "Give either count or until")


class AppointmentSchema(colander.MappingSchema):
    client_id = colander.SchemaNode(UUIDString())
    service_id = colander.SchemaNode(UUIDString())
    location_id = colander.SchemaNode(UUIDString())
    starts_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), validator=_aware_datetime)
    resource_ids = ResourceIds(missing=(), description="chosen resources; others are assigned automatically")
    price = colander.SchemaNode(Money(), validator=colander.Range(min=0), missing=None,
                                description="managers only; the service's price by default")
    notes = colander.SchemaNode(colander.String(), validator=colander.Length(max=2000), missing="")
    recurrence = Recurrence(missing=None)


class AppointmentChanges(colander.MappingSchema):
    starts_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), validator=_aware_datetime,
                                    missing=colander.drop, description="rescheduling re-checks availability")
    location_id = colander.SchemaNode(UUIDString(), missing=colander.drop)
    resource_ids = ResourceIds(missing=colander.drop)
    price = colander.SchemaNode(Money(), validator=colander.Range(min=0), missing=colander.drop)
    notes = colander.SchemaNode(colander.String(), validator=colander.Length(max=2000), missing=colander.drop)


class CalendarQuery(colander.MappingSchema):
    date_from = colander.SchemaNode(colander.Date())
    date_to = colander.SchemaNode(colander.Date())
    resource_id = colander.SchemaNode(UUIDString(), missing=None)
    location_id = colander.SchemaNode(UUIDString(), missing=None)


class BookingSettings(colander.MappingSchema):
    slot_step_minutes = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=5, max=120),
                                            missing=15)
    min_notice_minutes = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=10080),
                                             missing=60)
    horizon_days = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=1, max=730), missing=60)
    cancellation_notice_hours = colander.SchemaNode(colander.Integer(), validator=colander.Range(min=0, max=720),
                                                    missing=24)
    online_status = colander.SchemaNode(colander.String(), validator=colander.OneOf(["pending", "confirmed"]),
                                        missing="pending", description="status of bookings from the portal")
    portal_enabled = colander.SchemaNode(StrictBoolean(), missing=True)


class PublicBookingBody(colander.MappingSchema):
    service_id = colander.SchemaNode(UUIDString())
    location_id = colander.SchemaNode(UUIDString())
    starts_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), validator=_aware_datetime)
    first_name = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=100))
    last_name = colander.SchemaNode(colander.String(), validator=colander.Length(max=100), missing="")
    email = colander.SchemaNode(colander.String(), validator=colander.Email(), missing=None)
    phone = colander.SchemaNode(colander.String(), validator=colander.Length(max=30), missing=None)
    consent_email = colander.SchemaNode(StrictBoolean(), missing=False)
    consent_sms = colander.SchemaNode(StrictBoolean(), missing=False)
    notes = colander.SchemaNode(colander.String(), validator=colander.Length(max=500), missing="")

    def validator(self, node, value):
        if not value.get("email") and not value.get("phone"):
            raise invalid_field(node, "email", "Give an email or a phone number")
