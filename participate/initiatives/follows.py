"""Following initiatives, themes and major districts, and telling followers what happened.

Supporting and authoring an initiative follow it. Followers (of the initiative, its theme or
its major district) hear about publication, the city's answer, the threshold, hiding, filing
and the council's decision through `participate.notifications.services.deliver`, which
honours each person's settings (immediately, daily or weekly digest, never) and adds the
one-click unsubscribe. Authors are told by their own (transactional) e-mails instead.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.districts.models import District
from participate.extensions import db
from participate.initiatives.models import Follow, Initiative, Theme
from participate.notifications.services import deliver

TARGETS = ("initiative", "theme", "district")

SUBJECTS: dict[str, Any] = {
    "published": _l("A new initiative you may be interested in"),
    "answered": _l("The city has answered an initiative"),
    "threshold": _l("An initiative you follow has reached the threshold"),
    "filed": _l("An initiative you follow has been filed with the city"),
    "council_decision": _l("The city council has decided on an initiative you follow"),
    "hidden": _l("An initiative you follow has been hidden"),
}


def _column(target: str) -> sa.orm.InstrumentedAttribute[int | None]:
    return {
        "initiative": Follow.initiative_id,
        "theme": Follow.theme_id,
        "district": Follow.district_id,
    }[target]


def is_following(user_id: int, target: str, target_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Follow.id).where(Follow.user_id == user_id, _column(target) == target_id)
        )
        is not None
    )


def follow(user: User, target: str, target_id: int) -> bool:
    """Start following; True when new. Idempotent, also when two requests race."""
    if is_following(user.id, target, target_id):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Follow(user_id=user.id, **{f"{target}_id": target_id}))
    except sa.exc.IntegrityError:
        return False
    return True


def unfollow(user: User, target: str, target_id: int) -> bool:
    result = db.session.execute(
        sa.delete(Follow).where(Follow.user_id == user.id, _column(target) == target_id)
    )
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Following:
    initiatives: list[Initiative]
    themes: list[Theme]
    districts: list[District]


def list_following(user_id: int) -> Following:
    """What the person follows, for the Following page (three queries, whatever the count)."""
    from participate.initiatives.lifecycle import PUBLIC

    mine = sa.select(Follow).where(Follow.user_id == user_id).subquery()
    initiatives = db.session.scalars(
        sa.select(Initiative)
        .join(mine, mine.c.initiative_id == Initiative.id)
        .where(Initiative.status.in_(PUBLIC) | (Initiative.author_id == user_id))
        .order_by(mine.c.created_at.desc())
    )
    themes = db.session.scalars(
        sa.select(Theme).join(mine, mine.c.theme_id == Theme.id).order_by(Theme.position)
    )
    districts = db.session.scalars(
        sa.select(District).join(mine, mine.c.district_id == District.id).order_by(District.id)
    )
    return Following(list(initiatives), list(themes), list(districts))


def followers(initiative: Initiative, exclude_ids: Collection[int] = ()) -> list[User]:
    """Active accounts that follow the initiative, its theme or its district (not the author)."""
    condition = sa.or_(
        Follow.initiative_id == initiative.id,
        Follow.theme_id == initiative.theme_id,
        *([Follow.district_id == initiative.district_id] if initiative.district_id else []),
    )
    query = (
        sa.select(User)
        .where(
            User.id.in_(sa.select(Follow.user_id).where(condition)),
            User.deleted_at.is_(None),
        )
        .order_by(User.id)
    )
    if initiative.author_id is not None:
        query = query.where(User.id != initiative.author_id)
    if exclude_ids:
        query = query.where(User.id.not_in(list(exclude_ids)))
    return list(db.session.scalars(query))


def notify_followers(
    initiative: Initiative,
    kind: str,
    *,
    reasons: Sequence[Any] = (),
    template: str = "notifications/event",
    context_for: Any = None,
    exclude_ids: Collection[int] = (),
) -> int:
    """Tell every follower about `kind` (a key of notifications.kinds.EVENT_KINDS) as they
    chose. `reasons`: standard reasons (objects with `.text(lang)`), shown in each follower's
    language. `context_for(user)` adds per-person template data; `exclude_ids` are people
    already told another way. Returns the followers told or queued for a digest."""
    count = 0
    for user in followers(initiative, exclude_ids):
        context = context_for(user) if context_for else {}
        frequency = deliver(
            user,
            kind,
            title=initiative.title,
            endpoint="initiatives.detail",
            link_values={"initiative_id": initiative.id},
            subject=SUBJECTS[kind],
            template=template,
            standard_reasons=[reason.text(user.language).text for reason in reasons],
            **context,
        )
        count += frequency != "never"
    return count
