"""Clients of a business and their loyalty ledger."""

import uuid
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, Uuid)
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db import Base
from platform_core.db.indexes import unique_among_live
from platform_core.db.mixins import TenantModel, TenantScoped, UUIDPrimaryKey, utcnow
from platform_core.db.types import TagList

GENDERS = ("female", "male", "non_binary", "other", "undisclosed")
SOURCES = ("walk_in", "online", "referral", "import")
CHANNELS = ("email", "sms", "whatsapp")


class Client(TenantModel, Base):
    __tablename__ = "clients_clients"

    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    #: Lower-cased; unique within the business when present.
    email: Mapped[str | None] = mapped_column(String(254))
    #: E.164; unique within the business when present.
    phone: Mapped[str | None] = mapped_column(String(20))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tags: Mapped[list] = mapped_column(TagList, nullable=False, default=list)
    consent_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_email_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_sms: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_sms_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_whatsapp: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_whatsapp_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    preferred_location_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="walk_in")
    #: The client this one was merged into, once merged (and soft-deleted).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("clients_clients.id"))


# Unique per business among clients that are not deleted (a merged duplicate frees its email).
for _column in ("email", "phone"):
    Client.__table__.append_constraint(
        unique_among_live("clients_clients", _column, name=f"uq_clients_clients_business_{_column}"))
Index("ix_clients_clients_business_name", Client.business_id, Client.last_name, Client.first_name)


class LoyaltyProgram(TenantModel, Base):
    """How clients earn points: per currency unit spent, per visit, and the reward tiers."""

    __tablename__ = "clients_loyalty_programs"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    points_per_currency_unit: Mapped[float] = mapped_column(Numeric(8, 2), nullable=False, default=1)
    points_per_visit: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: ``[{"name": "Gold", "min_points": 500}, ...]``
    tiers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class LoyaltyAccount(UUIDPrimaryKey, TenantScoped, Base):
    """A client's current balance: the sum of the ledger, kept for atomic checks."""

    __tablename__ = "clients_loyalty_accounts"
    __table_args__ = (Index("uq_clients_loyalty_accounts_client", "business_id", "client_id", unique=True),)

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("clients_clients.id"), nullable=False)
    balance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Points earned over the client's life (tiers are reached by this, not the balance).
    lifetime_points: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class LoyaltyEntry(UUIDPrimaryKey, TenantScoped, Base):
    """One line of the append-only points ledger; never edited, never deleted."""

    __tablename__ = "clients_loyalty_entries"
    __table_args__ = (Index("ix_clients_loyalty_entries_client_at", "business_id", "client_id", "at"),)

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("clients_clients.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    #: Signed: positive for earn and upward adjustments.
    points: Mapped[int] = mapped_column(Integer, nullable=False)
    balance_after: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: What caused it (``appointment``, ``sale``, ``merge``...) and its id.
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
