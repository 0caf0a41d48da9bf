"""Businesses, members and roles; the active business of a request."""

from sqlalchemy import select

from platform_core.tenancy.models import Membership
from platform_core.testing.assertions import assert_error


def test_creating_a_business_makes_the_creator_its_admin(testapp, factory):
    caller = factory.caller(role=None)
    created = testapp.post_json(
        "/api/businesses", {"name": "Luz Hair Studio", "timezone": "Europe/Lisbon", "currency": "EUR"},
        headers=caller.headers, status=201,
    ).json["data"]
    assert created["slug"] == "luz-hair-studio" and created["role"] == "admin"
    me = testapp.get("/api/auth/me", headers=caller.headers).json["data"]
    assert {"business_id": created["id"], "business_name": "Luz Hair Studio", "role": "admin"} in me["memberships"]


def test_business_fields_are_validated(testapp, factory):
    caller = factory.caller(role=None)
    response = testapp.post_json(
        "/api/businesses", {"name": "", "timezone": "Mars/Olympus", "currency": "euro", "slug": "Bad Slug"},
        headers=caller.headers, status=400,
    )
    assert_error(response, 400, "validation_error")
    assert set(response.json["errors"]) == {"name", "timezone", "currency", "slug"}


def test_a_taken_slug_is_a_conflict_and_generated_slugs_avoid_it(testapp, factory):
    caller = factory.caller(role=None)
    testapp.post_json("/api/businesses", {"name": "Glow"}, headers=caller.headers, status=201)
    taken = testapp.post_json("/api/businesses", {"name": "Other", "slug": "glow"}, headers=caller.headers, status=409)
    assert taken.json["errors"] == {"slug": ["Already taken"]}
    second = testapp.post_json("/api/businesses", {"name": "Glow"}, headers=caller.headers, status=201)
    assert second.json["data"]["slug"] == "glow-2"


def test_list_shows_only_the_callers_businesses(testapp, factory):
    mine = factory.caller(role="agent")
    factory.caller(role="admin")  # someone else's business
    listed = testapp.get("/api/businesses", headers=mine.headers).json
    assert [b["id"] for b in listed["data"]] == [str(mine.business.id)]
    assert listed["meta"]["pagination"]["total"] == 1


def test_another_business_is_not_found(testapp, factory):
    mine = factory.caller(role="admin")
    theirs = factory.caller(role="admin")
    for method, path in (("get", ""), ("patch", ""), ("get", "/members")):
        url = f"/api/businesses/{theirs.business.id}{path}"
        kwargs = {"params": "{}", "content_type": "application/json"} if method == "patch" else {}
        response = getattr(testapp, method)(url, headers=mine.headers, status=404, **kwargs)
        assert_error(response, 404, "not_found")
        assert theirs.business.name not in response.text


def test_only_admins_change_the_business(testapp, factory):
    admin = factory.caller(role="admin")
    manager = factory.caller(role="manager", business=admin.business)
    url = f"/api/businesses/{admin.business.id}"
    assert_error(testapp.patch_json(url, {"name": "Renamed"}, headers=manager.headers, status=403), 403,
                "permission_denied")
    assert testapp.patch_json(url, {"name": "Renamed"}, headers=admin.headers).json["data"]["name"] == "Renamed"


def test_admin_adds_an_existing_user_as_member(testapp, factory, dbsession):
    admin = factory.caller(role="admin")
    person = factory.user(email="staff@example.test")
    added = testapp.post_json(
        f"/api/businesses/{admin.business.id}/members", {"email": "STAFF@example.test", "role": "agent"},
        headers=admin.headers, status=201,
    ).json["data"]
    assert added["user_id"] == str(person.id) and added["role"] == "agent"
    again = testapp.post_json(
        f"/api/businesses/{admin.business.id}/members", {"email": "staff@example.test", "role": "manager"},
        headers=admin.headers, status=409,
    )
    assert_error(again, 409, "conflict")
    assert "email" in again.json["errors"]


def test_a_person_without_an_account_is_invited_and_sets_a_password_from_the_mail(testapp, factory, mailbox):
    admin = factory.caller(role="admin")
    testapp.post_json(
        f"/api/businesses/{admin.business.id}/members",
        {"email": "new.hire@example.test", "role": "agent", "full_name": "New Hire"},
        headers=admin.headers, status=201,
    )
    assert admin.business.name in mailbox.last("new.hire@example.test")["Subject"]
    token = mailbox.token_in_last("new.hire@example.test")
    testapp.post_json("/api/auth/password/reset", {"token": token, "new_password": "fresh-start-2026!"})
    tokens = testapp.post_json(
        "/api/auth/login", {"email": "new.hire@example.test", "password": "fresh-start-2026!"}
    ).json["data"]
    me = testapp.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json["data"]
    assert me["memberships"][0]["role"] == "agent"


