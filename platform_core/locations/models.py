"""A business's branches: where appointments happen and stock is kept."""

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db import Base
from platform_core.db.mixins import TenantModel


class Location(TenantModel, Base):
    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("business_id", "name"),
        Index("ix_locations_business_created", "business_id", "created_at"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    #: IANA zone; the business's own when not given.
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
