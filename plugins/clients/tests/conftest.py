"""Fixtures of the clients plugin's tests (the platform's kit provides the rest)."""

import pytest


@pytest.fixture
def staff(factory):
    """Callers of one business with clients enabled: admin, manager and agent."""
    admin = factory.caller(role="admin")
    factory.enable_modules(admin.business, "clients")
    return {
        "admin": admin,
        "manager": factory.caller(role="manager", business=admin.business),
        "agent": factory.caller(role="agent", business=admin.business),
    }


@pytest.fixture
def admin(staff):
    return staff["admin"]


@pytest.fixture
def make_client(testapp, admin):
    def make(caller=None, status=201, **fields):
        body = {"first_name": "Ana", "last_name": "Silva", **fields}
        return testapp.post_json("/api/clients/clients", body, headers=(caller or admin).headers,
                                 status=status).json["data"]
    return make
