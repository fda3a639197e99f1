"""The activities part of a person's "My data" export: sign-ups and proposed activities."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from participate.accounts.models import User
from participate.activities.models import Activity, Signup
from participate.extensions import db


def export(user: User) -> dict[str, Any]:
    signups = db.session.execute(
        sa.select(Signup, Activity.title_fi, Activity.title_sv, Activity.title_en)
        .join(Activity, Activity.id == Signup.activity_id)
        .where(sa.or_(Signup.user_id == user.id, Signup.email == user.email.lower()))
        .order_by(Signup.created_at)
    )
    proposed = db.session.scalars(
        sa.select(Activity).where(Activity.author_id == user.id).order_by(Activity.id)
    )
    return {
        "signups": [
            {
                "activity": row.title_fi or row.title_sv or row.title_en,
                "name": row.Signup.name,
                "email": row.Signup.email,
                "phone": row.Signup.phone,
                "people": row.Signup.people,
                "accessibility_needs": row.Signup.accessibility_needs,
                "status": row.Signup.status.value,
                "signed_up_at": row.Signup.created_at.isoformat(),
            }
            for row in signups
        ],
        "proposed": [
            {
                "id": a.id,
                "title": a.title_fi or a.title_sv or a.title_en,
                "status": a.status.value,
                "starts_at": a.starts_at.isoformat(),
            }
            for a in proposed
        ],
    }
