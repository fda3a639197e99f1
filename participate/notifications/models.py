"""Notification settings per person and kind of event, and the digest queue."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participate.db import Base, utcnow


class Frequency(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


def _enum(enum: type[StrEnum]) -> sa.Enum:
    return sa.Enum(
        enum, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class NotificationSetting(Base):
    """How one person wants one kind of event (`kinds.EVENT_KINDS`); no row: immediately."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PendingNotification(Base):
    """An event waiting for the person's daily or weekly digest (`flask notifications digest`).

    Stored without language: the digest job writes every line in the recipient's language
    when it sends, with a link built from `endpoint` and `link_values`.
    """

    __tablename__ = "pending_notifications"
    __table_args__ = (sa.Index("ix_pending_notifications_due", "frequency", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    frequency: Mapped[Frequency] = mapped_column(_enum(Frequency))
    title: Mapped[str] = mapped_column(sa.String(300))
    endpoint: Mapped[str] = mapped_column(sa.String(100))
    link_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
