"""No double booking, whatever the concurrency (real server, real commits)."""

import uuid
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select

from platform_booking.models import Allocation, Appointment
from platform_core.testing.clocktime import local

DAY = date(2031, 3, 17)


class Salon:
    """A business with one location, one staff member working every day 09:00-18:00, a 30-minute service
    and ten clients, all committed for a live server."""

    def __init__(self, live):
        self.live = live
        admin = live.factory.caller(role="admin", business=live.factory.business(timezone="Europe/Lisbon"))
        live.factory.enable_modules(admin.business, "booking")
        live.commit()
        self.headers = admin.headers
        self.location = self.post("/api/locations", {"name": "Chiado"})
        hours = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(7)]
        self.post("/api/booking/resources", {"name": "Marta", "kind": "staff", "location_id": self.location["id"],
                                             "working_hours": hours})
        self.service = self.post("/api/services/services", {"name": "Cut", "duration_minutes": 30, "price": "20.00"})
        self.clients = [self.post("/api/clients/clients", {"first_name": f"C{i}"}) for i in range(10)]

    def post(self, path, body):
        status, response = self.live.request("POST", path, body, self.headers)
        assert status == 201, response
        return response["data"]

    def booking(self, client, hour):
        return {"client_id": client["id"], "service_id": self.service["id"], "location_id": self.location["id"],
                "starts_at": local(DAY, hour, 0, "Europe/Lisbon").isoformat()}

    def call(self, method, path, body=None):
        return lambda: self.live.request(method, path, body, self.headers)


@pytest.fixture
def salon(live):
    live.app.registry["clock"].freeze(datetime.combine(DAY, time(0), tzinfo=timezone.utc).replace(day=10))
    try:
        yield Salon(live)
    finally:
        live.app.registry["clock"].unfreeze()


def test_many_simultaneous_requests_for_one_slot_book_it_once(live, salon):
    attempts = [salon.call("POST", "/api/booking/appointments", salon.booking(client, 10)) for client in salon.clients]
    results = live.concurrently(attempts, workers=10)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 9, results
    assert {body["code"] for status, body in results if status == 409} == {"slot_unavailable"}
    assert live.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_move_and_a_cancel_at_once_end_in_one_consistent_state(live, salon):
    """Whichever goes first, the other sees it: a cancelled appointment holds no time, a moved one its new time."""
    appointments = [salon.post("/api/booking/appointments", salon.booking(client, 9 + number))
                    for number, client in enumerate(salon.clients[:4])]
    calls = []
    for number, appointment in enumerate(appointments):
        url = f"/api/booking/appointments/{appointment['id']}"
        move = {"starts_at": local(DAY, 14 + number, 0, "Europe/Lisbon").isoformat()}
        calls += [salon.call("PATCH", url, move), salon.call("POST", f"{url}/cancel")]
    results = live.concurrently(calls, workers=8)

    for number, appointment in enumerate(appointments):
        (moved, move_body), (cancelled, _) = results[2 * number], results[2 * number + 1]
        assert cancelled == 200, results
        # Moved first, then cancelled; or cancelled first, and the move refused.
        assert moved == 200 or (moved == 409 and move_body["code"] == "conflict"), results
        row = live.session.get(Appointment, uuid.UUID(appointment["id"]))
        live.session.refresh(row)
        assert row.status == "cancelled"
        held = select(func.count()).select_from(Allocation).where(
            Allocation.appointment_id == row.id, Allocation.active)
        assert live.session.scalar(held) == 0
    live.session.rollback()  # the test's read transaction ends: on SQLite it holds the write lock
    # Neither the old times nor the new ones stay taken.
    for number, client in enumerate(salon.clients[4:8]):
        salon.post("/api/booking/appointments", salon.booking(client, 9 + number))
        salon.post("/api/booking/appointments", salon.booking(client, 14 + number))
