"""Neighbourhood activities and the sign-ups for them.

Capacity rules live in the database as far as a database can hold them (CHECK constraints,
one live sign-up per e-mail address and activity); the rest is enforced under a row lock on
the activity in `signups.py`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload, synonym

from participate.accounts.models import User
from participate.activities.lifecycle import ACTIVITY_LIFECYCLE, ACTIVITY_WORKFLOW, SignupWindow
from participate.db import Base, TimestampMixin, utcnow
from participate.districts.models import District
from participate.i18n.content import pick
from participate.i18n.locale import LANGS
from participate.workflow.models import ModeratedMixin, enum_column, queue_index
from participate.workflow.states import Status

# The longest text each field takes, in characters. Declared once: the columns, the
# residents' form, the desk's edit form and the services all read this table, so text
# that one of them accepts is never refused by another (a 30,000-character description is
# refused everywhere, a 20,000-character one can be saved and corrected).
TEXT_LIMITS: dict[str, int] = {
    **{f"title_{lang}": 200 for lang in LANGS},
    **{f"description_{lang}": 20_000 for lang in LANGS},
    **{f"accessibility_{lang}": 5_000 for lang in LANGS},
    "organiser_name": 200,
    "organiser_contact": 254,
    **{f"place_{lang}": 300 for lang in LANGS},
    "place": 300,  # the Finnish text's column (place_fi reads it)
    "cancellation_note": 2_000,
}

# The same for a sign-up's fields (columns, the sign-up form, the resend-link form and
# `services.sign_up` read it). An e-mail address is at most 254 characters (RFC 5321).
SIGNUP_LIMITS: dict[str, int] = {
    "name": 100,
    "email": 254,
    "phone": 40,
    "accessibility_needs": 1_000,
}


class OrganiserKind(StrEnum):
    CITY = "city"
    RESIDENTS = "residents"

    @property
    def label(self) -> str:
        return str(ORGANISER_LABELS[self])


ORGANISER_LABELS = {
    OrganiserKind.CITY: _l("A unit of the city"),
    OrganiserKind.RESIDENTS: _l("A group of residents"),
}


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"  # has a place
    WAITING = "waiting"  # on the waiting list
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(SIGNUP_LABELS[self])


SIGNUP_LABELS = {
    SignupStatus.CONFIRMED: _l("Place confirmed"),
    SignupStatus.WAITING: _l("On the waiting list"),
    SignupStatus.CANCELLED: _l("Sign-up cancelled"),
}


class Activity(ModeratedMixin, TimestampMixin, Base):
    """A neighbourhood activity. Text fields exist per language (`pick()` chooses)."""

    __tablename__ = "activities"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("max_group_size >= 1", name="group_size_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_activities_starts_at", "starts_at"),
        # The statistics' proposals over the period (statuses, decision times), read from
        # the index alone. Migration 0020.
        sa.Index("ix_activities_statistics", "first_submitted_at", "status", "first_decision_at"),
        # The desk's queue, and the queue filtered by district (migrations 0012 and 0018).
        queue_index("ix_activities_queue"),
        queue_index("ix_activities_queue_district", "district_id"),
        # The public lists (upcoming soonest first, the archive newest first) and their
        # "not yet ended" / "ended" split, over published activities only (migration 0008);
        # with ends_at in the entry the split is checked in the index, so neither list
        # reads the other's rows from the table before its own (migration 0019). On
        # PostgreSQL it carries what the "places left" filter tests, so that list's bounded
        # count is read from the index alone (migration 0024).
        sa.Index(
            "ix_activities_published_starts",
            "starts_at",
            "id",
            "ends_at",
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
            postgresql_include=["is_cancelled", "capacity", "places_taken"],
        ),
        sa.Index(
            "ix_activities_published_ends",
            "ends_at",
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        ),
    )

    lifecycle = ACTIVITY_LIFECYCLE
    workflow = ACTIVITY_WORKFLOW
    moderation_kind = "activity"
    moderation_label = _l("Activity proposal")

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fi: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["title_fi"]), default="")
    title_sv: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["title_sv"]), default="")
    title_en: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["title_en"]), default="")
    description_fi: Mapped[str] = mapped_column(sa.Text, default="")
    description_sv: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_fi: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_sv: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility_en: Mapped[str] = mapped_column(sa.Text, default="")

    organiser_kind: Mapped[OrganiserKind] = mapped_column(
        enum_column(OrganiserKind, 20), default=OrganiserKind.RESIDENTS
    )
    organiser_name: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["organiser_name"]))
    # Public contact: an e-mail address or a telephone number, as the organiser chooses.
    organiser_contact: Mapped[str] = mapped_column(
        sa.String(TEXT_LIMITS["organiser_contact"]), default=""
    )

    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    # The place in each language; the column `place` holds the Finnish text (migration 0009).
    place: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["place"]))
    place_fi = synonym("place")
    place_sv: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["place_sv"]), default="")
    place_en: Mapped[str] = mapped_column(sa.String(TEXT_LIMITS["place_en"]), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]

    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int | None]  # None: no limit
    signup_opens_at: Mapped[datetime | None]  # None: as soon as it is published
    signup_closes_at: Mapped[datetime | None]  # None: when the activity starts
    max_group_size: Mapped[int] = mapped_column(default=1)
    # Languages spoken at the activity, stored as ",fi,sv," so one LIKE finds a language.
    spoken_languages: Mapped[str] = mapped_column(sa.String(100), default="")

    is_cancelled: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None]
    cancellation_note: Mapped[str] = mapped_column(sa.Text, default="")
    moderator_edited_at: Mapped[datetime | None]
    # iCalendar SEQUENCE (RFC 5545 3.8.7.4): bumped when the time, place, capacity or
    # status changes, so calendars that imported the event replace their copy.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    # People with a confirmed place: the sum of the confirmed sign-ups' `people`, kept equal
    # to it by database triggers on `signups` (migration 0017), so the lists can filter on
    # places left through an index-friendly column. Never written by the app. Read it
    # with a column select (activities.queries.count_taken, the lists' `taken` column),
    # not from a loaded Activity, which does not see the triggers' changes until refreshed.
    places_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    # After the retention period the sign-ups are deleted and only these counts remain.
    signups_purged_at: Mapped[datetime | None]
    final_participants: Mapped[int | None]

    district: Mapped[District] = relationship(lazy="selectin")

    # -- per-language text -------------------------------------------------------------
    def title(self, lang: str | None = None) -> Any:
        return pick(self, "title", lang)

    def description(self, lang: str | None = None) -> Any:
        return pick(self, "description", lang)

    def accessibility(self, lang: str | None = None) -> Any:
        return pick(self, "accessibility", lang)

    def place_text(self, lang: str | None = None) -> Any:
        """The place in `lang` (default: the page's), else Finnish, with `lang` and
        `is_fallback` for the visible fallback and the `lang` attribute."""
        return pick(self, "place", lang)

    @property
    def languages(self) -> list[str]:
        return [code for code in self.spoken_languages.split(",") if code]

    @languages.setter
    def languages(self, codes: list[str]) -> None:
        self.spoken_languages = f",{','.join(codes)}," if codes else ""

    # -- time and sign-up window -------------------------------------------------------
    @property
    def closes_at(self) -> datetime:
        """The moment sign-ups stop: the deadline, or the start when none was given."""
        return self.signup_closes_at or self.starts_at

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())

    def signup_window(self, now: datetime | None = None) -> SignupWindow:
        now = now or utcnow()
        if self.status != Status.PUBLISHED:
            return SignupWindow.NOT_PUBLIC
        if self.is_cancelled:
            return SignupWindow.CANCELLED
        if self.signup_opens_at is not None and now < self.signup_opens_at:
            return SignupWindow.NOT_YET_OPEN
        if now >= self.closes_at:
            return SignupWindow.CLOSED if self.signup_closes_at else SignupWindow.STARTED
        return SignupWindow.OPEN

    # -- moderation --------------------------------------------------------------------
    def moderation_title(self) -> str:
        return self.title().text

    @property
    def language(self) -> str:
        """The language of `moderation_title()` (the desk marks the heading with it)."""
        return self.title().lang

    def moderation_link(self) -> tuple[str, dict[str, Any]]:
        return "activities.detail", {"activity_id": self.id}

    @classmethod
    def moderation_load_options(cls) -> list[Any]:
        # selectinload, not joinedload: the workflow re-reads the row FOR UPDATE before a
        # decision, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        return [selectinload(cls.author), selectinload(cls.district)]

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.status}>"


def new_token() -> str:
    """A private link's random token (sent once by e-mail, never stored)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What `Signup.token_hash` stores of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class Signup(Base):
    """One person's sign-up (for themselves and their group) for one activity.

    The private link carries a random token; only its SHA-256 hash is stored, so a copy of
    the database does not reveal anybody's link.
    """

    __tablename__ = "signups"
    __table_args__ = (
        sa.CheckConstraint("people >= 1", name="people_positive"),
        # One live sign-up per address and activity. Cancelled ones do not count, so a
        # person who cancelled can sign up again.
        sa.Index(
            "uq_signups_activity_email_live",
            "activity_id",
            "email",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_signups_activity_status", "activity_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"))
    status: Mapped[SignupStatus] = mapped_column(enum_column(SignupStatus, 20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(SIGNUP_LIMITS["name"]))
    # stored in lower case
    email: Mapped[str] = mapped_column(sa.String(SIGNUP_LIMITS["email"]))
    phone: Mapped[str] = mapped_column(sa.String(SIGNUP_LIMITS["phone"]), default="")
    people: Mapped[int] = mapped_column(default=1)
    accessibility_needs: Mapped[str] = mapped_column(
        sa.String(SIGNUP_LIMITS["accessibility_needs"]), default=""
    )
    # The language of the page the person signed up on: every e-mail to them uses it.
    language: Mapped[str] = mapped_column(sa.String(2))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]  # when the person got a place
    cancelled_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_live(self) -> bool:
        return self.status != SignupStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Signup {self.id} {self.status} x{self.people}>"
