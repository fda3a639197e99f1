"""Apply an action to a moderated item: check, change, record. Flushes, never commits."""

from __future__ import annotations

import sqlalchemy as sa

from participate.accounts.models import User
from participate.db import utcnow
from participate.extensions import db
from participate.locking import lock_row
from participate.workflow.models import ModeratedMixin, Transition
from participate.workflow.states import (
    MODERATOR_ACTIONS,
    Action,
    NotAllowed,
    ReasonRequired,
    Status,
)


def apply_action(
    item: ModeratedMixin,
    action: Action,
    *,
    actor: User | None,
    reason: str = "",
) -> Transition:
    """Move `item` along its workflow. `actor=None` means the system (e.g. automatic hiding).

    Raises InvalidTransition, ReasonRequired or NotAllowed; nothing changes then.
    """
    lock_row(item)  # two decisions at once: the second sees the first
    reason = reason.strip()
    current = item.status
    target = item.workflow.target(current, action)
    if action in MODERATOR_ACTIONS:
        if actor is not None and not actor.is_moderator:
            raise NotAllowed()
    elif actor is None or actor.id != item.author_id:
        raise NotAllowed()
    if action in item.workflow.reason_required and not reason:
        raise ReasonRequired()

    now = utcnow()
    item.status = target
    item.status_changed_at = now
    if action == Action.SUBMIT:
        item.submitted_at = now
        item.first_submitted_at = item.first_submitted_at or now
    elif current == Status.SUBMITTED and item.first_decision_at is None:
        item.first_decision_at = now
    if target == Status.PUBLISHED and item.published_at is None:
        item.published_at = now

    transition = Transition(
        item_kind=item.moderation_kind,
        item_id=item.id,  # type: ignore[attr-defined]
        action=action,
        from_status=current,
        to_status=target,
        actor_id=actor.id if actor else None,
        reason=reason,
        created_at=now,
    )
    db.session.add(transition)
    db.session.flush()
    return transition


def list_transitions(kind: str, item_id: int) -> list[Transition]:
    """The item's history, oldest first, with the actors loaded."""
    from sqlalchemy.orm import selectinload

    query = (
        sa.select(Transition)
        .where(Transition.item_kind == kind, Transition.item_id == item_id)
        .options(selectinload(Transition.actor))
        .order_by(Transition.id)
    )
    return list(db.session.scalars(query))
