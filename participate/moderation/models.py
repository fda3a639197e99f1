"""The desk's own tables: standard reasons in three languages, and residents' reports.

The audit log is `audit.py`; the lifecycle of the moderated items is `participate.workflow`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participate.accounts.models import User
from participate.db import Base, TimestampMixin, utcnow
from participate.i18n.content import Localized, pick
from participate.workflow.models import enum_column

REASON_TEXT_MAX = 500
REPORT_DETAILS_MAX = 2000


class StandardReason(TimestampMixin, Base):
    """A reason the development manager picks when rejecting, returning or hiding something.

    The author's e-mail quotes it in the author's language, so every reason has all three.
    """

    __tablename__ = "standard_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_fi: Mapped[str] = mapped_column(sa.String(REASON_TEXT_MAX))
    text_sv: Mapped[str] = mapped_column(sa.String(REASON_TEXT_MAX))
    text_en: Mapped[str] = mapped_column(sa.String(REASON_TEXT_MAX))
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def text(self, lang: str | None = None) -> Localized:
        return pick(self, "text", lang)

    def texts(self) -> dict[str, str]:
        return {"fi": self.text_fi, "sv": self.text_sv, "en": self.text_en}

    def __repr__(self) -> str:
        return f"<StandardReason {self.id}>"


class ReportReason(StrEnum):
    """Why a resident reports published content."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL_DATA = "personal_data"
    NOT_CITY_MATTER = "not_city_matter"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REPORT_REASON_LABELS[self])


REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Advertising or spam"),
    ReportReason.OFFENSIVE: _l("Offensive or discriminatory language"),
    ReportReason.PERSONAL_DATA: _l("It contains someone's personal data"),
    ReportReason.NOT_CITY_MATTER: _l("Not a matter for the city"),
    ReportReason.OTHER: _l("Something else"),
}


class ReportOutcome(StrEnum):
    """What the development manager did about the reports on an item."""

    KEPT = "kept"  # the item stays public
    HIDDEN = "hidden"  # hidden, or kept hidden after the automatic hiding
    RESTORED = "restored"  # public again after the automatic hiding

    @property
    def label(self) -> str:
        return str(REPORT_OUTCOME_LABELS[self])


REPORT_OUTCOME_LABELS = {
    ReportOutcome.KEPT: _l("Kept public"),
    ReportOutcome.HIDDEN: _l("Hidden"),
    ReportOutcome.RESTORED: _l("Restored"),
}


class Report(Base):
    """One resident's report on one published item; open until the desk handles it."""

    __tablename__ = "reports"
    __table_args__ = (
        # Once per person per item: a person cannot hide content alone by reporting it again.
        sa.UniqueConstraint("item_kind", "item_id", "reporter_id"),
        sa.Index("ix_reports_open", "resolved_at", "item_kind", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(sa.String(30))
    item_id: Mapped[int]
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[ReportReason] = mapped_column(enum_column(ReportReason))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[ReportOutcome | None] = mapped_column(enum_column(ReportOutcome, 20))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.item_kind}:{self.item_id} {self.reason}>"
