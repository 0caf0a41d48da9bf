"""Accounts: users, their password hash and their second factor."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.db import Base
from platform_core.db.mixins import Timestamps, UUIDPrimaryKey


class User(UUIDPrimaryKey, Timestamps, Base):
    """A person who can log in. Not tenant-scoped: one user, many businesses."""

    __tablename__ = "users"

    #: Stored lower-cased, so uniqueness and lookups ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Empty for an invited user who has not chosen a password yet.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Tokens carry the version they were issued at; a password reset increments it.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    #: The TOTP secret: pending after setup, in force once ``totp_enabled``.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: The last TOTP time step accepted; a code of that step or earlier is a replay.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="raise"
    )

    #: Never written to the audit log or any response.
    SECRET_FIELDS = ("password_hash", "totp_secret")


class RecoveryCode(UUIDPrimaryKey, Base):
    """A one-time code that stands in for a TOTP code when the device is lost."""

    __tablename__ = "user_recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    #: SHA-256 of the code: the codes are long random strings, so a fast hash suffices.
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="recovery_codes")
