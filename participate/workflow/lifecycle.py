"""What a content kind says about itself: its `Lifecycle`, declared in the kind's own
`lifecycle.py` (`initiatives/lifecycle.py`, `activities/lifecycle.py`) and set on its model
as `lifecycle`.

The desk (`participate.moderation`) and the shared moderation mechanism ask a moderated item
through `item.lifecycle` which statuses are public, editable by the author and answerable by
the city, what the author's e-mail about a decision is called, and what else a decision sets
off for this kind (followers of an initiative hear about it). They never check the item's
class: a new kind declares its lifecycle and the desk works for it (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from participate.workflow.states import Action, Status, Workflow


def _nothing_else(item: Any, action: Action, reasons: Sequence[Any]) -> None:
    """Most kinds: a decision tells the author (the desk does that) and nobody else."""


@dataclass(frozen=True)
class Lifecycle:
    """One kind's statuses and desk behaviour.

    - `workflow`: the allowed (status, action) → status steps.
    - `public`: statuses anyone may see (lists, feeds, API); the others answer 404 or 410.
    - `editable`: statuses in which the author may still change the text.
    - `answerable`: statuses in which the city may publish its answer (empty: the kind has
      no answers); each must allow `Action.ANSWER` in the workflow (tests check it).
    - `decision_subjects`: the subject of the author's e-mail per moderator decision, in the
      glossary's word for the kind (an initiative is never a "proposal"); a decision that is
      not listed sends the author no e-mail.
    - `after_decision(item, action, standard_reasons)`: what else a decision sets off, in the
      same transaction (an initiative's followers hear that it was published or hidden).
    """

    workflow: Workflow
    public: frozenset[Status]
    editable: frozenset[Status]
    answerable: frozenset[Status] = frozenset()
    decision_subjects: Mapping[Action, Any] = field(default_factory=dict)
    after_decision: Callable[[Any, Action, Sequence[Any]], None] = _nothing_else

    @property
    def kind(self) -> str:
        """The kind's short stable name ("initiative"), the workflow's name."""
        return self.workflow.name

    def is_public(self, status: Status) -> bool:
        return status in self.public

    def is_editable(self, status: Status) -> bool:
        return status in self.editable

    def can_answer(self, status: Status) -> bool:
        return status in self.answerable

    def decision_subject(self, action: Action) -> Any | None:
        """The subject of the author's e-mail about `action`, or None: no e-mail."""
        return self.decision_subjects.get(action)

    def public_in_order(self) -> list[Status]:
        """The public statuses in the order of `Status` (for filters and legends)."""
        return [status for status in Status if status in self.public]
