"""Availability: working hours, buffers, exceptions, multi-resource services, notice, DST."""

from datetime import date, timedelta

from platform_core.testing.assertions import assert_error
from platform_core.testing.clocktime import local

MONDAY = date(2031, 3, 17)


def at(day, hour, minute=0):
    return local(day, hour, minute, "Europe/Lisbon")


def iso(moment):
    return moment.isoformat()


def slots(testapp, salon, service="cut", day=None, last=None, **query):
    day = day or MONDAY
    params = {"service_id": salon[service]["id"], "date_from": day.isoformat(),
              "date_to": (last or day).isoformat(), **query}
    response = testapp.get("/api/booking/availability", params=params, headers=salon["headers"])
    return [slot["starts_at"] for slot in response.json["data"]]


def test_slots_follow_working_hours_and_the_buffer(testapp, salon):
    found = slots(testapp, salon)
    # 45 minutes + 15 buffer after, in 09:00-13:00 and 14:00-18:00, on a 15-minute grid.
    assert found[0] == iso(at(MONDAY, 9)) and found[-1] == iso(at(MONDAY, 17))
    assert iso(at(MONDAY, 12)) in found and iso(at(MONDAY, 12, 15)) not in found
    assert len(found) == 2 * 13


def test_a_booking_removes_the_overlapping_slots_buffers_included(testapp, salon, book):
    book(at(MONDAY, 10))
    found = slots(testapp, salon)
    blocked = [at(MONDAY, 9, 15), at(MONDAY, 9, 30), at(MONDAY, 9, 45), at(MONDAY, 10), at(MONDAY, 10, 45)]
    assert not {iso(t) for t in blocked} & set(found)
    assert iso(at(MONDAY, 9)) in found and iso(at(MONDAY, 11)) in found


def test_time_off_and_extra_hours_change_availability(testapp, salon):
    url = f"/api/booking/resources/{salon['staff']['id']}/exceptions"
    h = salon["headers"]
    testapp.post_json(url, {"kind": "time_off", "starts_at": iso(at(MONDAY, 9)), "ends_at": iso(at(MONDAY, 13))},
                      headers=h)
    testapp.post_json(url, {"kind": "extra_hours", "starts_at": iso(at(MONDAY, 18)), "ends_at": iso(at(MONDAY, 20))},
                      headers=h)
    found = slots(testapp, salon)
    assert found[0] == iso(at(MONDAY, 14)) and found[-1] == iso(at(MONDAY, 19))


def test_a_service_needing_staff_and_a_room_needs_both_free(testapp, salon, book):
    # 60 minutes with 10 before and 20 after: blocks 09:50-11:20 for a 10:00 start.
    assert iso(at(MONDAY, 9, 15)) in slots(testapp, salon, "massage")
    book(at(MONDAY, 10), service="massage")
    found = slots(testapp, salon, "massage")
    assert iso(at(MONDAY, 9, 15)) not in found and iso(at(MONDAY, 11, 30)) in found
    # The room is held even for a staff-only service? No: a haircut needs only staff,
    # and Marta is busy, so the haircut is not bookable either.
    assert iso(at(MONDAY, 10, 30)) not in slots(testapp, salon)


def test_minimum_notice_and_horizon(testapp, salon, frozen):
    frozen.advance(days=7, hours=1, minutes=30)  # Monday 09:30 UTC, 09:30 in Lisbon (winter time)
    found = slots(testapp, salon)
    assert found[0] == iso(at(MONDAY, 10, 30))  # 60 minutes' notice, on the grid
    edge = MONDAY + timedelta(days=60)  # the 60-day horizon ends (exclusive) at 10:30 in Lisbon (summer)
    last_day = slots(testapp, salon, day=edge)
    assert last_day[0] == iso(at(edge, 9)) and last_day[-1] == iso(at(edge, 10, 15))
    assert slots(testapp, salon, day=edge + timedelta(days=1)) == []


def test_availability_across_a_daylight_saving_change(testapp, salon):
    # Portugal moves to summer time on Sunday 30 March 2031 at 01:00 UTC.
    saturday, sunday, monday = MONDAY + timedelta(days=12), MONDAY + timedelta(days=13), MONDAY + timedelta(days=14)
    found = slots(testapp, salon, day=saturday, last=monday)
    for day in (saturday, sunday, monday):
        first = at(day, 9)
        assert iso(first) in found, day
        assert len([s for s in found if s.startswith(first.date().isoformat())]) == 26
    assert at(saturday, 9).hour == 9 and at(monday, 9).hour == 8  # the same wall clock, an hour apart in UTC


def test_bad_queries_are_field_errors(testapp, salon):
    h = salon["headers"]
    response = testapp.get("/api/booking/availability", params={"service_id": "x", "date_from": "soon"},
                           headers=h, status=400)
    assert set(assert_error(response, 400, "validation_error")["errors"]) == {"service_id", "date_from", "date_to"}
    backwards = testapp.get("/api/booking/availability", params={
        "service_id": salon["cut"]["id"], "date_from": "2031-01-02", "date_to": "2031-01-01"}, headers=h, status=400)
    assert backwards.json["errors"] == {"date_to": ["Must not be before date_from"]}
    unknown = testapp.get("/api/booking/availability", params={
        "service_id": salon["room"]["id"], "date_from": "2031-01-01", "date_to": "2031-01-01"}, headers=h, status=400)
    assert unknown.json["errors"] == {"service_id": ["No such service"]}
    far = testapp.get("/api/booking/availability", params={"service_id": salon["cut"]["id"],
                                                            "date_from": "2031-01-01", "date_to": "2031-03-01"},
                      headers=h, status=400)
    assert "date_to" in far.json["errors"]
