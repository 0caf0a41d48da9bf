"""Appointments: booking, the workflow, rescheduling, cancellation policy, series, prices."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from platform_booking.models import Allocation
from platform_core.testing.assertions import assert_error
from platform_core.testing.clocktime import local

MONDAY = date(2031, 3, 17)


def at(day, hour, minute=0):
    return local(day, hour, minute, "Europe/Lisbon")


def move(testapp, salon, appointment, verb, status=200):
    return testapp.post(f"/api/booking/appointments/{appointment['id']}/{verb}", headers=salon["headers"],
                        status=status)


def test_booking_derives_end_price_and_resources(salon, book):
    data = book(at(MONDAY, 10))["data"]
    assert data["ends_at"] == at(MONDAY, 10, 45).isoformat()
    assert data["price"] == "30.00" and data["currency"] == "EUR"
    assert data["status"] == "confirmed" and data["resource_ids"] == [salon["staff"]["id"]]


def test_the_same_slot_twice_is_slot_unavailable(book):
    book(at(MONDAY, 10))
    response = book(at(MONDAY, 10, 30), status=409)
    assert response["code"] == "slot_unavailable"


def test_a_time_outside_hours_or_off_grid_is_refused(book):
    assert book(at(MONDAY, 13), status=409)["code"] == "slot_unavailable"
    assert book(at(MONDAY, 20), status=409)["code"] == "slot_unavailable"


def test_references_must_belong_to_the_business(testapp, salon, book, factory):
    other = factory.caller(role="admin")
    factory.enable_modules(other.business, "booking")
    foreign = testapp.post_json("/api/clients/clients", {"first_name": "Zed"}, headers=other.headers).json["data"]
    response = book(at(MONDAY, 10), status=400, client_id=foreign["id"])
    assert assert_error_shape(response) == {"client_id": ["No such object"]}


def assert_error_shape(body):
    assert body["data"] is None and body["code"] == "validation_error"
    return body["errors"]


@pytest.mark.parametrize("path, final", [
    (["confirm"], None), (["check-in", "complete"], "completed"), (["no-show"], "no_show"), (["cancel"], "cancelled"),
])
def test_workflow_allowed_moves(testapp, salon, book, path, final):
    appointment = book(at(MONDAY, 10), status=201)["data"]
    if path == ["confirm"]:
        response = move(testapp, salon, appointment, "confirm", status=409)  # staff bookings start confirmed
        assert_error(response, 409, "conflict")
        assert response.json["errors"] == {"status": ["confirmed -> confirmed is not allowed"]}
        return
    for verb in path:
        data = move(testapp, salon, appointment, verb).json["data"]
    assert data["status"] == final


def test_workflow_refused_moves_name_the_transition(testapp, salon, book):
    appointment = book(at(MONDAY, 10))["data"]
    response = move(testapp, salon, appointment, "complete", status=409)
    assert_error(response, 409, "conflict")
    assert response.json["message"] == "Cannot complete a confirmed appointment"
    move(testapp, salon, appointment, "cancel")
    for verb in ("confirm", "check-in", "complete", "cancel", "no-show"):
        assert_error(move(testapp, salon, appointment, verb, status=409), 409, "conflict")


def test_cancelling_frees_the_slot_and_late_cancellations_are_flagged(testapp, salon, book, frozen):
    early = book(at(MONDAY, 10))["data"]
    assert move(testapp, salon, early, "cancel").json["data"]["late_cancellation"] is False
    book(at(MONDAY, 10))
    frozen.advance(days=7)  # now Monday 08:00 UTC: 10:00 is two hours away (< 24 h notice)
    late = book(at(MONDAY, 15))["data"]
    assert move(testapp, salon, late, "cancel").json["data"]["late_cancellation"] is True


def test_rescheduling_rechecks_availability_and_ignores_its_own_time(testapp, salon, book):
    first = book(at(MONDAY, 10))["data"]
    book(at(MONDAY, 11))
    url = f"/api/booking/appointments/{first['id']}"
    moved = testapp.patch_json(url, {"starts_at": at(MONDAY, 9, 15).isoformat()}, headers=salon["headers"]).json
    assert moved["data"]["starts_at"] == at(MONDAY, 9, 15).isoformat()
    clash = testapp.patch_json(url, {"starts_at": at(MONDAY, 11, 15).isoformat()}, headers=salon["headers"],
                               status=409)
    assert_error(clash, 409, "slot_unavailable")


def test_only_managers_override_the_price(testapp, salon, book, factory):
    agent = factory.caller(role="agent", business=salon["admin"].business)
    assert_error_shape_403(book(at(MONDAY, 10), status=403, caller=agent, price="10.00"))
    assert book(at(MONDAY, 10), price="25.00")["data"]["price"] == "25.00"


def assert_error_shape_403(body):
    assert body["code"] == "permission_denied"


def test_a_weekly_series_reports_its_clash_and_books_the_rest(testapp, salon, book, dbsession):
    book(at(MONDAY + timedelta(days=14), 10))  # the third occurrence's time is taken
    body = book(at(MONDAY, 10), recurrence={"every_weeks": 1, "count": 4})["data"]
    assert [a["occurrence"] for a in body["created"]] == [1, 2, 4]
    assert [(c["occurrence"], c["reason"]) for c in body["clashes"]] == [(3, "slot_unavailable")]
    # Weekly at 10:00 Lisbon time, across the change to summer time (30 March).
    assert [a["starts_at"] for a in body["created"]] == [
        at(MONDAY, 10).isoformat(), at(MONDAY + timedelta(days=7), 10).isoformat(),
        at(MONDAY + timedelta(days=21), 10).isoformat()]
    assert len({a["series_id"] for a in body["created"]}) == 1


def test_completing_earns_loyalty_points_for_the_client(testapp, salon, book):
    h = salon["headers"]
    testapp.post_json("/api/clients/loyalty-programs", {"name": "Rewards", "points_per_visit": 5}, headers=h)
    appointment = book(at(MONDAY, 10))["data"]
    move(testapp, salon, appointment, "check-in")
    move(testapp, salon, appointment, "complete")
    loyalty = testapp.get(f"/api/clients/clients/{salon['client']['id']}/loyalty", headers=h).json
    assert loyalty["meta"]["loyalty"]["balance"] == 35  # 30.00 spent + 5 for the visit
    assert loyalty["data"][0]["source_type"] == "appointment"


def test_deleting_an_appointment_frees_its_resources(testapp, salon, book, dbsession):
    appointment = book(at(MONDAY, 10))["data"]
    testapp.delete(f"/api/booking/appointments/{appointment['id']}", headers=salon["headers"])
    book(at(MONDAY, 10))
    active = dbsession.scalars(select(Allocation.active)).all()
    assert sorted(active) == [False, True]


def test_calendar_groups_appointments_by_resource(testapp, salon, book):
    book(at(MONDAY, 10), service="massage")
    columns = testapp.get("/api/booking/calendar", params={"date_from": MONDAY.isoformat(),
                                                           "date_to": MONDAY.isoformat()},
                          headers=salon["headers"]).json["data"]
    assert {c["resource"]["name"]: len(c["appointments"]) for c in columns} == {"Marta": 1, "Room 1": 1}


def test_ics_feed_needs_its_token(testapp, salon, book):
    book(at(MONDAY, 10))
    url = testapp.get(f"/api/booking/resources/{salon['staff']['id']}/calendar-link",
                      headers=salon["headers"]).json["data"]["url"]
    path = url.split("6543", 1)[-1] if "6543" in url else url
    feed = testapp.get(path)
    assert feed.content_type == "text/calendar" and "BEGIN:VEVENT" in feed.text and "SUMMARY:Haircut" in feed.text
    assert "\r\n" in feed.text
    testapp.get(path.replace("token=", "token=x"), status=404)


def test_appointment_lists_select_whole_days_in_the_business_timezone(testapp, salon, book):
    book(at(MONDAY, 0, 30), status=409)  # 00:30 in Lisbon: outside hours, refused
    late = book(at(MONDAY, 17))["data"]
    next_day = book(at(MONDAY + timedelta(days=1), 9))["data"]
    listed = testapp.get("/api/booking/appointments", params={"date_from": MONDAY.isoformat(),
                                                              "date_to": MONDAY.isoformat()},
                         headers=salon["headers"]).json["data"]
    assert [a["id"] for a in listed] == [late["id"]]
    both = testapp.get("/api/booking/appointments", params={"date_from": MONDAY.isoformat(),
                                                            "date_to": (MONDAY + timedelta(days=1)).isoformat()},
                       headers=salon["headers"]).json["data"]
    assert [a["id"] for a in both] == [late["id"], next_day["id"]]
    bad = testapp.get("/api/booking/appointments", params={"date_from": "2031-03-18", "date_to": "2031-03-17"},
                      headers=salon["headers"], status=400)
    assert bad.json["errors"] == {"date_to": ["Must not be before date_from"]}
