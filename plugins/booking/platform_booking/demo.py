"""Demo data: staff and rooms with weekly hours, time off, and a week of appointments."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from platform_booking.models import Resource, ResourceException, WorkingHours
from platform_booking.schedule import local_to_utc
from platform_booking.services import Bookings, SlotUnavailable
from platform_clients.api import Client
from platform_core.errors import ValidationFailed
from platform_core.locations.models import Location
from platform_services.api import Service

STAFF = {"Chiado": ["Marta", "Rui"], "Avenidas Novas": ["Sofia", "Tiago"]}
ROOMS = {"Chiado": ["Spa room"], "Avenidas Novas": ["Treatment room"]}


def weekly_hours():
    """Tuesday to Saturday, 09:00-13:00 and 14:00-19:00."""
    return [WorkingHours(weekday=day, starts=start, ends=end) for day in range(1, 6)
            for start, end in ((time(9), time(13)), (time(14), time(19)))]


def add_demo_data(context):
    db = context.dbsession
    locations = {loc.name: loc for loc in db.scalars(select(Location))}
    resources = []
    for place, names in STAFF.items():
        for name in names:
            resources.append(Resource(name=name, kind="staff", location_id=locations[place].id, hours=weekly_hours()))
        for name in ROOMS[place]:
            resources.append(Resource(name=name, kind="room", location_id=locations[place].id, hours=weekly_hours()))
    db.add_all(resources)
    db.flush()
    zone = ZoneInfo(locations["Chiado"].timezone)
    today = context.request.clock.now().astimezone(zone).date()
    db.add(ResourceException(
        resource_id=resources[0].id, kind="time_off", note="Dentist",
        starts_at=local_to_utc(today + timedelta(days=3), time(9), zone),
        ends_at=local_to_utc(today + timedelta(days=3), time(13), zone),
    ))
    db.flush()
    book_a_week(context, locations, zone, today)


def book_a_week(context, locations, zone, today):
    db = context.dbsession
    clients = db.scalars(select(Client).order_by(Client.last_name)).all()
    services = db.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.name)).all()
    if not clients or not services:
        return
    bookings = Bookings(context.request)
    business_id = context.business.id
    made = 0
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        for hour in (10, 11, 15, 16, 17):
            client = clients[(offset * 5 + hour) % len(clients)]
            service = services[(offset + hour) % len(services)]
            place = locations["Chiado" if hour % 2 else "Avenidas Novas"]
            try:
                appointment = bookings.book(business_id, client.id, service.id, place.id,
                                            local_to_utc(day, time(hour), zone), notes="", channel="staff")
            except (SlotUnavailable, ValidationFailed):
                continue  # taken, or the service is not offered there
            made += 1
            if made % 4 == 0:
                bookings.transition(appointment, "cancel")
    first = clients[0]
    try:
        bookings.book_series(business_id, local_to_utc(today + timedelta(days=2), time(12), zone), 1, count=6,
                             client_id=first.id, service_id=services[0].id, location_id=locations["Chiado"].id,
                             resource_ids=(), price=None, notes="Weekly")
    except (SlotUnavailable, ValidationFailed):
        pass
