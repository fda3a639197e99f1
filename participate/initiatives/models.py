"""Initiatives, their themes, supports and the city's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, synonym

from participate.accounts.models import User
from participate.db import Base, TimestampMixin, utcnow
from participate.districts.models import District
from participate.i18n.content import Localized, pick
from participate.initiatives.lifecycle import INITIATIVE_LIFECYCLE, INITIATIVE_WORKFLOW
from participate.workflow.models import ModeratedMixin, enum_column, queue_index

TITLE_MAX = 150
BODY_MAX = 10_000
ANSWER_MAX = 20_000
DECISION_MAKER_MAX = 200
MINUTES_URL_MAX = 500
# In forms, filters and open data: the initiative concerns the whole city, not one district.
WHOLE_CITY = "city"

# The 17 UN Sustainable Development Goals, by number (their official short names).
SDG_GOALS: dict[int, Any] = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}
SDG_MASK_LIMIT = 1 << len(SDG_GOALS)


def goals_to_mask(goals: list[int] | set[int] | tuple[int, ...]) -> int:
    return sum(1 << (goal - 1) for goal in set(goals) if goal in SDG_GOALS)


def mask_to_goals(mask: int) -> list[int]:
    return [goal for goal in SDG_GOALS if mask & (1 << (goal - 1))]


class AuthorDisplay(StrEnum):
    """How the author appears in public."""

    NAME = "name"  # their display name
    DISTRICT = "district"  # "a resident of <home district>"


class Theme(Base):
    """A topic from the moderators' list (names in fi/sv/en)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name_fi: Mapped[str] = mapped_column(sa.String(100))
    name_sv: Mapped[str] = mapped_column(sa.String(100), default="")
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def name(self, lang: str | None = None) -> Localized:
        return pick(self, "name", lang)

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


# The statuses the public sees (lifecycle.PUBLIC; a test checks they agree), in the order of
# the partial indexes' WHERE. SQLite uses a partial index only when the query repeats that
# term literally, so queries.public_statuses() renders the same list inline.
PUBLIC_STATUSES = ("published", "answered", "closed")
PUBLIC_STATUS_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in PUBLIC_STATUSES))
POINT_SQL = "lat IS NOT NULL AND lon IS NOT NULL"


class Initiative(ModeratedMixin, TimestampMixin, Base):
    __tablename__ = "initiatives"
    __table_args__ = (
        sa.CheckConstraint("support_count >= 0", name="support_count_not_negative"),
        sa.CheckConstraint(
            "resident_support_count >= 0 AND resident_support_count <= support_count",
            name="resident_support_count_range",
        ),
        sa.CheckConstraint(f"sdg_mask >= 0 AND sdg_mask < {SDG_MASK_LIMIT}", name="sdg_mask"),
        sa.CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="point_complete"),
        sa.Index("ix_initiatives_status_published_at", "status", "published_at"),
        # The council report's and the statistics' period, in the report's order. Migration 0014.
        sa.Index("ix_initiatives_first_submitted", "first_submitted_at", "id"),
        # The statistics' aggregates over the period (per month, district, theme, status,
        # supports and decision times) and the council report's counts (district, status,
        # threshold reached), read from the index alone. Migrations 0020 and 0021.
        sa.Index(
            "ix_initiatives_statistics",
            "first_submitted_at",
            "district_id",
            "theme_id",
            "status",
            "support_count",
            "first_decision_at",
            "threshold_reached_at",
        ),
        # The desk's queue, and the queue filtered by language or district (migrations 0012
        # and 0018).
        queue_index("ix_initiatives_queue"),
        queue_index("ix_initiatives_queue_language", "language"),
        queue_index("ix_initiatives_queue_district", "district_id"),
        # The public lists' orders over the public statuses. Scanned backwards for "newest
        # first"; the last column (id) makes the order total, as keyset paging needs.
        # Migration 0008.
        sa.Index(
            "ix_initiatives_public_newest",
            "published_at",
            "id",
            sqlite_where=sa.text(PUBLIC_STATUS_SQL),
            postgresql_where=sa.text(PUBLIC_STATUS_SQL),
        ),
        sa.Index(
            "ix_initiatives_public_supported",
            "support_count",
            "published_at",
            "id",
            sqlite_where=sa.text(PUBLIC_STATUS_SQL),
            postgresql_where=sa.text(PUBLIC_STATUS_SQL),
        ),
        sa.Index(
            "ix_initiatives_public_district",
            "district_id",
            "published_at",
            "id",
            sqlite_where=sa.text(PUBLIC_STATUS_SQL),
            postgresql_where=sa.text(PUBLIC_STATUS_SQL),
        ),
        # The map (its list, its count and map.geojson): public initiatives with a point,
        # newest first. Half the public ones have a point; without it the map's bounded
        # count read ~2,600 table rows at 100,000 to find 1,001 (migration 0024).
        sa.Index(
            "ix_initiatives_public_point",
            "published_at",
            "id",
            sqlite_where=sa.text(f"{PUBLIC_STATUS_SQL} AND {POINT_SQL}"),
            postgresql_where=sa.text(f"{PUBLIC_STATUS_SQL} AND {POINT_SQL}"),
        ),
        # The search's columns, indexes, FTS5 tables and triggers differ by database and live
        # in migration 0013 only (participate.textsearch; migrations/env.py leaves them out
        # of `flask db check`).
    )

    lifecycle = INITIATIVE_LIFECYCLE
    workflow = INITIATIVE_WORKFLOW
    moderation_kind = "initiative"
    moderation_label = _l("Initiative")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    # The language the author wrote in (the text is shown as written, labelled with it).
    language: Mapped[str] = mapped_column(sa.String(2))
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id"), index=True)
    # None: the whole city.
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # Bit n-1 set: tagged with UN goal n. One integer filters on every database without a join.
    sdg_mask: Mapped[int] = mapped_column(default=0)
    author_display: Mapped[AuthorDisplay] = mapped_column(
        enum_column(AuthorDisplay, 20), default=AuthorDisplay.NAME
    )
    # Kept by one atomic UPDATE per support (supports.add_support), never read-modify-write.
    # All supports; `resident_support_count` of them are by identified residents of the
    # municipality of voting age, the ones that count toward the legal threshold.
    support_count: Mapped[int] = mapped_column(default=0, index=True)
    resident_support_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # When identified residents' supports first reached the threshold (UTC).
    threshold_reached_at: Mapped[datetime | None]
    # Filing with the city's registry (the day the initiative became pending, "vireille").
    filed_at: Mapped[datetime | None] = mapped_column(index=True)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The council took the initiative up (Local Government Act 410/2015 s. 23): stops the clock.
    council_decision_at: Mapped[date | None]
    council_minutes_url: Mapped[str | None] = mapped_column(sa.String(MINUTES_URL_MAX))
    # Set when the development manager corrects the text (the original is in the audit log).
    moderator_edited_at: Mapped[datetime | None]

    theme: Mapped[Theme] = relationship(lazy="raise")
    district: Mapped[District | None] = relationship(lazy="raise")
    answer: Mapped[InitiativeAnswer | None] = relationship(
        back_populates="initiative", lazy="raise", uselist=False
    )

    @classmethod
    def moderation_load_options(cls) -> list[Any]:
        return [joinedload(cls.author), joinedload(cls.theme), joinedload(cls.district)]

    def moderation_title(self) -> str:
        return self.title

    def moderation_link(self) -> tuple[str, dict[str, Any]]:
        return "initiatives.detail", {"initiative_id": self.id}

    @property
    def other_support_count(self) -> int:
        """Supports that do not count toward the threshold (e-mail-verified, other places)."""
        return self.support_count - self.resident_support_count

    @property
    def goals(self) -> list[int]:
        return mask_to_goals(self.sdg_mask or 0)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def is_whole_city(self) -> bool:
        return self.district_id is None

    def public_author(self) -> str:
        """The author as the public sees them (their choice); needs `author` loaded."""
        author = self.author
        if author is None or not author.is_active or not author.display_name:
            return _("A resident")
        if self.author_display == AuthorDisplay.NAME:
            return author.display_name
        if author.home_district is not None:
            from participate.i18n.content import current_lang

            return _(
                "A resident of %(district)s", district=author.home_district.name(current_lang())
            )
        return _("A resident")

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.status}>"


