"""Bookable resources, their hours and exceptions, and appointments with their allocations."""

import uuid
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, Time, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_clients.api import Client
from platform_core.db import Base
from platform_core.db.mixins import TenantModel, TenantScoped, UUIDPrimaryKey
from platform_core.db.types import MONEY
from platform_services.api import Service

STATUSES = ("pending", "confirmed", "checked_in", "completed", "cancelled", "no_show")
#: Statuses whose appointment holds its resources' time.
HOLDING = ("pending", "confirmed", "checked_in", "completed")
EXCEPTION_KINDS = ("time_off", "extra_hours")


class Resource(TenantModel, Base):
    """A staff member, room or piece of equipment that appointments need."""

    __tablename__ = "booking_resources"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Matches a service's ``resource_types`` (``staff``, ``room``...).
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("locations.id"), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    hours: Mapped[list["WorkingHours"]] = relationship(
        cascade="all, delete-orphan", order_by="(WorkingHours.weekday, WorkingHours.starts)", lazy="selectin")


Index("ix_booking_resources_business_location", Resource.business_id, Resource.location_id, Resource.kind)


class WorkingHours(UUIDPrimaryKey, TenantScoped, Base):
    """One interval of a resource's weekly hours, in its location's wall-clock time."""

    __tablename__ = "booking_working_hours"

    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("booking_resources.id"), nullable=False,
                                                   index=True)
    #: Monday is 0.
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    starts: Mapped[time] = mapped_column(Time, nullable=False)
    ends: Mapped[time] = mapped_column(Time, nullable=False)


class ResourceException(TenantModel, Base):
    """Time off, or extra hours, for one resource over a stretch of time."""

    __tablename__ = "booking_resource_exceptions"
    __table_args__ = (Index("ix_booking_resource_exceptions_range", "business_id", "resource_id", "starts_at"),)

    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("booking_resources.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Appointment(TenantModel, Base):
    __tablename__ = "booking_appointments"
    __table_args__ = (Index("ix_booking_appointments_business_starts", "business_id", "starts_at"),)

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(Client.id), nullable=False)
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(Service.id), nullable=False)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("locations.id"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    price: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    #: ``staff`` (booked by the business) or ``online`` (the public portal).
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="staff")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    late_cancellation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Recurring appointments share a series id; ``occurrence`` counts from 1.
    series_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    occurrence: Mapped[int | None] = mapped_column(Integer)

    allocations: Mapped[list["Allocation"]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan", lazy="selectin")


class Allocation(UUIDPrimaryKey, TenantScoped, Base):
    """A resource held by an appointment for ``[block_start, block_end)``, buffers included.

    On PostgreSQL an exclusion constraint forbids two active allocations of
    one resource that overlap, whatever the concurrency (see the migration).
    """

    __tablename__ = "booking_allocations"
    __table_args__ = (Index("ix_booking_allocations_resource_block", "business_id", "resource_id", "block_start"),)

    appointment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("booking_appointments.id"), nullable=False)
    resource_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("booking_resources.id"), nullable=False)
    block_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    block_end: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: False once the appointment is cancelled or a no-show: the time is free again.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    appointment: Mapped[Appointment] = relationship(back_populates="allocations")
