"""Columns every moderated item has, and the record of every transition."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, joinedload, mapped_column, relationship

from participate.accounts.models import User
from participate.db import Base, utcnow
from participate.workflow.lifecycle import Lifecycle
from participate.workflow.states import Action, Status, Workflow


def enum_column(enum: type, length: int = 30) -> sa.Enum:
    """Enums stored as their string values, the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


# The desk's queue order: "waiting since", written as PostgreSQL prints it back (so that
# `alembic check` sees no difference), then id.
QUEUE_SINCE_SQL = "COALESCE(submitted_at, status_changed_at)"
_SUBMITTED_SQL = "status = 'submitted'"


def queue_index(name: str, *filters: str) -> sa.Index:
    """A partial index over a moderated table's submitted items: the `filters` columns (none
    for the queue itself; one for a filtered queue), then the queue's order. The desk reads a
    page at a time through it (moderation.queries; migrations 0012 and 0018). On PostgreSQL
    it carries the order's columns too (INCLUDE, migration 0023), so a page's keys are read
    from the index alone (an expression's columns must be in the index for that)."""
    return sa.Index(
        name,
        *filters,
        sa.text(QUEUE_SINCE_SQL),
        "id",
        sqlite_where=sa.text(_SUBMITTED_SQL),
        postgresql_where=sa.text(_SUBMITTED_SQL),
        postgresql_include=["submitted_at", "status_changed_at"],
    )


class ModeratedMixin:
    """Status and the timestamps of the lifecycle; `author` is who submitted the item.

    Subclasses set `lifecycle` (declared in the kind's own lifecycle.py: statuses, e-mail
    subjects, desk behaviour; participate/workflow/lifecycle.py), `workflow` (its transition
    table), `moderation_kind` (a short, stable name such as "initiative", used in URLs and in
    the transitions and audit tables) and `moderation_label` (the kind's lazy-translated name
    on the moderator's desk).
    """

    lifecycle: ClassVar[Lifecycle]
    workflow: ClassVar[Workflow]
    moderation_kind: ClassVar[str]
    moderation_label: ClassVar[Any]

    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.DRAFT, index=True)
    submitted_at: Mapped[datetime | None]  # the latest submission
    first_submitted_at: Mapped[datetime | None]
    first_decision_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"), index=True)

    @declared_attr
    def author(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=[cls.author_id], lazy="raise")  # type: ignore[list-item]

    @property
    def is_public(self) -> bool:
        return self.lifecycle.is_public(self.status)

    def moderation_title(self) -> str:
        """A short title for the desk, e-mails and the audit log."""
        raise NotImplementedError

    def moderation_link(self) -> tuple[str, dict[str, Any]]:
        """(endpoint, values) of the page where the author sees the item."""
        raise NotImplementedError

    @classmethod
    def moderation_load_options(cls) -> list[Any]:
        """Loader options for what the desk shows of this kind (relationships are lazy="raise").

        The desk loads each kind's queue in one query with these; override to add what the
        kind's `moderation/_row_<kind>.html` and `_detail_<kind>.html` partials read.
        """
        return [joinedload(cls.author)]


class Transition(Base):
    """One step of one item's lifecycle. Written only by `workflow.services.apply_action`."""

    __tablename__ = "transitions"
    __table_args__ = (sa.Index("ix_transitions_item", "item_kind", "item_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(sa.String(30))
    item_id: Mapped[int]
    action: Mapped[Action] = mapped_column(enum_column(Action))
    from_status: Mapped[Status] = mapped_column(enum_column(Status))
    to_status: Mapped[Status] = mapped_column(enum_column(Status))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise")
