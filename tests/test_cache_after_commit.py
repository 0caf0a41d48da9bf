"""Redis failing around a write: before the commit it fails the write, after the commit it cannot."""

import logging
import uuid

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from platform_core.locations.models import Location
from platform_core.tenancy.models import Membership
from platform_core.tenancy.roles import roles_key
from platform_core.testing.assertions import assert_error


class FailingRedis:
    """The app's client, whose ``command`` raises a connection error once it has succeeded ``spared`` times."""

    def __init__(self, client, command, spared=0):
        self._client, self._command, self._spared = client, command, spared
        self.failures = 0

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name != self._command:
            return attribute

        def command(*args, **kwargs):
            if self._spared:
                self._spared -= 1
                return attribute(*args, **kwargs)
            self.failures += 1
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return command


@pytest.fixture
def failing(app, redis, monkeypatch):
    """``failing(command, spared=0)`` makes the app's Redis fail that command from then on."""

    def install(command, spared=0):
        proxy = FailingRedis(redis, command, spared)
        monkeypatch.setitem(app.registry, "redis", proxy)
        return proxy

    return install


@pytest.fixture
def team(factory, testapp, redis):
    """An admin and an agent of one business; the agent's roles are cached by a request of theirs."""
    admin = factory.caller(role="admin")
    agent = factory.caller(role="agent", business=admin.business)
    testapp.get("/api/locations", headers=agent.headers)
    assert str(admin.business.id) in redis.get(roles_key(agent.user.id))
    return admin, agent


def role_of(dbsession, caller):
    return dbsession.scalar(select(Membership.role).where(
        Membership.user_id == caller.user.id, Membership.business_id == caller.business.id))


def test_a_role_change_redis_cannot_forget_is_not_made(testapp, dbsession, redis, failing, team):
    admin, agent = team
    proxy = failing("delete")
    response = testapp.patch_json(f"/api/businesses/{admin.business.id}/members/{agent.user.id}",
                                  {"role": "manager"}, headers=admin.headers, status=503)
    assert_error(response, 503, "unavailable")
    assert proxy.failures == 1
    assert role_of(dbsession, agent) == "agent"
    # The cached roles still say what the database says.
    assert str(admin.business.id) in redis.get(roles_key(agent.user.id))


def test_a_role_change_stands_when_redis_fails_after_the_commit(testapp, dbsession, redis, failing, team, caplog):
    admin, agent = team
    # The delete before the commit works; the one after it fails.
    proxy = failing("delete", spared=1)
    with caplog.at_level(logging.ERROR, logger="platform_core.db.cache"):
        response = testapp.patch_json(f"/api/businesses/{admin.business.id}/members/{agent.user.id}",
                                      {"role": "manager"}, headers=admin.headers)
    assert response.json["data"]["role"] == "manager"
    assert proxy.failures == 1
    assert role_of(dbsession, agent) == "manager"
    # Forgotten before the commit: the agent's next request reads the new role.
    assert redis.get(roles_key(agent.user.id)) is None
    me = testapp.get("/api/auth/me", headers=agent.headers).json["data"]
    assert me["memberships"][0]["role"] == "manager"
    assert [record.getMessage() for record in caplog.records] == [
        f"Redis failed after a commit: _forget not done for ['{roles_key(agent.user.id)}']"]


def test_a_create_stands_when_the_count_version_cannot_be_bumped(testapp, dbsession, failing, factory, caplog):
    admin = factory.caller(role="admin")
    proxy = failing("evalsha")
    with caplog.at_level(logging.ERROR, logger="platform_core.db.cache"):
        created = testapp.post_json("/api/locations", {"name": "Downtown", "address": "1 Main St"},
                                    headers=admin.headers, status=201).json["data"]
    assert proxy.failures == 1
    assert dbsession.scalar(select(Location.name).where(Location.id == uuid.UUID(created["id"]))) == "Downtown"
    [logged] = caplog.records
    assert logged.getMessage().startswith("Redis failed after a commit: _bump not done for")


def test_enabling_a_module_redis_cannot_forget_is_not_made(testapp, app, redis, failing, factory, monkeypatch):
    admin = factory.caller(role="admin")
    testapp.get("/api/modules", headers=admin.headers)  # the enabled set cached
    proxy = failing("delete")
    response = testapp.post("/api/modules/alpha/enable", headers=admin.headers, status=503)
    assert_error(response, 503, "unavailable")
    assert proxy.failures == 1
    monkeypatch.setitem(app.registry, "redis", redis)  # Redis back
    listed = {module["name"]: module["enabled"]
              for module in testapp.get("/api/modules", headers=admin.headers).json["data"]}
    assert listed["alpha"] is False
