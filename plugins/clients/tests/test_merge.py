"""Merging a duplicate client into a survivor."""

import uuid

from sqlalchemy import select

from platform_core.audit.models import AuditEntry
from platform_core.testing.assertions import assert_error


def test_merge_fills_gaps_moves_points_and_deletes_the_duplicate(testapp, admin, make_client, dbsession):
    survivor = make_client(first_name="Ana", email="ana@example.com", tags=["vip"], notes="Regular")
    duplicate = make_client(first_name="Ana", last_name="S.", phone="+351912345678", tags=["color"],
                            notes="Booked by phone")
    testapp.post_json("/api/clients/loyalty-programs", {"name": "Rewards"}, headers=admin.headers)
    url = f"/api/clients/clients/{duplicate['id']}/loyalty/adjust"
    testapp.post_json(url, {"points": 40, "reason": "Welcome"}, headers=admin.headers)

    merged = testapp.post_json(f"/api/clients/clients/{survivor['id']}/merge", {"duplicate_id": duplicate["id"]},
                               headers=admin.headers).json["data"]
    assert merged["phone"] == "+351912345678" and merged["email"] == "ana@example.com"
    assert merged["tags"] == ["vip", "color"] and merged["notes"] == "Regular\n\nBooked by phone"
    testapp.get(f"/api/clients/clients/{duplicate['id']}", headers=admin.headers, status=404)
    loyalty = testapp.get(f"/api/clients/clients/{survivor['id']}/loyalty", headers=admin.headers).json
    assert loyalty["meta"]["loyalty"]["balance"] == 40
    audited = dbsession.scalars(select(AuditEntry.action).where(AuditEntry.resource_id == duplicate["id"])).all()
    assert "delete" in audited


def test_merge_refuses_itself_unknown_and_foreign_clients(testapp, admin, make_client, factory):
    client = make_client()
    url = f"/api/clients/clients/{client['id']}/merge"
    for duplicate_id in (client["id"], "00000000-0000-0000-0000-000000000000"):
        response = testapp.post_json(url, {"duplicate_id": duplicate_id}, headers=admin.headers, status=400)
        assert "duplicate_id" in assert_error(response, 400, "validation_error")["errors"]
    other = factory.caller(role="admin")
    factory.enable_modules(other.business, "clients")
    foreign = make_client(caller=other)
    testapp.post_json(url, {"duplicate_id": foreign["id"]}, headers=admin.headers, status=400)


def test_agents_cannot_merge(testapp, staff, make_client):
    a, b = make_client(), make_client(first_name="Other")
    response = testapp.post_json(f"/api/clients/clients/{a['id']}/merge", {"duplicate_id": b["id"]},
                                 headers=staff["agent"].headers, status=403)
    assert_error(response, 403, "permission_denied")


def test_merge_keeps_lifetime_points_and_tier_and_caps_tags(testapp, admin, make_client, dbsession):
    testapp.post_json("/api/clients/loyalty-programs", {"name": "R", "tiers": [{"name": "Gold", "min_points": 500}]},
                      headers=admin.headers)
    survivor = make_client(tags=[f"s{i}" for i in range(15)])
    duplicate = make_client(first_name="Dup", tags=[f"d{i}" for i in range(15)])
    from platform_clients.models import LoyaltyAccount

    account = LoyaltyAccount(business_id=admin.business.id, client_id=uuid.UUID(duplicate["id"]),
                             balance=120, lifetime_points=700)
    dbsession.add(account)
    dbsession.flush()
    merged = testapp.post_json(f"/api/clients/clients/{survivor['id']}/merge", {"duplicate_id": duplicate["id"]},
                               headers=admin.headers).json["data"]
    assert len(merged["tags"]) == 20 and merged["tags"][:15] == [f"s{i}" for i in range(15)]
    summary = testapp.get(f"/api/clients/clients/{survivor['id']}/loyalty", headers=admin.headers).json
    assert summary["meta"]["loyalty"] == {"balance": 120, "lifetime_points": 700, "tier": "Gold"}
    assert [(e["kind"], e["points"]) for e in summary["data"]] == [("merge", 120)]
    testapp.put_json(f"/api/clients/clients/{survivor['id']}", {**{k: merged[k] for k in ("first_name", "tags")}},
                     headers=admin.headers)
