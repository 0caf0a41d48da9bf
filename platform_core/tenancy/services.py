"""Business and membership rules: creation, roles, and the last-admin guarantee."""

import re
import unicodedata
import uuid

from sqlalchemy import func, select

from platform_core.audit.recorder import record
from platform_core.errors import Conflict, NotFound
from platform_core.tenancy.models import Business, Membership


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60] or "business"


class BusinessService:
    def __init__(self, request):
        self.request = request
        self.db = request.dbsession

    def create(self, creator, name, slug=None, timezone="UTC", currency="USD"):
        """A new business whose creator is its first admin."""
        if slug is None:
            slug = self._free_slug(slugify(name))
        elif self._slug_taken(slug):
            raise Conflict("This slug is taken", errors={"slug": ["Already taken"]})
        business = Business(name=name, slug=slug, timezone=timezone, currency=currency, created_by=creator.id)
        self.db.add(business)
        self.db.flush()
        self.db.add(Membership(business_id=business.id, user_id=creator.id, role="admin"))
        self.db.flush()
        return business

    def update(self, business, changes):
        if "slug" in changes and changes["slug"] != business.slug and self._slug_taken(changes["slug"]):
            raise Conflict("This slug is taken", errors={"slug": ["Already taken"]})
        recorded = {field: (getattr(business, field), value) for field, value in changes.items()
                    if getattr(business, field) != value}
        for field, value in changes.items():
            setattr(business, field, value)
        self.db.flush()
        if recorded:
            record(self.db, business.id, "update", "businesses", business.id, recorded)
        return business

    def add_member(self, business, email, role, full_name=None):
        """Add a person by email; someone without an account is invited by mail."""
        accounts = self.request.accounts
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.create_user(email, None, full_name or email.split("@")[0])
            accounts.send_password_link(
                user, f"You are invited to {business.name}",
                f"You have been added to {business.name} as {role}.",
            )
        elif self._membership(business.id, user.id) is not None:
            raise Conflict("Already a member", errors={"email": ["Already a member of this business"]})
        membership = Membership(business_id=business.id, user_id=user.id, role=role)
        self.db.add(membership)
        self.db.flush()
        record(self.db, business.id, "create", "memberships", user.id, {"email": (None, user.email), "role": (None, role)})
        return membership

    def change_role(self, business, user_id, role):
        membership = self.member(business, user_id)
        if membership.role == "admin" and role != "admin":
            self._keep_an_admin(business, "demote")
        if membership.role != role:
            record(self.db, business.id, "update", "memberships", membership.user_id, {"role": (membership.role, role)})
        membership.role = role
        self.db.flush()
        return membership

    def remove_member(self, business, user_id):
        membership = self.member(business, user_id)
        if membership.role == "admin":
            self._keep_an_admin(business, "remove")
        record(self.db, business.id, "delete", "memberships", membership.user_id, {"role": (membership.role, None)})
        self.db.delete(membership)
        self.db.flush()

    def member(self, business, user_id):
        try:
            membership = self._membership(business.id, uuid.UUID(str(user_id)))
        except ValueError:
            membership = None
        if membership is None:
            raise NotFound("No such member")
        return membership

    def members(self, business):
        return self.db.scalars(
            select(Membership).where(Membership.business_id == business.id).order_by(Membership.created_at)
        ).all()

    def _keep_an_admin(self, business, verb):
        # Lock the business row so two admins demoting each other at once
        # cannot both see "another admin remains".
        self.db.execute(select(Business.id).where(Business.id == business.id).with_for_update())
        admins = self.db.scalar(
            select(func.count()).select_from(Membership)
            .where(Membership.business_id == business.id, Membership.role == "admin")
        )
        if admins <= 1:
            raise Conflict(f"Cannot {verb} the last admin", errors={"role": ["A business keeps at least one admin"]})

    def _membership(self, business_id, user_id):
        return self.db.scalar(
            select(Membership).where(Membership.business_id == business_id, Membership.user_id == user_id)
        )

    def _slug_taken(self, slug):
        return self.db.scalar(select(func.count()).select_from(Business).where(Business.slug == slug)) > 0

    def _free_slug(self, base):
        taken = set(self.db.scalars(select(Business.slug).where(Business.slug.like(f"{base}%"))))
        if base not in taken:
            return base
        number = 2
        while f"{base}-{number}" in taken:
            number += 1
        return f"{base}-{number}"


def business_as_dict(business, role=None):
    return {
        "id": str(business.id),
        "name": business.name,
        "slug": business.slug,
        "timezone": business.timezone,
        "currency": business.currency,
        "role": role,
        "created_at": business.created_at,
        "updated_at": business.updated_at,
    }


def member_as_dict(membership):
    return {
        "user_id": str(membership.user_id),
        "email": membership.user.email,
        "full_name": membership.user.full_name,
        "role": membership.role,
        "joined_at": membership.created_at,
    }
