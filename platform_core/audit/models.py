"""The audit log: one row per create, update, delete and restore of audited data."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db import Base
from platform_core.db.mixins import TenantScoped, UUIDPrimaryKey, utcnow

ACTIONS = ("create", "update", "delete", "restore")


class AuditEntry(UUIDPrimaryKey, TenantScoped, Base):
    """What changed, who changed it and when; written in the change's own transaction."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_business_at", "business_id", "at"),
        Index("ix_audit_log_business_resource", "business_id", "resource_type", "resource_id"),
    )

    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    resource_type: Mapped[str] = mapped_column(String(100), nullable=False)
    resource_id: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    #: ``{field: [old, new]}``; secrets are never recorded.
    changes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
