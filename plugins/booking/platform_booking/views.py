"""Staff routes of booking: resources and exceptions, availability, appointments, calendar."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import colander
from sqlalchemy import select

from platform_booking import schemas
from platform_booking.availability import locations_for
from platform_booking.ics import feed_token
from platform_booking.models import Allocation, Appointment, Resource, ResourceException, WorkingHours
from platform_booking.schedule import local_to_utc
from platform_booking.services import TRANSITIONS, Bookings
from platform_clients.api import Client
from platform_core.envelope import created, deleted, ok
from platform_core.errors import PermissionDenied, ValidationFailed
from platform_core.listing import ListSpec
from platform_core.locations.models import Location
from platform_core.lookup import get_or_404, no_such, path_uuid
from platform_core.openapi import api_doc
from platform_core.resources import StandardResource
from platform_core.rest import api_service
from platform_core.tenancy.context import find_membership
from platform_core.validation import request_schema
from platform_services.api import Service

TAGS = ["booking"]


class ResourceResource(StandardResource):
    model = Resource
    collection = "resources"
    permission_prefix = "booking.resources"
    schema = schemas.ResourceSchema()
    listing = ListSpec(ordering=("name", "kind", "created_at"), default_ordering="name", search=("name",),
                       filters=("kind", "location_id", "active", "user_id"))
    references = {"location_id": Location}
    unmapped_fields = ("working_hours",)
    title = "Resource"
    tags = TAGS

    def prepare(self, values):
        user_id = values.get("user_id")
        if user_id is not None and find_membership(self.request, user_id, self.request.membership.business_id) is None:
            raise ValidationFailed.field("user_id", "Not a member of this business")
        return values

    def apply(self, obj, values):
        hours = values.pop("working_hours", None)
        super().apply(obj, values)
        if hours is not None:
            obj.hours = [WorkingHours(weekday=h["weekday"], starts=h["start"], ends=h["end"]) for h in hours]

    def serialize(self, obj):
        data = super().serialize(obj)
        data["working_hours"] = [{"weekday": h.weekday, "start": h.starts, "end": h.ends} for h in obj.hours]
        return data


class AppointmentResource(StandardResource):
    model = Appointment
    collection = "appointments"
    permission_prefix = "booking.appointments"
    schema = schemas.AppointmentSchema()
    listing = ListSpec(ordering=("starts_at", "created_at"), default_ordering="starts_at",
                       filters=("status", "client_id", "service_id", "location_id", "starts_at", "channel",
                                "series_id"), ranges=("starts_at",), date_field="starts_at")
    references = {"client_id": Client, "service_id": Service, "location_id": Location}
    title = "Appointment"
    tags = TAGS

    def create(self):
        values = self.request.validated["body"]
        self.check_references(values)
        business_id = self.request.membership.business_id
        if values.get("price") is not None:
            self._require("booking.appointments.override_price")
        bookings = Bookings(self.request)
        fields = {k: values[k] for k in ("client_id", "service_id", "location_id", "resource_ids", "price", "notes")}
        recurrence = values.get("recurrence")
        if recurrence:
            made, clashes = bookings.book_series(business_id, values["starts_at"], recurrence["every_weeks"],
                                                 recurrence["count"], recurrence["until"], **fields)
            data = {"created": [self.serialize(a) for a in made], "clashes": clashes}
            return created(self.request, data, f"{len(made)} appointments booked, {len(clashes)} clashes")
        appointment = bookings.book(business_id, starts_at=values["starts_at"], **fields)
        return created(self.request, self.serialize(appointment), "Appointment booked")

    def update(self):
        appointment = self.load()
        values = self.request.validated["body"]
        if "price" in values:
            self._require("booking.appointments.override_price")
        if {"starts_at", "location_id", "resource_ids"} & set(values):
            # First: the move takes the schedule lock and reads the appointment again.
            self.check_references({"location_id": values.get("location_id")})
            Bookings(self.request).reschedule(appointment, values.get("starts_at"), values.get("resource_ids"),
                                              values.get("location_id"))
        if "price" in values:
            appointment.price = values["price"]
        if "notes" in values:
            appointment.notes = values["notes"]
        self.flush()
        return ok(self.serialize(appointment), "Appointment updated")

    def delete(self):
        appointment = self.load()
        for allocation in appointment.allocations:
            allocation.active = False
        return super().delete()

    def transition(self, name):
        appointment = Bookings(self.request).transition(self.load(), name)
        return ok(self.serialize(appointment), f"Appointment {appointment.status.replace('_', ' ')}")

    def serialize(self, obj):
        data = {name: getattr(obj, name) for name in (
            "id", "client_id", "service_id", "location_id", "starts_at", "ends_at", "price", "currency", "notes",
            "status", "channel", "cancelled_at", "late_cancellation", "series_id", "occurrence",
            "created_at", "updated_at", "created_by", "updated_by")}
        data["resource_ids"] = [a.resource_id for a in obj.allocations if a.active]
        return data

    def _require(self, permission):
        if not self.request.has_permission(permission):
            raise PermissionDenied("Only managers may set the price")


availability = api_service("booking.availability", "/availability")
exceptions = api_service("booking.resources.exceptions", "/resources/{id}/exceptions")
exception_item = api_service("booking.resources.exceptions.item", "/resources/{id}/exceptions/{exception_id}")
calendar = api_service("booking.calendar", "/calendar")
link = api_service("booking.resources.calendar_link", "/resources/{id}/calendar-link")


class SlotSchema(colander.MappingSchema):
    starts_at = colander.SchemaNode(colander.DateTime())
    ends_at = colander.SchemaNode(colander.DateTime())
    location_id = colander.SchemaNode(colander.String())
    resources = colander.SchemaNode(colander.Mapping(unknown="preserve"), description="resource type: resource id")


@availability.get(permission="booking.availability.view", schema=request_schema(querystring=schemas.AvailabilityQuery))
@api_doc(response=SlotSchema(), paginated=False, tags=TAGS)
def availability_view(request):
    """Bookable slots of a service between two dates, honouring hours, exceptions, bookings and buffers."""
    query = request.validated["querystring"]
    return ok(find_slots(request, request.membership.business_id, query))


def find_slots(request, business_id, query, online_only=False):
    bookings = Bookings(request)
    locations = locations_for(request.dbsession, query.get("location_id"))
    if query.get("location_id") and not locations:
        raise ValidationFailed.field("location_id", "No such location")
    slots = []
    for location in locations:
        terms = bookings.terms(query["service_id"], location.id)
        if online_only and not terms.online_bookable:
            raise ValidationFailed.field("service_id", "Not bookable online")
        if not terms.available:
            continue
        found = bookings.availability(terms, business_id).slots(
            location, query["date_from"], query["date_to"], query.get("resource_id"))
        slots.extend(slot.as_dict() for slot in found)
    return sorted(slots, key=lambda slot: (slot["starts_at"], str(slot["location_id"])))


def _resource(request):
    """The resource the path names, or 404."""
    return get_or_404(request.dbsession, Resource, path_uuid(request, "resource"), "resource")


def exception_as_dict(exception):
    return {"id": exception.id, "resource_id": exception.resource_id, "kind": exception.kind,
            "starts_at": exception.starts_at, "ends_at": exception.ends_at, "note": exception.note}


class ExceptionOut(schemas.ExceptionSchema):
    id = colander.SchemaNode(colander.String())


@exceptions.get(permission="booking.resources.view")
@api_doc(response=ExceptionOut(), tags=TAGS)
def list_exceptions(request):
    """The resource's time off and extra hours, soonest first."""
    resource = _resource(request)
    rows = request.dbsession.scalars(select(ResourceException).where(
        ResourceException.resource_id == resource.id).order_by(ResourceException.starts_at))
    return ok([exception_as_dict(row) for row in rows])


