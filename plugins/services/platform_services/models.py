"""The service catalogue, per-location terms, packages and the packages clients bought.

Catalogue rows (categories, services, packages) are soft-deletable: a name is
unique among the live rows of a business, so a deleted service's name can be
used again. A client package is a sale: it keeps a copy of what was sold
(name, price, sessions per service) so later catalogue edits never change it.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        Uuid)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.db import Base
from platform_core.db.indexes import unique_among_live
from platform_core.db.mixins import Audited, TenantModel, TenantScoped, UUIDPrimaryKey
from platform_core.db.types import MONEY, TagList
from platform_clients.api import Client


class ServiceCategory(TenantModel, Base):
    """A heading of the menu (Hair, Nails, Spa); ``position`` orders the menu."""

    __tablename__ = "services_categories"
    __table_args__ = (unique_among_live("services_categories", "name"),
                      Index("ix_services_categories_position", "business_id", "position"))

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Service(TenantModel, Base):
    """Something the business sells by time: how long it takes, what it needs, what it costs."""

    __tablename__ = "services_services"
    __table_args__ = (unique_among_live("services_services", "name"),
                      Index("ix_services_services_category", "business_id", "category_id"))

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("services_categories.id"))
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    #: Preparation and clean-up time: the resources stay taken, the client is not there.
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    price: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    #: Percent, e.g. 23.00.
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False, default=0)
    #: The kinds of resource a booking must allocate (``staff``, ``room``...).
    resource_types: Mapped[list] = mapped_column(TagList, nullable=False, default=list)
    online_bookable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ServiceLocation(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """How one location departs from a service's defaults; no row means "available, base price"."""

    __tablename__ = "services_service_locations"
    __table_args__ = (Index("uq_services_service_locations", "business_id", "service_id", "location_id",
                            unique=True),)

    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("services_services.id"), nullable=False)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("locations.id"), nullable=False)
    available: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: None: the service's own price.
    price: Mapped[Decimal | None] = mapped_column(MONEY)


class Package(TenantModel, Base):
    """A bundle sold up front: so many sessions of some services, to use within ``validity_days``."""

    __tablename__ = "services_packages"
    __table_args__ = (unique_among_live("services_packages", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    price: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    validity_days: Mapped[int] = mapped_column(Integer, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    items: Mapped[list["PackageItem"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", lazy="selectin", order_by="PackageItem.position")


class PackageItem(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """One line of a package: ``quantity`` sessions of a service (audited: lines are what a package sells)."""

    __tablename__ = "services_package_items"
    __table_args__ = (Index("uq_services_package_items_service", "business_id", "package_id", "service_id",
                            unique=True),)

    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("services_packages.id"), nullable=False)
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("services_services.id"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The line's place in the package as the client listed it.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    package: Mapped[Package] = relationship(back_populates="items")


class ClientPackage(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """A package a client bought, with what it was at the time of sale."""

    __tablename__ = "services_client_packages"
    __table_args__ = (Index("ix_services_client_packages_client", "business_id", "client_id", "expires_at"),)

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(Client.id), nullable=False)
    package_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("services_packages.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    price: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    purchased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    balances: Mapped[list["ClientPackageBalance"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ClientPackageBalance.position")


class ClientPackageBalance(UUIDPrimaryKey, TenantScoped, Base):
    """The sessions of one service left in a client package.

    ``remaining`` changes only through one conditional UPDATE (see
    :mod:`platform_services.consumption`); the CHECK is a second wall.
    """

    __tablename__ = "services_client_package_balances"
    __table_args__ = (
        Index("uq_services_client_package_balances", "business_id", "client_package_id", "service_id", unique=True),
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
    )

    client_package_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("services_client_packages.id", name="fk_services_balances_client_package"), nullable=False)
    service_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("services_services.id", name="fk_services_balances_service"), nullable=False)
    #: Sessions sold.
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    remaining: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ClientPackageUsage(UUIDPrimaryKey, TenantScoped, Base):
    """One consumption of a client package; append-only, never edited or deleted."""

    __tablename__ = "services_client_package_usages"
    __table_args__ = (Index("ix_services_client_package_usages_at", "business_id", "client_package_id", "at"),)

    client_package_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("services_client_packages.id", name="fk_services_usages_client_package"), nullable=False)
    service_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("services_services.id", name="fk_services_usages_service"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    remaining_after: Mapped[int] = mapped_column(Integer, nullable=False)
    #: What the sessions were used for (an appointment id...), as the caller names it.
    reference: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", name="fk_services_usages_actor", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
