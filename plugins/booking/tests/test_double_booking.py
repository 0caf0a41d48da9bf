"""No double booking, whatever the concurrency (real server, real commits)."""

from datetime import date, datetime, time, timezone

from sqlalchemy import func, select

from platform_booking.models import Appointment
from platform_core.testing.clocktime import local

DAY = date(2031, 3, 17)


def test_many_simultaneous_requests_for_one_slot_book_it_once(live):
    live.app.registry["clock"].freeze(datetime.combine(DAY, time(0), tzinfo=timezone.utc).replace(day=10))
    try:
        admin = live.factory.caller(role="admin", business=live.factory.business(timezone="Europe/Lisbon"))
        live.factory.enable_modules(admin.business, "booking")
        live.commit()
        h = admin.headers

        def post(path, body):
            status, response = live.request("POST", path, body, h)
            assert status == 201, response
            return response["data"]

        location = post("/api/locations", {"name": "Chiado"})
        hours = [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(7)]
        post("/api/booking/resources", {"name": "Marta", "kind": "staff", "location_id": location["id"],
                                        "working_hours": hours})
        service = post("/api/services/services", {"name": "Cut", "duration_minutes": 30, "price": "20.00"})
        clients = [post("/api/clients/clients", {"first_name": f"C{i}"}) for i in range(10)]

        def attempt(client):
            body = {"client_id": client["id"], "service_id": service["id"], "location_id": location["id"],
                    "starts_at": local(DAY, 10, 0, "Europe/Lisbon").isoformat()}
            return lambda: live.request("POST", "/api/booking/appointments", body, h)

        results = live.concurrently([attempt(client) for client in clients], workers=10)
        statuses = sorted(status for status, _ in results)
        assert statuses == [201] + [409] * 9, results
        assert {body["code"] for status, body in results if status == 409} == {"slot_unavailable"}
        assert live.session.scalar(select(func.count()).select_from(Appointment)) == 1
    finally:
        live.app.registry["clock"].unfreeze()
