"""Moderator decisions: one mechanism for initiatives, activity proposals and anything else
that mixes in `ModeratedMixin`. Each decision changes the status through the workflow,
writes the audit entry and queues the author's e-mail, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.mail.links import absolute_url
from participate.mail.services import queue_email
from participate.moderation import audit
from participate.workflow.models import ModeratedMixin, Transition
from participate.workflow.services import apply_action
from participate.workflow.states import Action, NotAllowed

# The subject of the author's e-mail per decision.
DECISION_SUBJECTS = {
    Action.APPROVE: _l("Your submission is published"),
    Action.REJECT: _l("Your submission was not published"),
    Action.REQUEST_CHANGES: _l("Your submission needs changes"),
    Action.HIDE: _l("Your submission has been hidden"),
    Action.UNHIDE: _l("Your submission is visible again"),
    Action.CLOSE: _l("Your initiative has been closed"),
}


def decide(
    item: ModeratedMixin,
    action: Action,
    *,
    actor: User | None,
    reason: str = "",
    notify_author: bool = True,
    details: Mapping[str, Any] | None = None,
) -> Transition:
    """Take a moderator decision (`actor=None`: the system, e.g. hiding after reports).

    `details` are added to the audit entry's "after" (e.g. the city's answer), so a decision
    that carries more than a status change is still one entry.
    """
    if actor is not None and not actor.is_moderator:
        raise NotAllowed()
    before = item.status
    transition = apply_action(item, action, actor=actor, reason=reason)
    audit.record(
        actor=actor,
        action=f"{item.moderation_kind}.{action.value}",
        object_kind=item.moderation_kind,
        object_id=item.id,  # type: ignore[attr-defined]
        object_title=item.moderation_title(),
        reason=transition.reason,
        before={"status": before.value},
        after={"status": transition.to_status.value, **(details or {})},
    )
    if notify_author and action in DECISION_SUBJECTS:
        notify(item, action, transition.reason)
    return transition


def notify(item: ModeratedMixin, action: Action, reason: str) -> None:
    """Tell the author about a decision, in the author's language."""
    author = item.author
    if author is None or not author.is_active:
        return
    endpoint, values = item.moderation_link()
    queue_email(
        to=author.email,
        language=author.language,
        subject=DECISION_SUBJECTS[action],
        template="moderation/decision",
        author=author,
        action=action.value,
        kind=item.moderation_kind,
        title=item.moderation_title(),
        reason=reason,
        link=absolute_url(endpoint, lang_code=author.language, **values),
    )
