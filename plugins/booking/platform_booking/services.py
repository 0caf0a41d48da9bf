"""Booking rules: creating appointments without double booking, the workflow, series, policy.

No double booking, ever: a booking or a move first takes its business's
schedule lock (:func:`platform_core.db.locks.serialize`), so the check of
availability and the write happen one transaction at a time — the second of
two simultaneous bookings waits, then sees the first and is refused with
``slot_unavailable``. On PostgreSQL an exclusion constraint over
``tstzrange(block_start, block_end)`` per resource guards the write as well
(concurrent inserts under it alone could deadlock each other, which the
lock prevents); on SQLite every transaction takes the write lock when it
begins (``BEGIN IMMEDIATE``).
"""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from platform_booking.availability import Availability, Rules
from platform_booking.events import (AppointmentBooked, AppointmentCancelled, AppointmentCompleted,
                                     AppointmentNoShow, AppointmentRescheduled)
from platform_booking.models import Allocation, Appointment
from platform_core.clock import as_utc
from platform_core.db.locks import serialize
from platform_clients.events import VisitCompleted
from platform_core.errors import APIError, Conflict, ValidationFailed
from platform_core.locations.models import Location
from platform_core.modules import ModuleState
from platform_services.api import service_terms

#: transition -> (statuses it may start from, status it leads to)
TRANSITIONS = {
    "confirm": (("pending",), "confirmed"),
    "check_in": (("confirmed",), "checked_in"),
    "complete": (("checked_in",), "completed"),
    "cancel": (("pending", "confirmed"), "cancelled"),
    "no_show": (("pending", "confirmed"), "no_show"),
}
EVENTS = {"cancel": AppointmentCancelled, "complete": AppointmentCompleted, "no_show": AppointmentNoShow}
#: The scope of the lock bookings and moves of one business take turns on.
SCHEDULE = "booking.schedule"


class SlotUnavailable(APIError):
    status, code, message = 409, "slot_unavailable", "That time is not available"


def booking_settings(request, business_id):
    return ModuleState(request).settings(business_id, "booking")


