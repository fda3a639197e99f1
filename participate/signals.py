"""Signals features send so that other parts can react without being imported by them.

`content_changed`: someone changed a record that the audit log keeps (an activity edited by
its organiser or a development manager, a councillor edited by an administrator). Features
call `record_change()`; the moderation desk's audit log subscribes (`moderation.audit`),
so features never import the desk. Receivers run synchronously inside the sender's
transaction: the change and its audit entry are committed, or rolled back, together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blinker import Namespace

_signals = Namespace()

# sender: the kind of record ("activity", "councillor"); keyword arguments as in record_change.
content_changed = _signals.signal("content-changed")


def record_change(
    *,
    kind: str,
    action: str,
    actor: Any,
    object_id: int | None,
    object_title: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Announce a change: `action` such as "activity.update"; `before`/`after` map field
    names to JSON-serialisable values (only the fields that changed). `actor` is a User, or
    None for the system."""
    content_changed.send(
        kind,
        action=action,
        actor=actor,
        object_id=object_id,
        object_title=object_title,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason,
    )
