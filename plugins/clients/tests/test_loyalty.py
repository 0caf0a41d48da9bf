"""Loyalty: programs, the append-only ledger, earning from events, never below zero."""

import uuid
from decimal import Decimal

from pyramid.scripting import prepare
from sqlalchemy import func, select

from platform_clients.events import PurchaseCompleted, VisitCompleted
from platform_clients.models import LoyaltyAccount, LoyaltyEntry
from platform_core.db.tenancy import set_tenant
from platform_core.testing.assertions import assert_error


def program(testapp, caller, **fields):
    body = {"name": "Glow Rewards", "points_per_currency_unit": "1.00", "points_per_visit": 10,
            "tiers": [{"name": "Silver", "min_points": 100}, {"name": "Gold", "min_points": 300}], **fields}
    return testapp.post_json("/api/clients/loyalty-programs", body, headers=caller.headers, status=201).json["data"]


def loyalty(testapp, caller, client_id):
    return testapp.get(f"/api/clients/clients/{client_id}/loyalty", headers=caller.headers).json


def post(testapp, caller, client_id, verb, points, status=200, reason="test"):
    return testapp.post_json(f"/api/clients/clients/{client_id}/loyalty/{verb}", {"points": points, "reason": reason},
                             headers=caller.headers, status=status)


def ledger_sums_to_balance(dbsession, client_id):
    client_id = uuid.UUID(client_id)
    total = dbsession.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0))
                             .where(LoyaltyEntry.client_id == client_id))
    balance = dbsession.scalar(select(LoyaltyAccount.balance).where(LoyaltyAccount.client_id == client_id))
    return total == (balance or 0)


def test_program_fields_are_validated(testapp, admin):
    response = testapp.post_json("/api/clients/loyalty-programs",
                                 {"name": "", "points_per_visit": -1, "tiers": [{"name": "Gold"}]},
                                 headers=admin.headers, status=400)
    assert {"name", "points_per_visit", "tiers.0.min_points"} <= set(
        assert_error(response, 400, "validation_error")["errors"])


def test_redeem_adjust_and_expire_append_entries(testapp, admin, make_client, dbsession):
    program(testapp, admin)
    client = make_client()
    post(testapp, admin, client["id"], "adjust", 120)
    redeemed = post(testapp, admin, client["id"], "redeem", 50).json["data"]
    assert redeemed["balance"] == 70 and redeemed["entry"]["kind"] == "redeem" and redeemed["entry"]["points"] == -50
    post(testapp, admin, client["id"], "expire", 20)
    body = loyalty(testapp, admin, client["id"])
    assert [(e["kind"], e["points"], e["balance_after"]) for e in body["data"]] == [
        ("expire", -20, 50), ("redeem", -50, 70), ("adjust", 120, 120)]
    assert body["meta"]["loyalty"] == {"balance": 50, "lifetime_points": 0, "tier": None}
    assert ledger_sums_to_balance(dbsession, client["id"])


def test_redeeming_more_than_the_balance_is_refused(testapp, admin, make_client):
    client = make_client()
    post(testapp, admin, client["id"], "adjust", 30)
    response = post(testapp, admin, client["id"], "redeem", 31, status=409)
    assert assert_error(response, 409, "insufficient_points")["errors"] == {"points": ["Only 30 points available"]}
    assert_error(post(testapp, admin, client["id"], "adjust", -31, status=409), 409, "insufficient_points")


def test_agents_redeem_but_do_not_adjust(testapp, staff, make_client):
    client = make_client()
    post(testapp, staff["manager"], client["id"], "adjust", 10)
    post(testapp, staff["agent"], client["id"], "redeem", 5)
    assert_error(post(testapp, staff["agent"], client["id"], "adjust", 5, status=403), 403, "permission_denied")


def test_completed_visits_and_purchases_earn_points_and_tiers(testapp, app, admin, make_client, dbsession):
    program(testapp, admin)
    client = make_client()
    earn(app, admin.business, VisitCompleted, client["id"], "45.50")
    earn(app, admin.business, PurchaseCompleted, client["id"], "280.00")
    body = loyalty(testapp, admin, client["id"])
    assert [(e["kind"], e["points"]) for e in body["data"]] == [("earn", 280), ("earn", 55)]
    assert body["meta"]["loyalty"] == {"balance": 335, "lifetime_points": 335, "tier": "Gold"}
    assert ledger_sums_to_balance(dbsession, client["id"])


def test_no_points_when_loyalty_is_off_or_the_module_disabled(testapp, app, admin, make_client):
    program(testapp, admin)
    client = make_client()
    testapp.put_json("/api/modules/clients/settings", {"loyalty_enabled": False}, headers=admin.headers)
    earn(app, admin.business, VisitCompleted, client["id"], "100.00")
    assert loyalty(testapp, admin, client["id"])["meta"]["loyalty"]["balance"] == 0
    testapp.put_json("/api/modules/clients/settings", {"loyalty_enabled": True}, headers=admin.headers)
    testapp.post("/api/modules/clients/disable", headers=admin.headers)
    earn(app, admin.business, VisitCompleted, client["id"], "100.00")
    testapp.post("/api/modules/clients/enable", headers=admin.headers)
    assert loyalty(testapp, admin, client["id"])["meta"]["loyalty"]["balance"] == 0
    earn(app, admin.business, VisitCompleted, client["id"], "100.00")
    assert loyalty(testapp, admin, client["id"])["meta"]["loyalty"]["balance"] == 110


def earn(app, business, event_class, client_id, amount):
    """Play the booking or sales plugin: report a completed visit or purchase, in a transaction."""
    env = prepare(registry=app.registry)
    request = env["request"]
    try:
        with request.tm:
            set_tenant(request.dbsession, business.id, None)
            request.registry.notify(event_class(request, business.id, None, client_id, Decimal(amount),
                                                "appointment", "a-1"))
    finally:
        env["closer"]()