class Support(Base):
    """One person's support for one initiative (unique: the count stays exact).

    One per account, and one per strongly identified person across accounts: `person_hash`
    (the keyed hash of accounts.models.Identity) is unique per initiative; NULL for supports
    by accounts that are not identified, which a unique constraint never compares.
    """

    __tablename__ = "supports"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "user_id"),
        sa.UniqueConstraint("initiative_id", "person_hash"),
        # The statistics' supports per month (a range count). Migration 0012.
        sa.Index("ix_supports_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(sa.ForeignKey("initiatives.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    person_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # Decided when given: an identified resident of the municipality of voting age.
    is_resident: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    initiative: Mapped[Initiative] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class SupportHour(Base):
    """How many supports were given in one UTC hour: kept by database triggers on `supports`
    (migration 0020) on every insert, delete and change of `created_at`, so it always equals
    `count(*)` of the supports of that hour. The statistics sum these rows per Helsinki
    month (its offset from UTC is whole hours): at most 8,784 a year, however many supports.
    Never written by the app."""

    __tablename__ = "support_hours"

    hour: Mapped[datetime] = mapped_column(primary_key=True)  # the hour's start, UTC
    supports: Mapped[int]


class Follow(Base):
    """A resident follows one initiative, one theme or one major district (exactly one).

    Supporting and authoring an initiative follow it automatically. Followers hear about
    publication, the city's answer, the threshold, filing, the council's decision and hiding,
    each as their notification settings say.
    """

    __tablename__ = "follows"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "initiative_id"),
        sa.UniqueConstraint("user_id", "theme_id"),
        sa.UniqueConstraint("user_id", "district_id"),
        sa.CheckConstraint(
            "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN theme_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN district_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    initiative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), index=True
    )
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InitiativeAnswer(TimestampMixin, Base):
    """The city's answer: text in one or more languages, who decided and when."""

    __tablename__ = "initiative_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), unique=True
    )
    body_fi: Mapped[str] = mapped_column(sa.Text, default="")
    body_sv: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Who decided, in each language; the column `decision_maker` holds the Finnish text.
    decision_maker: Mapped[str] = mapped_column(sa.String(DECISION_MAKER_MAX))
    decision_maker_fi = synonym("decision_maker")
    decision_maker_sv: Mapped[str] = mapped_column(sa.String(DECISION_MAKER_MAX), default="")
    decision_maker_en: Mapped[str] = mapped_column(sa.String(DECISION_MAKER_MAX), default="")
    decided_on: Mapped[date]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    initiative: Mapped[Initiative] = relationship(back_populates="answer", lazy="raise")

    def body(self, lang: str | None = None) -> Localized:
        return pick(self, "body", lang)

    def decider(self, lang: str | None = None) -> Localized:
        """The decision-maker in `lang` (default: the page's), else Finnish, flagged as such."""
        return pick(self, "decision_maker", lang)

    @property
    def languages(self) -> list[str]:
        return [lang for lang in ("fi", "sv", "en") if getattr(self, f"body_{lang}")]
