"""A small salon for the booking tests: one location in Lisbon, staff, a room, a service, a client."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from platform_core.testing.clocktime import local

#: A Monday well ahead of any test clock, so notice and horizon never get in the way.
MONDAY = date(2031, 3, 17)


def at(day, hour, minute=0):
    return local(day, hour, minute, "Europe/Lisbon")


def iso(moment):
    return moment.isoformat()


@pytest.fixture
def frozen(clock):
    """The clock a week before MONDAY, 08:00 UTC."""
    clock.freeze(datetime.combine(MONDAY - timedelta(days=7), time(8), tzinfo=timezone.utc))
    return clock


@pytest.fixture
def salon(testapp, factory, frozen):
    admin = factory.caller(role="admin", business=factory.business(timezone="Europe/Lisbon", currency="EUR"))
    factory.enable_modules(admin.business, "booking")
    h = admin.headers

    def post(path, body):
        return testapp.post_json(path, body, headers=h, status=201).json["data"]

    location = post("/api/locations", {"name": "Chiado", "timezone": "Europe/Lisbon"})
    week = [{"weekday": d, "start": "09:00", "end": "13:00"} for d in range(7)]
    week += [{"weekday": d, "start": "14:00", "end": "18:00"} for d in range(7)]
    staff = post("/api/booking/resources", {"name": "Marta", "kind": "staff", "location_id": location["id"],
                                            "working_hours": week})
    room = post("/api/booking/resources", {"name": "Room 1", "kind": "room", "location_id": location["id"],
                                           "working_hours": week})
    cut = post("/api/services/services", {"name": "Haircut", "duration_minutes": 45, "buffer_after_minutes": 15,
                                          "price": "30.00", "resource_types": ["staff"]})
    massage = post("/api/services/services", {"name": "Massage", "duration_minutes": 60,
                                              "buffer_before_minutes": 10, "buffer_after_minutes": 20,
                                              "price": "60.00", "resource_types": ["staff", "room"]})
    client = post("/api/clients/clients", {"first_name": "Ana", "email": "ana@example.com"})
    return {"admin": admin, "headers": h, "location": location, "staff": staff, "room": room, "cut": cut,
            "massage": massage, "client": client}


@pytest.fixture
def book(testapp, salon):
    def book(start, service="cut", status=201, caller=None, **fields):
        body = {"client_id": salon["client"]["id"], "service_id": salon[service]["id"],
                "location_id": salon["location"]["id"], "starts_at": iso(start), **fields}
        headers = caller.headers if caller else salon["headers"]
        return testapp.post_json("/api/booking/appointments", body, headers=headers, status=status).json
    return book
