"""The append-only audit log of every moderation and admin action.

Rows are only ever inserted: an ORM guard refuses updates and deletes (PostgreSQL also
has a trigger, see the migration), so the log can be trusted in a dispute.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column, relationship

from participate.accounts.models import User
from participate.db import Base, utcnow
from participate.extensions import db
from participate.signals import content_changed


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_object", "object_kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    object_kind: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[int | None]
    object_title: Mapped[str] = mapped_column(sa.String(300), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    before: Mapped[str | None] = mapped_column(sa.Text)  # JSON
    after: Mapped[str | None] = mapped_column(sa.Text)  # JSON

    actor: Mapped[User | None] = relationship(lazy="raise")

    def before_data(self) -> Any:
        return json.loads(self.before) if self.before else None

    def after_data(self) -> Any:
        return json.loads(self.after) if self.after else None

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field in either; the audit log shows these."""
        before = self.before_data()
        after = self.after_data()
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        return [(key, before.get(key), after.get(key)) for key in dict.fromkeys([*before, *after])]


class AuditLogIsAppendOnly(RuntimeError):
    pass


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper: Mapper[Any], connection: Any, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly("audit entries are never changed or deleted")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`session.execute(update(AuditEntry)…)` skips the mapper events above: refuse it here."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditEntry.__tablename__ or any(
        mapper.class_ is AuditEntry for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit entries are never changed or deleted")


def record(
    *,
    actor: User | None,
    action: str,
    object_kind: str,
    object_id: int | None,
    object_title: str = "",
    reason: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Insert one entry. Services announce changes with `participate.signals.record_change`
    (the desk's own decisions too), which reaches this through `_record_content_change`;
    the title is cut to 300 characters."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        object_title=object_title[:300],
        reason=reason,
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@content_changed.connect
def _record_content_change(kind: str, **change: Any) -> None:
    """The audit log's subscription to `participate.signals.content_changed` (its keyword
    arguments are `record`'s)."""
    record(object_kind=kind, **change)
