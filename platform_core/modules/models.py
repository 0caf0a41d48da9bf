"""Which modules each business has switched on, with their per-business settings."""

from sqlalchemy import JSON, Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db import Base
from platform_core.db.mixins import Audited, TenantScoped, UUIDPrimaryKey


class BusinessModule(UUIDPrimaryKey, TenantScoped, Audited, Base):
    """One row per (business, module) ever enabled; disabling keeps the row and its settings."""

    __tablename__ = "business_modules"
    __table_args__ = (UniqueConstraint("business_id", "module"),)

    module: Mapped[str] = mapped_column(String(40), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    #: Settings may hold a plugin's credentials; managers read the audit log, only admins the settings.
    REDACTED_FIELDS = ("settings",)
