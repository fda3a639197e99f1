"""The notifications part of a person's "My data", and its erasure with the account."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from participate.accounts.models import User
from participate.extensions import db
from participate.notifications.models import NotificationSetting, PendingNotification


def export(user: User) -> dict[str, Any]:
    settings = db.session.scalars(
        sa.select(NotificationSetting)
        .where(NotificationSetting.user_id == user.id)
        .order_by(NotificationSetting.kind)
    )
    pending = db.session.scalars(
        sa.select(PendingNotification)
        .where(PendingNotification.user_id == user.id)
        .order_by(PendingNotification.id)
    )
    return {
        "settings": {s.kind: s.frequency.value for s in settings},
        "waiting_for_digest": [
            {
                "kind": p.kind,
                "frequency": p.frequency.value,
                "title": p.title,
                "created_at": p.created_at.isoformat(),
            }
            for p in pending
        ],
    }


def erase(user: User) -> None:
    """Settings and queued digest lines are only about the person: gone with the account."""
    for model in (NotificationSetting, PendingNotification):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
