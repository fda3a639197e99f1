"""The initiative state machine: every allowed step, illegal ones, who sees what."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from participate.initiatives.lifecycle import INITIATIVE_WORKFLOW, can_edit, is_visible_to
from participate.workflow.states import Action, InvalidTransition, Status

ALLOWED = [
    (Status.DRAFT, Action.SUBMIT, Status.SUBMITTED),
    (Status.SUBMITTED, Action.APPROVE, Status.PUBLISHED),
    (Status.SUBMITTED, Action.REJECT, Status.REJECTED),
    (Status.SUBMITTED, Action.REQUEST_CHANGES, Status.CHANGES_REQUESTED),
    (Status.CHANGES_REQUESTED, Action.SUBMIT, Status.SUBMITTED),
    (Status.PUBLISHED, Action.ANSWER, Status.ANSWERED),
    (Status.PUBLISHED, Action.HIDE, Status.HIDDEN),
    (Status.HIDDEN, Action.UNHIDE, Status.PUBLISHED),
    (Status.ANSWERED, Action.CLOSE, Status.CLOSED),
]


@pytest.mark.parametrize(("current", "action", "target"), ALLOWED)
def test_allowed_transitions(current, action, target):
    assert INITIATIVE_WORKFLOW.target(current, action) == target
    assert INITIATIVE_WORKFLOW.can(current, action)


def test_the_table_has_exactly_the_designed_steps():
    assert set(INITIATIVE_WORKFLOW.transitions.items()) == {((c, a), t) for c, a, t in ALLOWED}


ILLEGAL = [
    (Status.DRAFT, Action.APPROVE),  # skipping review
    (Status.DRAFT, Action.ANSWER),
    (Status.SUBMITTED, Action.SUBMIT),  # twice
    (Status.SUBMITTED, Action.ANSWER),  # answering before publishing
    (Status.PUBLISHED, Action.APPROVE),
    (Status.PUBLISHED, Action.CLOSE),  # closed only after the answer
    (Status.REJECTED, Action.APPROVE),  # a rejection is final
    (Status.REJECTED, Action.SUBMIT),
    (Status.HIDDEN, Action.ANSWER),
    (Status.ANSWERED, Action.HIDE),
    (Status.CLOSED, Action.UNHIDE),
    (Status.CLOSED, Action.SUBMIT),
    (Status.CHANGES_REQUESTED, Action.APPROVE),
]


@pytest.mark.parametrize(("current", "action"), ILLEGAL)
def test_illegal_transitions_raise(current, action):
    assert not INITIATIVE_WORKFLOW.can(current, action)
    with pytest.raises(InvalidTransition):
        INITIATIVE_WORKFLOW.target(current, action)


def _user(user_id, *, moderator=False):
    return SimpleNamespace(id=user_id, is_authenticated=True, is_moderator=moderator)


ANONYMOUS = SimpleNamespace(is_authenticated=False)


@pytest.mark.parametrize(
    ("status", "anonymous", "other", "author", "moderator"),
    [
        (Status.DRAFT, False, False, True, False),
        (Status.SUBMITTED, False, False, True, True),
        (Status.CHANGES_REQUESTED, False, False, True, True),
        (Status.REJECTED, False, False, True, True),
        (Status.HIDDEN, False, False, True, True),
        (Status.PUBLISHED, True, True, True, True),
        (Status.ANSWERED, True, True, True, True),
        (Status.CLOSED, True, True, True, True),
    ],
)
def test_who_sees_what(status, anonymous, other, author, moderator):
    initiative = SimpleNamespace(status=status, author_id=1)
    assert is_visible_to(initiative, ANONYMOUS) is anonymous
    assert is_visible_to(initiative, _user(2)) is other
    assert is_visible_to(initiative, _user(1)) is author
    assert is_visible_to(initiative, _user(3, moderator=True)) is moderator


def test_only_the_author_edits_and_only_before_review():
    for status in Status:
        initiative = SimpleNamespace(status=status, author_id=1)
        expected = status in {Status.DRAFT, Status.CHANGES_REQUESTED}
        assert can_edit(initiative, _user(1)) is expected
        assert not can_edit(initiative, _user(2, moderator=True))
        assert not can_edit(initiative, ANONYMOUS)
