"""The standard resource, through its reference example /api/locations."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEntry
from platform_core.locations.models import Location
from tests.support.statements import sent_statements


@pytest.fixture
def admin(factory):
    return factory.caller(role="admin", business=factory.business(timezone="Europe/Lisbon"))


def create(testapp, caller, **fields):
    body = {"name": "Downtown", "address": "1 Main St", **fields}
    return testapp.post_json("/api/locations", body, headers=caller.headers, status=201).json["data"]


def test_create_read_update_and_envelope(testapp, admin):
    created = create(testapp, admin, phone="+351 21 000 0000")
    assert created["timezone"] == "Europe/Lisbon"  # the business's by default
    assert created["created_by"] == str(admin.user.id) == created["updated_by"]
    assert created["created_at"].endswith("+00:00")
    url = f"/api/locations/{created['id']}"
    assert testapp.get(url, headers=admin.headers).json["data"]["name"] == "Downtown"
    patched = testapp.patch_json(url, {"phone": "+351 21 111 1111"}, headers=admin.headers).json
    assert patched["data"]["phone"] == "+351 21 111 1111" and patched["data"]["name"] == "Downtown"
    put = testapp.put_json(url, {"name": "Uptown"}, headers=admin.headers).json["data"]
    assert put["name"] == "Uptown" and put["address"] == "" and put["timezone"] == "Europe/Lisbon"


def test_put_needs_every_required_field_and_patch_none(testapp, admin):
    url = f"/api/locations/{create(testapp, admin)['id']}"
    assert testapp.put_json(url, {"address": "x"}, headers=admin.headers, status=400).json["errors"] == {
        "name": ["Required"]}
    testapp.patch_json(url, {"address": "x"}, headers=admin.headers)


def test_client_cannot_set_business_id_or_audit_fields(testapp, admin, factory, dbsession):
    other = factory.business()
    forged = {"business_id": str(other.id), "id": "00000000-0000-0000-0000-000000000001",
              "created_by": str(other.id), "created_at": "2000-01-01T00:00:00+00:00"}
    created = create(testapp, admin, **forged)
    assert created["id"] != forged["id"] and created["created_by"] == str(admin.user.id)
    testapp.patch_json(f"/api/locations/{created['id']}", forged, headers=admin.headers)
    row = dbsession.scalar(select(Location).where(Location.name == "Downtown"))
    assert row.business_id == admin.business.id and str(row.id) == created["id"]


def test_duplicate_name_is_a_conflict_naming_the_field(testapp, admin):
    create(testapp, admin)
    response = testapp.post_json("/api/locations", {"name": "Downtown"}, headers=admin.headers, status=409)
    assert response.json["code"] == "conflict" and response.json["errors"] == {"name": ["Already taken"]}


def test_soft_delete_hides_and_restore_brings_back(testapp, admin, dbsession):
    location = create(testapp, admin)
    url = f"/api/locations/{location['id']}"
    testapp.delete(url, headers=admin.headers)
    assert testapp.get(url, headers=admin.headers, status=404).json["code"] == "not_found"
    assert testapp.get("/api/locations", headers=admin.headers).json["data"] == []
    listed = testapp.get("/api/locations?include_deleted=true", headers=admin.headers).json["data"]
    assert [item["id"] for item in listed] == [location["id"]]
    kept = select(Location.is_deleted).where(Location.name == "Downtown").execution_options(include_deleted=True)
    assert dbsession.scalar(kept) is True
    testapp.post(f"{url}/restore", headers=admin.headers)
    testapp.get(url, headers=admin.headers)
    assert testapp.post(f"{url}/restore", headers=admin.headers, status=409).json["code"] == "conflict"


def test_agents_may_read_but_not_write_or_see_deleted(testapp, admin, factory):
    agent = factory.caller(role="agent", business=admin.business)
    location = create(testapp, admin)
    testapp.get(f"/api/locations/{location['id']}", headers=agent.headers)
    for call in (lambda: testapp.post_json("/api/locations", {"name": "X"}, headers=agent.headers, status=403),
                 lambda: testapp.delete(f"/api/locations/{location['id']}", headers=agent.headers, status=403),
                 lambda: testapp.get("/api/locations?include_deleted=true", headers=agent.headers, status=403)):
        assert call().json["code"] == "permission_denied"


def test_list_pagination_ordering_search_and_filters(testapp, admin):
    for name, tz in (("Alfama", "Europe/Lisbon"), ("Baixa", "Europe/Lisbon"), ("Chiado", "UTC")):
        create(testapp, admin, name=name, timezone=tz)
    page = testapp.get("/api/locations?page_size=2&ordering=-name", headers=admin.headers).json
    assert [item["name"] for item in page["data"]] == ["Chiado", "Baixa"]
    assert page["meta"]["pagination"] == {"page": 1, "page_size": 2, "total": 3, "pages": 2}
    beyond = testapp.get("/api/locations?page=9", headers=admin.headers).json
    assert beyond["data"] == [] and beyond["meta"]["pagination"]["total"] == 3
    assert [i["name"] for i in testapp.get("/api/locations?search=AIX", headers=admin.headers).json["data"]] == ["Baixa"]
    assert len(testapp.get("/api/locations?timezone=UTC", headers=admin.headers).json["data"]) == 1
    assert testapp.get("/api/locations?page_size=1000", headers=admin.headers).json["meta"]["pagination"][
        "page_size"] == 100


@pytest.mark.parametrize("query, field", [
    ("ordering=secret", "ordering"), ("page=0", "page"), ("page_size=abc", "page_size"),
    ("password_hash=x", "password_hash"), ("include_deleted=maybe", "include_deleted"),
])
def test_bad_list_parameters_are_field_errors(testapp, admin, query, field):
    response = testapp.get(f"/api/locations?{query}", headers=admin.headers, status=400)
    assert response.json["code"] == "validation_error" and field in response.json["errors"]


def test_list_costs_the_same_statements_at_page_size_1_and_100(testapp, admin, app):
    for number in range(3):
        create(testapp, admin, name=f"Branch {number}")
    counts = {}
    for size in (1, 100):
        testapp.get(f"/api/locations?page_size={size}", headers=admin.headers)  # warm-up: caches the total
        with sent_statements(app.registry["db_engine"]) as statements:
            testapp.get(f"/api/locations?page_size={size}", headers=admin.headers)
        counts[size] = len(statements)
    # The page query alone (row reads take no savepoint of the test's transaction); the total comes from the cache.
    assert counts[1] == counts[100] == 1


def test_cached_totals_follow_creates_deletes_and_restores(testapp, admin):
    def total(query=""):
        return testapp.get(f"/api/locations{query}", headers=admin.headers).json["meta"]["pagination"]["total"]

    first = create(testapp, admin, name="One")
    assert total() == 1
    create(testapp, admin, name="Two")
    assert total() == 2
    testapp.delete(f"/api/locations/{first['id']}", headers=admin.headers)
    assert total() == 1 and total("?include_deleted=true") == 2
    testapp.post(f"/api/locations/{first['id']}/restore", headers=admin.headers)
    assert total() == 2 and total("?search=one") == 1


# -- audit ---------------------------------------------------------------------


def test_every_action_writes_an_audit_row_with_its_changes(testapp, admin, dbsession):
    location = create(testapp, admin)
    url = f"/api/locations/{location['id']}"
    testapp.patch_json(url, {"name": "Renamed"}, headers=admin.headers)
    testapp.delete(url, headers=admin.headers)
    testapp.post(f"{url}/restore", headers=admin.headers)
    entries = dbsession.scalars(
        select(AuditEntry).where(AuditEntry.resource_id == location["id"]).order_by(AuditEntry.at)
    ).all()
    assert [e.action for e in entries] == ["create", "update", "delete", "restore"]
    assert entries[0].changes["name"] == [None, "Downtown"]
    assert entries[1].changes == {"name": ["Downtown", "Renamed"]}
    assert all(e.actor_id == admin.user.id and e.business_id == admin.business.id for e in entries)

    log = testapp.get(f"/api/audit-log?resource_id={location['id']}&action=update", headers=admin.headers).json
    assert [e["action"] for e in log["data"]] == ["update"]


def test_a_failing_request_leaves_neither_change_nor_audit_row(testapp, admin, dbsession):
    create(testapp, admin)
    testapp.post_json("/api/locations", {"name": "Downtown"}, headers=admin.headers, status=409)
    assert len(dbsession.scalars(select(Location)).all()) == 1
    creates = dbsession.scalars(select(AuditEntry).where(AuditEntry.action == "create")).all()
    assert len(creates) == 1


def test_audit_log_is_for_admins_and_managers_of_their_business(testapp, admin, factory):
    create(testapp, admin)
    agent = factory.caller(role="agent", business=admin.business)
    assert testapp.get("/api/audit-log", headers=agent.headers, status=403).json["code"] == "permission_denied"
    other = factory.caller(role="admin")
    assert testapp.get("/api/audit-log", headers=other.headers).json["data"] == []


def test_reads_as_rows_answer_what_the_written_object_answers(testapp, admin):
    """List and get read plain rows (no ORM objects); create answers from the object: the same JSON."""
    from platform_core.locations import LocationResource

    assert LocationResource.row_reader() is not None
    made = create(testapp, admin, phone="+351 21 000 0000", timezone="Asia/Tokyo")
    assert testapp.get(f"/api/locations/{made['id']}", headers=admin.headers).json["data"] == made
    assert testapp.get("/api/locations", headers=admin.headers).json["data"] == [made]
