"""The demo: every moderator decision of the features' demos is in the audit log too, and
the queue shows a resident's report."""

from __future__ import annotations

import sqlalchemy as sa

from participate.extensions import db
from participate.moderation.audit import AuditEntry
from participate.moderation.models import Report
from participate.seeding.demo import FEATURE_DEMOS, load_demo
from participate.seeding.moderation import missing_audit_rows
from participate.workflow.models import Transition
from participate.workflow.states import MODERATOR_ACTIONS


def test_demo_decisions_are_audited(app):
    assert FEATURE_DEMOS[-1] == "participate.seeding.moderation"
    with app.app_context():
        load_demo()
        db.session.commit()
        decisions = list(
            db.session.scalars(
                sa.select(Transition).where(Transition.action.in_(list(MODERATOR_ACTIONS)))
            )
        )
        entries = list(db.session.scalars(sa.select(AuditEntry)))
        audited = {(e.object_kind, e.object_id, e.action) for e in entries}
        assert decisions
        for step in decisions:
            assert (
                step.item_kind,
                step.item_id,
                f"{step.item_kind}.{step.action.value}",
            ) in audited
        hide = next(e for e in entries if e.action == "initiative.hide")
        step = next(s for s in decisions if s.action == "hide")
        assert hide.created_at == step.created_at  # at the decision's own time
        assert hide.object_title
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
        assert missing_audit_rows() == []  # running it again adds nothing
