"""User accounts and roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.collation import FINNISH, SWEDISH
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
    __table_args__ = (
        # The administrator's account list: accounts that are not deleted by name in the
        # page's collation (participate.collation), then id, read a page at a time. The
        # index's first column has that collation (`display_name COLLATE "fi-FI-x-icu"`),
        # which both databases reflect as the plain column, so it is declared so here; the
        # indexes are made by migration 0016 only (the tests never use create_all), which
        # also has the search's pg_trgm indexes (PostgreSQL only, not in the models).
        *(
            sa.Index(
                f"ix_users_name_{lang}",
                "display_name",
                "id",
                info={"collation": collation},
                postgresql_where=sa.text("deleted_at IS NULL"),
                sqlite_where=sa.text("deleted_at IS NULL"),
            )
            for lang, collation in (("fi", FINNISH), ("sv", SWEDISH))
        ),
        sa.Index("ix_users_role", "role"),
        sa.Index(
            "ix_users_blocked",
            "blocked_at",
            postgresql_where=sa.text("blocked_at IS NOT NULL"),
            sqlite_where=sa.text("blocked_at IS NOT NULL"),
        ),
    )

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


class Identity(Base):
    """A strong identification (Suomi.fi over SAML 2.0) linked to one account.

    Privacy by design: the national identification number is never stored. `person_hash` is
    HMAC-SHA256(IDENTITY_HASH_KEY, number) in hex, so one person is recognised across
    accounts (one support per person) without keeping who they are. The date of birth is
    reduced to `is_voting_age` at the moment of identification. Names from the identity
    provider are kept only when the person chose to show them (`verified_name`).
    Deleting the account deletes this row (accounts.services.delete_account).
    """

    __tablename__ = "identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    person_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    # Statistics Finland's three-digit code of the municipality of residence ("" if not given).
    municipality_code: Mapped[str] = mapped_column(sa.String(3), default="")
    # 18 or older on the day of identification (Election Act 714/1998, s. 26: voting age).
    is_voting_age: Mapped[bool] = mapped_column(default=False)
    # The AuthnContextClassRef the identity provider asserted (e.g. .../loa3).
    level_of_assurance: Mapped[str] = mapped_column(sa.String(200), default="")
    identified_at: Mapped[datetime]
    verified_name: Mapped[str | None] = mapped_column(sa.String(200))

    def counts_toward_threshold(self, municipality_code: str) -> bool:
        """A resident of the municipality of voting age (Local Government Act 410/2015 s. 23)."""
        return self.is_voting_age and self.municipality_code == municipality_code
