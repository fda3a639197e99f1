"""The outbox: every e-mail the platform sends, and what became of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participate.db import Base, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the configured number of attempts


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    # The HTML alternative of body_text (participate.mail.html); NULL for rows queued before it.
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Absolute one-click unsubscribe URL of a non-transactional e-mail (RFC 8058), else NULL.
    unsubscribe_url: Mapped[str | None] = mapped_column(sa.String(500))
    # What caused the message, e.g. "accounts/verify_email": for statistics and tests.
    template: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(
            OutboxStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
