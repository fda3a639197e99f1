"""Signals features send so that other parts can react without being imported by them.

`content_changed`: someone changed a record that the audit log keeps (an activity edited by
its organiser or a development manager, a councillor edited by an administrator, a decision,
report or account change on the desk). Everything calls `record_change()`; the moderation
desk's audit log subscribes (`moderation.audit`), so features never import the desk.
Receivers run synchronously inside the sender's transaction: the change and its audit entry
are committed, or rolled back, together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blinker import Namespace

if TYPE_CHECKING:
    from participate.workflow.models import ModeratedMixin

_signals = Namespace()

# sender: the kind of record ("activity", "councillor"); keyword arguments: those of
# `participate.moderation.audit.record` but its kind (action, actor, object_id, object_title,
# before, after, reason).
content_changed = _signals.signal("content-changed")


@dataclass(frozen=True)
class Subject:
    """What a change and its audit entry are about: a kind ("initiative", "activity",
    "councillor", "user", "reason", "bulk"), the record's id (None: several records) and its
    title at the time."""

    kind: str
    id: int | None
    title: str = ""

    @classmethod
    def of(cls, item: ModeratedMixin) -> Subject:
        """A moderated item (an initiative, an activity, …): its kind, id and title."""
        item_id = int(item.id)  # type: ignore[attr-defined]
        return cls(item.moderation_kind, item_id, item.moderation_title())


def record_change(
    subject: Subject,
    verb: str,
    *,
    actor: Any,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Announce that `verb` ("update", "cancel", …) was done to `subject`: the audit entry's
    action is "<kind>.<verb>". `before`/`after` map field names to JSON-serialisable values
    (only the fields that changed). `actor` is a User, or None for the system."""
    content_changed.send(
        subject.kind,
        action=f"{subject.kind}.{verb}",
        actor=actor,
        object_id=subject.id,
        object_title=subject.title,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason,
    )
