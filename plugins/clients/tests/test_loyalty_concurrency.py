"""Concurrent redemptions never take a balance below zero (real server, real commits)."""

from sqlalchemy import func, select

from platform_clients.models import LoyaltyAccount, LoyaltyEntry


def test_concurrent_redemptions_stop_at_zero_and_the_ledger_sums_to_the_balance(live):
    admin = live.factory.caller(role="admin")
    live.factory.enable_modules(admin.business, "clients")
    live.commit()
    status, body = live.request("POST", "/api/clients/clients", {"first_name": "Race"}, admin.headers)
    assert status == 201, body
    client_id = body["data"]["id"]
    base = f"/api/clients/clients/{client_id}/loyalty"
    assert live.request("POST", f"{base}/adjust", {"points": 50, "reason": "seed"}, admin.headers)[0] == 200

    redeem = lambda: live.request("POST", f"{base}/redeem", {"points": 10}, admin.headers)  # noqa: E731
    results = live.concurrently([redeem] * 12)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 5 + [409] * 7, results
    assert all(body["code"] == "insufficient_points" for status, body in results if status == 409)

    balance = live.session.scalar(select(LoyaltyAccount.balance))
    total = live.session.scalar(select(func.sum(LoyaltyEntry.points)))
    assert balance == 0 and total == 0
