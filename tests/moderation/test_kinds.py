"""Each content kind declares its lifecycle (participate/workflow/lifecycle.py) in its own
lifecycle.py, and the declarations agree with the kind's transition table."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from participate.activities.lifecycle import is_visible_to as activity_visible_to
from participate.activities.models import Activity
from participate.initiatives.models import PUBLIC_STATUSES, Initiative
from participate.moderation.queries import QUEUE_KINDS
from participate.moderation.services import DECISION_SUBJECTS
from participate.workflow.lifecycle import Lifecycle
from participate.workflow.states import MODERATOR_ACTIONS, Action, Status, Workflow


@pytest.mark.parametrize("model", QUEUE_KINDS, ids=lambda model: model.moderation_kind)
def test_every_kind_on_the_desk_declares_a_consistent_lifecycle(model):
    lifecycle = model.lifecycle
    assert isinstance(lifecycle, Lifecycle)
    assert lifecycle.workflow is model.workflow
    assert lifecycle.kind == model.moderation_kind
    statuses = set(lifecycle.workflow.statuses)
    assert lifecycle.public <= statuses
    assert lifecycle.editable <= statuses
    assert not lifecycle.public & lifecycle.editable  # published text changes only by the desk
    for status in lifecycle.answerable:
        assert lifecycle.workflow.can(status, Action.ANSWER), status
    for action in lifecycle.decision_subjects:
        assert action in MODERATOR_ACTIONS
        assert any(lifecycle.workflow.can(status, action) for status in statuses), action


def test_what_each_kind_declares():
    initiative, activity = Initiative.lifecycle, Activity.lifecycle
    assert initiative.public_in_order() == [Status.PUBLISHED, Status.ANSWERED, Status.CLOSED]
    assert [status.value for status in initiative.public_in_order()] == list(PUBLIC_STATUSES)
    assert initiative.editable == {Status.DRAFT, Status.CHANGES_REQUESTED}
    assert initiative.can_answer(Status.PUBLISHED)
    assert not initiative.can_answer(Status.ANSWERED)
    assert activity.public == {Status.PUBLISHED}
    assert activity.editable == {Status.SUBMITTED, Status.CHANGES_REQUESTED}
    assert not any(activity.can_answer(status) for status in Status)
    # Closing is the initiative's own decision: its subject is not in the activity's table.
    assert initiative.decision_subject(Action.CLOSE) is not None
    assert activity.decision_subject(Action.CLOSE) is None


def test_the_subject_overview_is_built_from_the_kinds():
    assert {
        (model.moderation_kind, action): subject
        for model in QUEUE_KINDS
        for action, subject in model.lifecycle.decision_subjects.items()
    } == DECISION_SUBJECTS
    assert ("initiative", Action.CLOSE) in DECISION_SUBJECTS
    assert ("activity", Action.CLOSE) not in DECISION_SUBJECTS


def test_a_kind_without_extras_answers_nothing_and_sets_off_nothing():
    bare = Lifecycle(
        workflow=Workflow(
            name="poll", transitions={(Status.DRAFT, Action.SUBMIT): Status.SUBMITTED}
        ),
        public=frozenset({Status.SUBMITTED}),
        editable=frozenset({Status.DRAFT}),
    )
    assert bare.kind == "poll"
    assert bare.decision_subject(Action.APPROVE) is None
    assert not bare.can_answer(Status.SUBMITTED)
    assert bare.after_decision(object(), Action.APPROVE, []) is None
    assert bare.is_public(Status.SUBMITTED)
    assert not bare.is_public(Status.DRAFT)
    assert bare.is_editable(Status.DRAFT)
    assert not bare.is_editable(Status.SUBMITTED)


ANONYMOUS = SimpleNamespace(is_authenticated=False)
ORGANISER = SimpleNamespace(is_authenticated=True, id=1, is_moderator=False)
SOMEONE = SimpleNamespace(is_authenticated=True, id=2, is_moderator=False)
MODERATOR = SimpleNamespace(is_authenticated=True, id=3, is_moderator=True)


@pytest.mark.parametrize("status", list(Status))
def test_who_may_open_an_activity(status):
    activity = SimpleNamespace(status=status, author_id=ORGANISER.id)
    public = status == Status.PUBLISHED
    assert activity_visible_to(activity, ANONYMOUS) is public
    assert activity_visible_to(activity, SOMEONE) is public
    assert activity_visible_to(activity, ORGANISER)
    assert activity_visible_to(activity, MODERATOR)
