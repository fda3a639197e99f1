"""User accounts and roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.db import Base, TimestampMixin
from participate.districts.models import District


class Role(StrEnum):
    RESIDENT = "resident"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    # Translators: the moderator's job title at the city (glossary: kehittämispäällikkö).
    Role.MODERATOR: _l("Development manager"),
    Role.ADMIN: _l("Administrator"),
}


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    language: Mapped[str] = mapped_column(sa.String(2), default="fi")
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.RESIDENT,
    )
    home_district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    home_district: Mapped[District | None] = relationship(lazy="joined")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def has_role(self, role: Role) -> bool:
        if role == Role.RESIDENT:
            return True
        if role == Role.MODERATOR:
            return self.is_moderator
        return self.is_admin

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
