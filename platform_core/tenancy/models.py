"""Businesses (the tenants) and who belongs to them, with which role."""

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.auth.models import User
from platform_core.db import Base
from platform_core.db.mixins import Timestamps, UUIDPrimaryKey

#: The roles of the contract, from most to least powerful.
ROLES = ("admin", "manager", "agent", "subscriber")


class Business(UUIDPrimaryKey, Timestamps, Base):
    """A tenant: every tenant-scoped row belongs to exactly one business."""

    __tablename__ = "businesses"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Unique, URL-safe; names the business in public URLs (the booking portal).
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="business", lazy="raise")


class Membership(UUIDPrimaryKey, Timestamps, Base):
    """A user's role in a business; one per (business, user)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("business_id", "user_id"),)

    business_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("businesses.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False)

    business: Mapped[Business] = relationship(back_populates="memberships", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