@exceptions.post(permission="booking.resources.update", schema=request_schema(body=schemas.ExceptionSchema))
@api_doc(response=ExceptionOut(), status=201, tags=TAGS)
def add_exception(request):
    """Add time off or extra hours to a resource (managers)."""
    resource = _resource(request)
    exception = ResourceException(resource_id=resource.id, **request.validated["body"])
    request.dbsession.add(exception)
    request.dbsession.flush()
    return created(request, exception_as_dict(exception), "Exception added")


@exception_item.delete(permission="booking.resources.update")
@api_doc(tags=TAGS)
def remove_exception(request):
    """Remove an exception (soft delete, audited)."""
    resource = _resource(request)
    exception = request.dbsession.get(ResourceException, path_uuid(request, "exception", "exception_id"))
    if exception is None or exception.resource_id != resource.id:
        raise no_such("exception")
    exception.is_deleted = True
    exception.deleted_at = request.clock.now()
    request.dbsession.flush()
    return deleted("Exception removed")


@calendar.get(permission="booking.calendar.view", schema=request_schema(querystring=schemas.CalendarQuery))
@api_doc(tags=TAGS)
def calendar_view(request):
    """Appointments grouped by resource for a day or a week (dates in each location's timezone)."""
    query = request.validated["querystring"]
    if (query["date_to"] - query["date_from"]).days > 31 or query["date_to"] < query["date_from"]:
        raise ValidationFailed.field("date_to", "Within 31 days after date_from")
    statement = select(Resource).where(Resource.active.is_(True)).order_by(Resource.name)
    if query.get("resource_id"):
        statement = statement.where(Resource.id == query["resource_id"])
    if query.get("location_id"):
        statement = statement.where(Resource.location_id == query["location_id"])
    resources = request.dbsession.scalars(statement).all()
    zones = {loc.id: ZoneInfo(loc.timezone) for loc in request.dbsession.scalars(select(Location))}
    columns = []
    for resource in resources:
        zone = zones[resource.location_id]
        start = local_to_utc(query["date_from"], time(0), zone)
        end = local_to_utc(query["date_to"] + timedelta(days=1), time(0), zone)
        appointments = request.dbsession.scalars(
            select(Appointment).join(Allocation, Allocation.appointment_id == Appointment.id).where(
                Allocation.resource_id == resource.id, Allocation.active.is_(True),
                Appointment.starts_at < end, Appointment.ends_at > start,
            ).order_by(Appointment.starts_at)
        ).all()
        columns.append({
            "resource": {"id": resource.id, "name": resource.name, "kind": resource.kind,
                         "location_id": resource.location_id},
            "appointments": [AppointmentResource(request).serialize(a) for a in appointments],
        })
    return ok(columns)


@link.get(permission="booking.resources.view")
@api_doc(tags=["booking"])
def calendar_link(request):
    """The private iCalendar feed URL of a resource, for a staff member's calendar app."""
    resource = _resource(request)
    token = feed_token(request.registry.settings["auth.secret"], resource.id)
    base = request.registry["auth.settings"].public_url
    return ok({"url": f"{base}/api/public/calendars/{resource.id}.ics?token={token}"})


def transition_view(name):
    def view(request):
        return AppointmentResource(request).transition(name)
    view.__name__ = f"appointment_{name}"
    view.__doc__ = f"Workflow: {name.replace('_', ' ')} the appointment; any other move is 409 conflict."
    return api_doc(tags=TAGS, errors=["conflict"])(view)


def register_transitions(config):
    for name in TRANSITIONS:
        service = api_service(f"booking.appointments.{name}", f"/appointments/{{id}}/{name.replace('_', '-')}",
                              depth=1)
        service.add_view("POST", transition_view(name), permission="booking.appointments.transition")
        config.add_cornice_service(service)