def test_members_list_and_role_change(testapp, factory):
    admin = factory.caller(role="admin")
    agent = factory.caller(role="agent", business=admin.business)
    base = f"/api/businesses/{admin.business.id}/members"
    assert len(testapp.get(base, headers=admin.headers).json["data"]) == 2
    assert_error(testapp.get(base, headers=agent.headers, status=403), 403, "permission_denied")
    changed = testapp.patch_json(f"{base}/{agent.user.id}", {"role": "manager"}, headers=admin.headers).json
    assert changed["data"]["role"] == "manager"
    bad = testapp.patch_json(f"{base}/{agent.user.id}", {"role": "owner"}, headers=admin.headers, status=400)
    assert "role" in bad.json["errors"]


def test_the_last_admin_can_be_neither_demoted_nor_removed(testapp, factory, dbsession):
    admin = factory.caller(role="admin")
    base = f"/api/businesses/{admin.business.id}/members/{admin.user.id}"
    assert_error(testapp.patch_json(base, {"role": "manager"}, headers=admin.headers, status=409), 409, "conflict")
    assert_error(testapp.delete(base, headers=admin.headers, status=409), 409, "conflict")

    second = factory.caller(role="admin", business=admin.business)
    testapp.delete(base, headers=second.headers)
    remaining = dbsession.scalars(select(Membership.role).where(Membership.business_id == admin.business.id)).all()
    assert remaining == ["admin"]


def test_removing_an_unknown_member_is_not_found(testapp, factory):
    admin = factory.caller(role="admin")
    for user_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = testapp.delete(f"/api/businesses/{admin.business.id}/members/{user_id}",
                                  headers=admin.headers, status=404)
        assert_error(response, 404, "not_found")


# -- the active business -------------------------------------------------------


def test_single_membership_needs_no_header(testapp, factory):
    caller = factory.caller(role="agent")
    headers = {"Authorization": caller.headers["Authorization"]}
    assert testapp.get("/api/_test/whoami", headers=headers).json["data"]["role"] == "agent"


def test_several_memberships_without_header_is_business_required(testapp, factory):
    caller = factory.caller(role="agent")
    factory.caller(role="manager", user=caller.user)
    headers = {"Authorization": caller.headers["Authorization"]}
    assert_error(testapp.get("/api/_test/whoami", headers=headers, status=400), 400, "business_required")
    assert testapp.get("/api/_test/whoami", headers=caller.headers).json["data"]["role"] == "agent"


def test_a_member_of_a_names_b_in_the_header_and_gets_not_a_member(testapp, factory):
    member_of_a = factory.caller(role="admin")
    business_b = factory.caller(role="admin").business
    headers = {**member_of_a.headers, "X-Business-Id": str(business_b.id)}
    assert_error(testapp.get("/api/_test/whoami", headers=headers, status=403), 403, "not_a_member")


def test_an_unreadable_business_header_is_a_bad_request(testapp, factory):
    caller = factory.caller(role="admin")
    headers = {**caller.headers, "X-Business-Id": "drop table"}
    response = testapp.get("/api/_test/whoami", headers=headers, status=400)
    assert_error(response, 400, "bad_request")
    assert "X-Business-Id" in response.json["errors"]


def test_tenant_route_without_token_is_not_authenticated(testapp):
    assert_error(testapp.get("/api/_test/whoami", status=401), 401, "not_authenticated")


def test_member_and_business_changes_are_audited(testapp, factory):
    admin = factory.caller(role="admin")
    factory.user(email="new.staff@example.test")
    base = f"/api/businesses/{admin.business.id}"
    added = testapp.post_json(f"{base}/members", {"email": "new.staff@example.test", "role": "agent"},
                              headers=admin.headers).json["data"]
    testapp.patch_json(f"{base}/members/{added['user_id']}", {"role": "admin"}, headers=admin.headers)
    testapp.delete(f"{base}/members/{added['user_id']}", headers=admin.headers)
    testapp.patch_json(base, {"name": "Renamed Salon"}, headers=admin.headers)
    log = testapp.get("/api/audit-log?ordering=at", headers=admin.headers).json["data"]
    assert [(e["action"], e["resource_type"]) for e in log] == [
        ("create", "memberships"), ("update", "memberships"), ("delete", "memberships"), ("update", "businesses")]
    assert log[1]["changes"] == {"role": ["agent", "admin"]}
    assert all(e["actor_id"] == str(admin.user.id) for e in log)