class Bookings:
    """Appointment operations in the session's business (one instance per request)."""

    def __init__(self, request):
        self.request = request
        self.db = request.dbsession
        self.business_id = request.membership.business_id if request.identity else None

    def settings(self, business_id):
        return booking_settings(self.request, business_id)

    def terms(self, service_id, location_id):
        terms = service_terms(self.request, service_id, location_id)
        if terms is None or not terms.active:
            raise ValidationFailed.field("service_id", "No such service")
        if not terms.available:
            raise ValidationFailed.field("service_id", "Not offered at this location")
        return terms

    def availability(self, terms, business_id, exclude=None):
        return Availability(self.db, terms, Rules.from_settings(self.settings(business_id)),
                            self.request.clock.now(), exclude)

    def book(self, business_id, client_id, service_id, location_id, starts_at, resource_ids=(), price=None,
             notes="", status=None, channel="staff", series_id=None, occurrence=None):
        """Create an appointment holding its resources; SlotUnavailable when the time is taken."""
        serialize(self.db, SCHEDULE, business_id)
        location = self._location(location_id)
        terms = self.terms(service_id, location.id)
        slot = self.availability(terms, business_id).slot_at(location, starts_at, resource_ids)
        if slot is None:
            raise SlotUnavailable(errors={"starts_at": ["That time is not available"]})
        settings = self.settings(business_id)
        appointment = Appointment(
            client_id=client_id, service_id=terms.id, location_id=location.id, starts_at=slot.starts_at,
            ends_at=slot.ends_at, price=terms.price if price is None else price, currency=terms.currency,
            notes=notes, status=status or ("confirmed" if channel == "staff" else settings["online_status"]),
            channel=channel, series_id=series_id, occurrence=occurrence,
        )
        self._allocate(appointment, slot, terms)
        self.db.add(appointment)
        self._flush()
        self._publish(AppointmentBooked, appointment)
        return appointment

    def book_series(self, business_id, first_start, every_weeks, count=None, until=None, **fields):
        """Weekly (every N weeks) occurrences at the same local time; clashes are reported, not fatal."""
        serialize(self.db, SCHEDULE, business_id)  # before the savepoints, so held whatever they undo
        location = self._location(fields["location_id"])
        zone = ZoneInfo(location.timezone)
        local_first = first_start.astimezone(zone)
        series_id = uuid.uuid4()
        created, clashes = [], []
        for index in range(count or 52):
            local = local_first + timedelta(weeks=every_weeks * index)
            if until is not None and local.date() > until:
                break
            start = local.replace(tzinfo=None).replace(tzinfo=zone).astimezone(first_start.tzinfo)
            try:
                with self.db.begin_nested():
                    created.append(self.book(business_id, starts_at=start, series_id=series_id,
                                             occurrence=index + 1, **fields))
            except SlotUnavailable:
                clashes.append({"occurrence": index + 1, "starts_at": start, "reason": "slot_unavailable"})
        if not created:
            raise SlotUnavailable("No occurrence of the series is available",
                                  errors={"starts_at": ["Every occurrence clashes"]})
        return created, clashes

    def reschedule(self, appointment, starts_at=None, resource_ids=None, location_id=None):
        """Move an appointment; its own time does not count as taken."""
        self._take_turn(appointment)
        if appointment.status not in ("pending", "confirmed"):
            raise Conflict(f"A {appointment.status} appointment cannot be rescheduled",
                           errors={"status": [f"Cannot reschedule a {appointment.status} appointment"]})
        location = self._location(location_id or appointment.location_id)
        terms = self.terms(appointment.service_id, location.id)
        availability = self.availability(terms, appointment.business_id, exclude=appointment.id)
        current = [a.resource_id for a in appointment.allocations if a.active]
        slot = availability.slot_at(location, starts_at or appointment.starts_at,
                                    resource_ids if resource_ids is not None else current)
        if slot is None:
            raise SlotUnavailable(errors={"starts_at": ["That time is not available"]})
        for allocation in appointment.allocations:
            self.db.delete(allocation)
        appointment.allocations = []
        self._flush()
        appointment.location_id, appointment.starts_at, appointment.ends_at = location.id, slot.starts_at, slot.ends_at
        self._allocate(appointment, slot, terms)
        self._flush()
        self._publish(AppointmentRescheduled, appointment)
        return appointment

    def transition(self, appointment, name):
        """Move along the workflow; anything not allowed is a 409 naming the transition."""
        self._take_turn(appointment)
        sources, target = TRANSITIONS[name]
        if appointment.status not in sources:
            verb = name.replace("_", "-")
            raise Conflict(f"Cannot {verb} a {appointment.status} appointment",
                           errors={"status": [f"{appointment.status} -> {target} is not allowed"]})
        appointment.status = target
        now = self.request.clock.now()
        if target in ("cancelled", "no_show"):
            for allocation in appointment.allocations:
                allocation.active = False
        if target == "cancelled":
            appointment.cancelled_at = now
            notice = timedelta(hours=self.settings(appointment.business_id)["cancellation_notice_hours"])
            appointment.late_cancellation = as_utc(appointment.starts_at) - now < notice
        self._flush()
        if name in EVENTS:
            self._publish(EVENTS[name], appointment)
        if target == "completed":
            self.request.registry.notify(VisitCompleted(
                self.request, appointment.business_id, self._actor(), appointment.client_id, appointment.price,
                "appointment", appointment.id))
        return appointment

    # -- internals -------------------------------------------------------------------

    def _take_turn(self, appointment):
        """Take the business's schedule lock, then read the appointment again on its next use: a change
        committed while this request waited (a cancel, a move) is what the checks see. Call it before
        changing the appointment (what it has not flushed is dropped)."""
        serialize(self.db, SCHEDULE, appointment.business_id)
        self.db.expire(appointment)

    def _location(self, location_id):
        location = self.db.get(Location, location_id)
        if location is None:
            raise ValidationFailed.field("location_id", "No such location")
        return location

    def _allocate(self, appointment, slot, terms):
        before = timedelta(minutes=terms.buffer_before_minutes)
        after = timedelta(minutes=terms.buffer_after_minutes)
        for resource_id in slot.resources.values():
            appointment.allocations.append(Allocation(
                resource_id=resource_id, block_start=slot.starts_at - before, block_end=slot.ends_at + after,
                active=True,
            ))

    def _flush(self):
        try:
            self.db.flush()
        except IntegrityError as exc:
            if "ex_booking_allocations_no_overlap" in str(exc.orig):
                raise SlotUnavailable(errors={"starts_at": ["That time was just taken"]}) from None
            raise

    def _publish(self, event_class, appointment):
        self.request.registry.notify(event_class(self.request, appointment, self._actor()))

    def _actor(self):
        return self.request.identity.user_id if self.request.identity else None

