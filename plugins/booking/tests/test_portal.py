"""The public booking portal: what the public sees, books and cancels."""

from datetime import date

from platform_core.testing.assertions import assert_error
from platform_core.testing.clocktime import local

MONDAY = date(2031, 3, 17)


def at(day, hour, minute=0):
    return local(day, hour, minute, "Europe/Lisbon")


def portal(salon):
    return f"/api/public/{salon['admin'].business.slug}"


def booking_body(salon, start, **fields):
    return {"service_id": salon["cut"]["id"], "location_id": salon["location"]["id"], "starts_at": start.isoformat(),
            "first_name": "Maria", "last_name": "Lopes", "email": "maria@example.com", "consent_email": True,
            **fields}


def test_the_portal_lists_online_services_and_free_times_without_staff(testapp, salon):
    data = testapp.get(f"{portal(salon)}/services").json["data"]
    assert {s["name"] for s in data["services"]} == {"Haircut", "Massage"}
    assert data["locations"][0]["name"] == "Chiado"
    slots = testapp.get(f"{portal(salon)}/availability", params={
        "service_id": salon["cut"]["id"], "date_from": MONDAY.isoformat(), "date_to": MONDAY.isoformat()}).json
    assert slots["data"][0] == {"starts_at": at(MONDAY, 9).isoformat(), "ends_at": at(MONDAY, 9, 45).isoformat(),
                                "location_id": salon["location"]["id"]}
    assert salon["staff"]["id"] not in str(slots)


def test_a_public_booking_creates_the_client_and_a_pending_appointment_and_mails(testapp, salon, mailbox):
    body = testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10)), status=201).json
    assert body["data"]["status"] == "pending" and body["data"]["service"] == "Haircut"
    mail = mailbox.last("maria@example.com")
    assert "Haircut" in mail["Subject"] and "?cancel=" in mailbox.body(mail)
    listed = testapp.get("/api/clients/clients?search=maria", headers=salon["headers"]).json["data"]
    assert listed[0]["source"] == "online" and listed[0]["consent_email"] is True
    appointments = testapp.get("/api/booking/appointments", headers=salon["headers"]).json["data"]
    assert appointments[0]["channel"] == "online" and appointments[0]["client_id"] == listed[0]["id"]


def test_a_returning_person_is_matched_not_duplicated(testapp, salon):
    testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10)), status=201)
    testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 11), email="MARIA@example.com"),
                      status=201)
    assert len(testapp.get("/api/clients/clients?search=maria", headers=salon["headers"]).json["data"]) == 1


def test_cancel_link_works_within_policy_only(testapp, salon, frozen, mailbox):
    early = testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10))).json["data"]
    cancelled = testapp.post_json(f"{portal(salon)}/bookings/cancel", {"token": early["cancel_token"]}).json
    assert cancelled["data"]["status"] == "cancelled"
    late = testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 15))).json["data"]
    frozen.advance(days=7)
    assert_error(testapp.post_json(f"{portal(salon)}/bookings/cancel", {"token": late["cancel_token"]}, status=409),
                 409, "conflict")
    assert_error(testapp.post_json(f"{portal(salon)}/bookings/cancel", {"token": "forged"}, status=400),
                 400, "validation_error")


def test_a_taken_slot_and_bad_details_are_refused(testapp, salon):
    testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10)), status=201)
    assert_error(testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10)), status=409),
                 409, "slot_unavailable")
    response = testapp.post_json(f"{portal(salon)}/bookings",
                                 booking_body(salon, at(MONDAY, 12), email=None, phone="123"), status=400)
    assert "phone" in assert_error(response, 400, "validation_error")["errors"]
    none = testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 12), email=None), status=400)
    assert "email" in none.json["errors"]


def test_services_not_bookable_online_are_refused(testapp, salon):
    testapp.patch_json(f"/api/services/services/{salon['cut']['id']}", {"online_bookable": False},
                       headers=salon["headers"])
    names = {s["name"] for s in testapp.get(f"{portal(salon)}/services").json["data"]["services"]}
    assert names == {"Massage"}
    response = testapp.post_json(f"{portal(salon)}/bookings", booking_body(salon, at(MONDAY, 10)), status=400)
    assert "service_id" in response.json["errors"]


def test_no_portal_for_unknown_or_disabled_businesses(testapp, salon, factory):
    assert_error(testapp.get("/api/public/no-such-salon/services", status=404), 404, "not_found")
    other = factory.caller(role="admin")
    assert_error(testapp.get(f"/api/public/{other.business.slug}/services", status=403), 403, "module_disabled")
    testapp.put_json("/api/modules/booking/settings", {"portal_enabled": False}, headers=salon["headers"])
    assert_error(testapp.get(f"{portal(salon)}/services", status=404), 404, "not_found")


def test_the_portal_is_rate_limited_per_ip(testapp, app, salon, monkeypatch):
    monkeypatch.setitem(app.registry["auth.rate_limiter"].limits, "portal", (2, 60))
    testapp.get(f"{portal(salon)}/services")
    testapp.get(f"{portal(salon)}/services")
    response = testapp.get(f"{portal(salon)}/services", status=429)
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]


def test_the_booking_page_is_served(testapp, salon):
    page = testapp.get(f"/book/{salon['admin'].business.slug}")
    assert page.content_type == "text/html" and "/api/public/" in page.text and "viewport" in page.text


