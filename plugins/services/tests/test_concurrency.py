"""A client package never goes below zero, under truly concurrent requests (real server, real commits)."""

import uuid

from sqlalchemy import func, select

from platform_services.models import ClientPackageBalance, ClientPackageUsage


def test_ten_simultaneous_consumptions_of_three_sessions_let_exactly_three_through(live):
    admin = live.factory.caller(role="admin", business=live.factory.business(currency="EUR"))
    live.factory.enable_modules(admin.business, "services")
    live.commit()

    def post(path, body):
        status, answer = live.request("POST", path, body, admin.headers)
        assert status == 201, answer
        return answer["data"]

    service = post("/api/services/services", {"name": "Massage", "duration_minutes": 60, "price": "65.00"})
    package = post("/api/services/packages", {"name": "Three massages", "price": "180.00", "validity_days": 30,
                                              "items": [{"service_id": service["id"], "quantity": 3}]})
    client = post("/api/clients/clients", {"first_name": "Ana"})
    sale = post("/api/services/client-packages", {"client_id": client["id"], "package_id": package["id"]})

    def consume(number):
        return lambda: live.request("POST", f"/api/services/client-packages/{sale['id']}/consume",
                                    {"service_id": service["id"], "reference": f"visit-{number}"}, admin.headers)

    results = live.concurrently([consume(number) for number in range(10)], workers=10)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 3 + [409] * 7, results
    assert {body["code"] for status, body in results if status == 409} == {"package_exhausted"}
    sale_id = uuid.UUID(sale["id"])
    remaining = live.session.scalar(select(ClientPackageBalance.remaining).where(
        ClientPackageBalance.client_package_id == sale_id))
    used = live.session.scalar(select(func.count()).select_from(ClientPackageUsage).where(
        ClientPackageUsage.client_package_id == sale_id))
    assert (remaining, used) == (0, 3)
    assert sorted(body["meta"]["usage"]["remaining_after"] for status, body in results if status == 200) == [0, 1, 2]
