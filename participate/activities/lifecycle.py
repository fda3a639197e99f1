"""The one state machine of an activity proposal, and the sign-up window of an activity.

Activities use the shared moderation mechanism (`participate.workflow`): this module only
declares which transitions exist. A resident's proposal is submitted at once (draft →
submitted) and the development manager approves, rejects or returns it for changes, exactly
like an initiative. A moderator's own activity is published directly (draft → published by
`approve`), which is recorded as a transition like any other decision.

Cancelling an activity is not a lifecycle status: a cancelled activity stays public (with
its note) so that people who had signed up can read what happened. It is a flag.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from participate.workflow.lifecycle import Lifecycle
from participate.workflow.states import Action, Status, Workflow

if TYPE_CHECKING:
    from participate.activities.models import Activity

ACTIVITY_WORKFLOW = Workflow(
    name="activity",
    transitions={
        (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
        # A moderator's own activity: published at once, still one recorded transition.
        (Status.DRAFT, Action.APPROVE): Status.PUBLISHED,
        (Status.SUBMITTED, Action.APPROVE): Status.PUBLISHED,
        (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
        (Status.SUBMITTED, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
        (Status.CHANGES_REQUESTED, Action.SUBMIT): Status.SUBMITTED,
        (Status.PUBLISHED, Action.HIDE): Status.HIDDEN,
        (Status.HIDDEN, Action.UNHIDE): Status.PUBLISHED,
    },
)

# The statuses in which the proposing resident may still edit the text.
AUTHOR_EDITABLE = frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED})
# Everyone sees a published activity (also a cancelled one, which keeps its note).
PUBLIC = frozenset({Status.PUBLISHED})

# The subject of the organiser's e-mail per decision (tests/mail/test_templates.py).
DECISION_SUBJECTS = {
    Action.APPROVE: _l("Your activity is published"),
    Action.REJECT: _l("Your activity was not published"),
    Action.REQUEST_CHANGES: _l("Your activity needs changes"),
    Action.HIDE: _l("Your activity has been hidden"),
    Action.UNHIDE: _l("Your activity is visible again"),
}

ACTIVITY_LIFECYCLE = Lifecycle(
    workflow=ACTIVITY_WORKFLOW,
    public=PUBLIC,
    editable=AUTHOR_EDITABLE,
    decision_subjects=DECISION_SUBJECTS,
)


def is_visible_to(activity: Activity, user: Any) -> bool:
    """Whether `user` (Flask-Login's current_user, possibly anonymous) may open the activity:
    a public one anyone; the others only its organiser and the development managers (the
    same people who manage it). Views answer 404 otherwise (410 for a hidden one)."""
    return activity.status in PUBLIC or can_manage(activity, user)


def can_manage(activity: Activity, user: Any) -> bool:
    """The organiser (who proposed it) and the development managers see participants,
    message them and cancel the activity. `user`: Flask-Login's current_user or a User."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_moderator or user.id == activity.author_id)


def can_edit(activity: Activity, user: Any) -> bool:
    """Moderators always; the proposing resident only until the proposal is decided."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_moderator:
        return True
    return user.id == activity.author_id and activity.status in AUTHOR_EDITABLE


class SignupWindow(StrEnum):
    """Whether an activity takes sign-ups now, and if not, why not."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"  # the deadline has passed
    STARTED = "started"  # no deadline was given and the activity has begun
    CANCELLED = "cancelled"
    NOT_PUBLIC = "not_public"

    @property
    def label(self) -> str:
        return str(WINDOW_LABELS[self])


WINDOW_LABELS = {
    SignupWindow.OPEN: _l("Sign-up is open"),
    SignupWindow.NOT_YET_OPEN: _l("Sign-up has not opened yet"),
    SignupWindow.CLOSED: _l("Sign-up has closed"),
    SignupWindow.STARTED: _l("The activity has already started"),
    SignupWindow.CANCELLED: _l("The activity is cancelled"),
    SignupWindow.NOT_PUBLIC: _l("The activity is not published"),
}
