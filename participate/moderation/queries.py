"""The desk's reads: the queue of everything waiting, of every moderated kind.

`QUEUE_KINDS` lists the moderated models. To add a kind, follow docs/initiatives.md
("Moderation desk: adding a kind"): the model provides `moderation_kind`, `moderation_label`,
`submitted_at`, `moderation_title()`, `moderation_link()` and, when its partials show more
than the author, `moderation_load_options()`; the templates `moderation/_row_<kind>.html`
and `moderation/_detail_<kind>.html` show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from participate.activities.models import Activity
from participate.db import utcnow
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.workflow.models import ModeratedMixin
from participate.workflow.states import Status

QUEUE_KINDS: list[type[ModeratedMixin]] = [Initiative, Activity]


def kinds() -> dict[str, type[ModeratedMixin]]:
    return {model.moderation_kind: model for model in QUEUE_KINDS}


def get_kind(kind: str) -> type[ModeratedMixin] | None:
    return kinds().get(kind)


@dataclass(frozen=True)
class QueueEntry:
    kind: str
    item: ModeratedMixin
    submitted_at: datetime
    waited: timedelta


def list_queue(kind: str | None = None, *, now: datetime | None = None) -> list[QueueEntry]:
    """Every submitted item of every kind (or of `kind`), oldest first: one query per kind."""
    now = now or utcnow()
    entries: list[QueueEntry] = []
    for model in QUEUE_KINDS:
        if kind and model.moderation_kind != kind:
            continue
        query = (
            sa.select(model)
            .where(model.status == Status.SUBMITTED)
            .options(*model.moderation_load_options())
            .order_by(model.submitted_at)
        )
        for item in db.session.scalars(query).unique():
            submitted = item.submitted_at or item.status_changed_at
            entries.append(QueueEntry(model.moderation_kind, item, submitted, now - submitted))
    entries.sort(key=lambda entry: entry.submitted_at)
    return entries


def count_waiting() -> int:
    total = 0
    for model in QUEUE_KINDS:
        query = (
            sa.select(sa.func.count()).select_from(model).where(model.status == Status.SUBMITTED)
        )
        total += int(db.session.scalar(query) or 0)
    return total


def get_item(kind: str, item_id: int) -> ModeratedMixin | None:
    """The item of that kind with what its partials show, or None (unknown kind or id)."""
    model = get_kind(kind)
    if model is None:
        return None
    query = (
        sa.select(model)
        .where(model.id == item_id)  # type: ignore[attr-defined]
        .options(*model.moderation_load_options())
    )
    return db.session.scalars(query).unique().one_or_none()
