"""Columns tables share: id, times, tenancy, audit fields and soft delete."""

import uuid
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, ForeignKey, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow():
    return datetime.now(timezone.utc)


class UUIDPrimaryKey:
    """A random UUID id: opaque to clients and not enumerable."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class Timestamps:
    """When the row was created and last changed (UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


class TenantScoped:
    """A row that belongs to one business.

    Every ORM read of a subclass is filtered to the session's business, new
    rows are stamped with it and rows of another business cannot be written
    (see :mod:`platform_core.db.tenancy`). Put ``business_id`` first in every
    index of such a table: every hot query starts with it.
    """

    @declared_attr
    def business_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(Uuid, ForeignKey("businesses.id", ondelete="CASCADE"), nullable=False, index=True)


class Audited(Timestamps):
    """Who created and last changed the row, and when; changes go to the audit log."""

    @declared_attr
    def created_by(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def updated_by(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))


class SoftDeletable:
    """A row the API never deletes: it is marked, hidden from reads, and can be restored."""

    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @declared_attr
    def deleted_by(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))


class TenantModel(UUIDPrimaryKey, TenantScoped, Audited, SoftDeletable):
    """What most plugin models derive from (with ``Base``): id, business, audit, soft delete."""
