"""Statuses, actions and the transition-table type. No status strings outside this module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from participate.errors import DomainError


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_public(self) -> bool:
        return self in PUBLIC_STATUSES


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Awaiting review"),
    Status.CHANGES_REQUESTED: _l("Returned for changes"),
    Status.PUBLISHED: _l("Published"),
    Status.REJECTED: _l("Rejected"),
    Status.HIDDEN: _l("Hidden"),
    Status.ANSWERED: _l("Answered"),
    Status.CLOSED: _l("Closed"),
}

PUBLIC_STATUSES = frozenset({Status.PUBLISHED, Status.ANSWERED, Status.CLOSED})


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    HIDE = "hide"
    UNHIDE = "unhide"
    ANSWER = "answer"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]()


# Functions, so the label is translated when shown (pgettext has no lazy twin in Flask-Babel).
ACTION_LABELS = {
    Action.SUBMIT: lambda: pgettext("action", "Submit"),
    Action.APPROVE: lambda: pgettext("action", "Approve"),
    Action.REJECT: lambda: pgettext("action", "Reject"),
    Action.REQUEST_CHANGES: lambda: pgettext("action", "Return for changes"),
    Action.HIDE: lambda: pgettext("action", "Hide"),
    Action.UNHIDE: lambda: pgettext("action", "Restore"),
    Action.ANSWER: lambda: pgettext("action", "Answer"),
    Action.CLOSE: lambda: pgettext("action", "Close"),
}

# Decisions taken by the city's development manager, not by the author.
MODERATOR_ACTIONS = frozenset(
    {
        Action.APPROVE,
        Action.REJECT,
        Action.REQUEST_CHANGES,
        Action.HIDE,
        Action.UNHIDE,
        Action.ANSWER,
        Action.CLOSE,
    }
)
# The author is told the reason for these, so one must be given.
REASON_REQUIRED = frozenset({Action.REJECT, Action.REQUEST_CHANGES, Action.HIDE, Action.UNHIDE})


class InvalidTransition(DomainError):
    def __init__(self, current: Status, action: Action) -> None:
        super().__init__(
            _l(
                "This cannot be done now: the item is “%(status)s”.",
                status=current.label,
            )
        )
        self.current = current
        self.action = action


class ReasonRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("Write a reason. The author will see it."), field="reason")


class NotAllowed(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You are not allowed to do this."))


class AccountBlocked(NotAllowed):
    """An administrator has blocked the account: it can read, but send nothing new."""

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            _l(
                "Your account has been blocked, so you cannot send, support or report "
                "anything. What you sent earlier stays as it is. If you think this is a "
                "mistake, contact the city."
            ),
        )


def check_can_contribute(user: object) -> None:
    """Raise NotAllowed for a deleted account and AccountBlocked for a blocked one."""
    if not getattr(user, "is_active", False):
        raise NotAllowed()
    if getattr(user, "is_blocked", False):
        raise AccountBlocked()


@dataclass(frozen=True)
class Workflow:
    """A state machine: (current status, action) → next status."""

    name: str
    transitions: Mapping[tuple[Status, Action], Status]
    reason_required: frozenset[Action] = field(default=REASON_REQUIRED)

    def target(self, current: Status, action: Action) -> Status:
        try:
            return self.transitions[(current, action)]
        except KeyError:
            raise InvalidTransition(current, action) from None

    def can(self, current: Status, action: Action) -> bool:
        return (current, action) in self.transitions

    @property
    def statuses(self) -> list[Status]:
        seen: dict[Status, None] = {}
        for (status, _action), target in self.transitions.items():
            seen.setdefault(status)
            seen.setdefault(target)
        return list(seen)
