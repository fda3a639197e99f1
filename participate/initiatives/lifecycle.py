"""The one state machine of an initiative, and who may see an initiative in each status.

    draft ──submit──▶ submitted ──approve──▶ published ──answer──▶ answered ──close──▶ closed
                        │  ▲   │                 │  ▲
                        │  │   └─reject─▶ rejected  hide│  │unhide
       request_changes──┘  └──submit── changes_requested  ▼  │
                                                    hidden

Every step goes through `participate.workflow.services.apply_action` (directly for the
author's own steps, through `participate.moderation.services.decide` for the moderator's), so
an illegal step raises `InvalidTransition` and every step is recorded in `transitions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from participate.workflow.lifecycle import Lifecycle
from participate.workflow.states import Action, Status, Workflow

if TYPE_CHECKING:
    from participate.initiatives.models import Initiative

INITIATIVE_WORKFLOW = Workflow(
    name="initiative",
    transitions={
        (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
        (Status.SUBMITTED, Action.APPROVE): Status.PUBLISHED,
        (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
        (Status.SUBMITTED, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
        (Status.CHANGES_REQUESTED, Action.SUBMIT): Status.SUBMITTED,
        (Status.PUBLISHED, Action.ANSWER): Status.ANSWERED,
        (Status.PUBLISHED, Action.HIDE): Status.HIDDEN,
        (Status.HIDDEN, Action.UNHIDE): Status.PUBLISHED,
        (Status.ANSWERED, Action.CLOSE): Status.CLOSED,
    },
)

# The author may change the text only before it is published (and when asked to).
EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# Supports are given and withdrawn only while the initiative waits for the city's answer.
SUPPORTABLE = frozenset({Status.PUBLISHED})
# Statuses anyone may see (lists, feed, API, CSV).
PUBLIC = frozenset({Status.PUBLISHED, Status.ANSWERED, Status.CLOSED})
# Besides the author, only the moderators see these; drafts are the author's alone.
MODERATOR_VISIBLE = frozenset(
    {Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.HIDDEN}
)
# The city answers a published initiative (the answer closes its support).
ANSWERABLE = frozenset({Status.PUBLISHED})

# The subject of the author's e-mail per decision (tests/mail/test_templates.py renders each).
DECISION_SUBJECTS = {
    Action.APPROVE: _l("Your initiative is published"),
    Action.REJECT: _l("Your initiative was not published"),
    Action.REQUEST_CHANGES: _l("Your initiative needs changes"),
    Action.HIDE: _l("Your initiative has been hidden"),
    Action.UNHIDE: _l("Your initiative is visible again"),
    Action.CLOSE: _l("Your initiative has been closed"),
}
# Decisions that the initiative's followers hear about (notifications.kinds event names).
FOLLOWER_EVENTS = {Action.APPROVE: "published", Action.HIDE: "hidden"}


def tell_followers(initiative: Initiative, action: Action, reasons: Sequence[Any]) -> None:
    """Followers of the initiative, its theme or its district hear of it, each as they chose."""
    event = FOLLOWER_EVENTS.get(action)
    if event is None:
        return
    # Imported here: follows reads the models, which import this module for their lifecycle.
    from participate.initiatives import follows

    follows.notify_followers(initiative, event, reasons=reasons)


INITIATIVE_LIFECYCLE = Lifecycle(
    workflow=INITIATIVE_WORKFLOW,
    public=PUBLIC,
    editable=EDITABLE,
    answerable=ANSWERABLE,
    decision_subjects=DECISION_SUBJECTS,
    after_decision=tell_followers,
)


def is_visible_to(initiative: Initiative, user: Any) -> bool:
    """Whether `user` (Flask-Login's current_user, possibly anonymous) may see it at all.

    Views answer 404 otherwise, so the existence of a hidden item does not leak.
    """
    if initiative.status in PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == initiative.author_id:
        return True
    return initiative.status in MODERATOR_VISIBLE and user.is_moderator


def can_edit(initiative: Initiative, user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.id == initiative.author_id
        and initiative.status in EDITABLE
    )
