"""Test data for the core's and plugins' tests: users, businesses, logged-in callers."""

import itertools
from dataclasses import dataclass

from platform_core.auth.models import User
from platform_core.modules.discovery import requirements_closure
from platform_core.modules.models import BusinessModule
from platform_core.modules.state import cache_key
from platform_core.tenancy.models import Business, Membership

DEFAULT_PASSWORD = "correct horse battery staple"

_sequence = itertools.count(1)


def unique(prefix):
    return f"{prefix}{next(_sequence)}"


@dataclass
class Caller:
    """A user acting in a business, with the headers that say so."""

    user: User
    business: Business | None
    role: str | None
    access_token: str
    refresh_token: str

    @property
    def headers(self):
        headers = {"Authorization": f"Bearer {self.access_token}"}
        if self.business is not None:
            headers["X-Business-Id"] = str(self.business.id)
        return headers


class Factory:
    """Creates rows on the test's session and tokens from the app's token service."""

    def __init__(self, app, dbsession):
        self.registry = app.registry
        self.db = dbsession

    def user(self, email=None, password=DEFAULT_PASSWORD, full_name="Test User", verified=True, **fields):
        now = self.registry["clock"].now()
        user = User(
            email=(email or f"{unique('user')}@example.test").lower(),
            full_name=full_name,
            password_hash=self.registry["auth.passwords"].hash(password) if password else None,
            email_verified_at=now if verified else None,
            **fields,
        )
        self.db.add(user)
        self.db.flush()
        return user

    def business(self, name=None, admin=None, **fields):
        name = name or unique("Business ")
        business = Business(name=name, slug=name.lower().replace(" ", "-"), **fields)
        self.db.add(business)
        self.db.flush()
        if admin is not None:
            self.membership(business, admin, "admin")
        return business

    def membership(self, business, user, role):
        membership = Membership(business_id=business.id, user_id=user.id, role=role)
        self.db.add(membership)
        self.db.flush()
        return membership

    def enable_modules(self, business, *names):
        """Switch modules (and what they need) on for ``business``, as its admin would."""
        plugins = self.registry["plugins"]
        for name in dict.fromkeys(n for wanted in names for n in requirements_closure(plugins, wanted)):
            self.db.add(BusinessModule(business_id=business.id, module=name, enabled=True, settings={}))
        self.db.flush()
        self.registry["redis"].delete(cache_key(business.id))

    def caller(self, role="admin", business=None, user=None):
        """A user with ``role`` in ``business`` (both made when not given), logged in."""
        user = user or self.user()
        if business is None:
            business = self.business()
        if role is not None:
            self.membership(business, user, role)
        pair = self.registry["auth.tokens"].issue_pair(user.id)
        return Caller(user, business, role, pair.access_token, pair.refresh_token)
