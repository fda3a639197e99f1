"""The initiatives part of a person's "My data" export."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from participate.accounts.models import User
from participate.extensions import db
from participate.initiatives.models import Follow, Initiative, Support


def export(user: User) -> dict[str, Any]:
    written = db.session.scalars(
        sa.select(Initiative).where(Initiative.author_id == user.id).order_by(Initiative.id)
    )
    supported = db.session.execute(
        sa.select(Initiative.id, Initiative.title, Support.created_at)
        .join(Support, Support.initiative_id == Initiative.id)
        .where(Support.user_id == user.id)
        .order_by(Support.created_at)
    )
    follows = db.session.scalars(
        sa.select(Follow).where(Follow.user_id == user.id).order_by(Follow.id)
    )
    return {
        "following": [
            {
                "initiative_id": f.initiative_id,
                "theme_id": f.theme_id,
                "district_id": f.district_id,
                "since": f.created_at.isoformat(),
            }
            for f in follows
        ],
        "written": [
            {
                "id": i.id,
                "title": i.title,
                "body": i.body,
                "status": i.status.value,
                "language": i.language,
                "created_at": i.created_at.isoformat(),
            }
            for i in written
        ],
        "supported": [
            {"id": row.id, "title": row.title, "supported_at": row.created_at.isoformat()}
            for row in supported
        ],
    }


def erase(user: User) -> None:
    """What the person follows is only about them: gone with the account."""
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id))
