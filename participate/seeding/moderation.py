"""Demo content of the desk (`flask demo load`, listed after the features in FEATURE_DEMOS).

The features' demos decide with `participate.workflow.apply_action` directly (a feature does
not import the desk), so their decisions are in the transitions but not in the audit log.
`load(ctx)` writes the missing audit entries, at the transitions' own times, and adds a
resident's report so the queue shows one reported item. `bench_seed` does the former in bulk.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from participate.errors import DomainError
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation import reports
from participate.moderation.audit import AuditEntry
from participate.moderation.models import ReportReason
from participate.moderation.queries import QUEUE_KINDS, QUEUE_PER_PAGE, count_waiting_by_kind
from participate.paging import MAX_LISTED_ROWS
from participate.seeding.bench import BenchContext
from participate.seeding.demo import DemoContext
from participate.workflow.models import Transition
from participate.workflow.states import MODERATOR_ACTIONS, Status

# The desk's pages, loaded signed in as the benchmark's administrator (scripts/bench.py).
# Each is a full page at both scales, so growth measures the data behind it rather than how
# many rows it shows: the deepest full page, and the queue filtered by Finnish (39 waiting
# at SCALE=1000; Swedish has 4 there, and its page would compare 4 rows with 50).
BENCH_SIGNED_IN_URLS = (
    "/fi/moderation/",
    "/fi/moderation/?page={queue_deep_page}",
    "/fi/moderation/?kind=initiative&language=fi",
    "/fi/moderation/statistics",
    "/fi/moderation/council-report",
    "/fi/moderation/initiatives/unanswered",
    "/fi/moderation/initiatives/council-clock",
    "/fi/admin/audit",
    "/fi/admin/audit?page=20",
    "/fi/admin/users",
    "/fi/admin/users?q=virtanen",
)


TITLE_CHUNK = 10_000


def missing_audit_rows() -> list[dict[str, Any]]:
    """Audit rows for moderator transitions that have no entry yet (same kind, id, action)."""
    recorded = {
        (kind, object_id, action)
        for kind, object_id, action in db.session.execute(
            sa.select(AuditEntry.object_kind, AuditEntry.object_id, AuditEntry.action)
        )
    }
    # Plain rows, not ORM objects: the benchmark has a few hundred thousand transitions.
    steps = [
        step
        for step in db.session.execute(
            sa.select(
                Transition.item_kind,
                Transition.item_id,
                Transition.action,
                Transition.from_status,
                Transition.to_status,
                Transition.actor_id,
                Transition.reason,
                Transition.created_at,
            )
            .where(Transition.action.in_(list(MODERATOR_ACTIONS)))
            .order_by(Transition.id)
        )
        if (step.item_kind, step.item_id, f"{step.item_kind}.{step.action.value}") not in recorded
    ]
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for step in steps:
        ids_by_kind[step.item_kind].add(step.item_id)
    titles: dict[tuple[str, int], str] = {}
    for model in QUEUE_KINDS:
        ids = sorted(ids_by_kind.get(model.moderation_kind, ()))
        # In chunks: a driver takes at most 65,535 parameters in one statement.
        for start in range(0, len(ids), TITLE_CHUNK):
            chunk = ids[start : start + TITLE_CHUNK]
            items = db.session.scalars(sa.select(model).where(model.id.in_(chunk)))  # type: ignore[attr-defined]
            titles.update(
                {
                    (model.moderation_kind, item.id): item.moderation_title()  # type: ignore[attr-defined]
                    for item in items
                }
            )
    return [
        {
            "created_at": step.created_at,
            "actor_id": step.actor_id,
            "action": f"{step.item_kind}.{step.action.value}",
            "object_kind": step.item_kind,
            "object_id": step.item_id,
            "object_title": titles.get((step.item_kind, step.item_id), "")[:300],
            "reason": step.reason,
            "before": json.dumps({"status": step.from_status.value}),
            "after": json.dumps({"status": step.to_status.value}),
        }
        for step in steps
    ]


def record_missing_audit_entries() -> int:
    rows = missing_audit_rows()
    if rows:
        db.session.execute(sa.insert(AuditEntry), rows)
    return len(rows)


def _report_one(ctx: DemoContext) -> None:
    """One resident reports a published initiative (below the number that hides it)."""
    initiative = db.session.scalars(
        sa.select(Initiative)
        .where(Initiative.status == Status.PUBLISHED)
        .order_by(Initiative.id)
        .limit(1)
    ).first()
    if initiative is None:
        return
    reporter = next((r for r in ctx.residents if r.id != initiative.author_id), None)
    if reporter is None:
        return
    try:
        reports.report_item(
            initiative,
            reporter=reporter,
            reason=ReportReason.PERSONAL_DATA,
            details="Tekstissä mainitaan naapurin nimi.",
        )
    except DomainError:
        return


def load(ctx: DemoContext) -> None:
    record_missing_audit_entries()
    _report_one(ctx)
    db.session.flush()


def bench_seed(ctx: BenchContext, scale: int) -> None:
    """The benchmark's decisions get their audit entries too (one bulk insert)."""
    ctx.insert(AuditEntry, missing_audit_rows())
    # The deepest full queue page a person can reach (the desk bounds its page range): full,
    # so that its growth between two scales measures the depth, not how many rows it shows.
    waiting = sum(count_waiting_by_kind().values())
    reachable = min(waiting, MAX_LISTED_ROWS)
    ctx.url_params["queue_deep_page"] = max(1, reachable // QUEUE_PER_PAGE)
