"""The demo has initiatives before, at and past the threshold, and one overdue."""

from __future__ import annotations

import sqlalchemy as sa

from participate.extensions import db
from participate.initiatives import clock, queries
from participate.initiatives.models import Initiative
from participate.seeding.demo import load_demo


def test_demo_initiatives_on_the_council_clock(app, client, settings):
    with app.app_context():
        load_demo()
        db.session.commit()
        initiatives = list(db.session.scalars(sa.select(Initiative)))
        for initiative in initiatives:  # stored counts equal the rows
            assert initiative.support_count == queries.count_supports(initiative.id)
        threshold = settings.initiative_threshold
        residents = sorted(i.resident_support_count for i in initiatives)
        assert any(0 < count < threshold for count in residents)
        assert threshold in residents
        assert any(count > threshold for count in residents)
        states = [clock.clock_state(i) for i in initiatives]
        assert sum(1 for s in states if s and s.is_overdue) == 1
        assert any(s and s.is_due_soon for s in states)
        assert any(s and s.was_met for s in states)
        overdue = next(i for i, s in zip(initiatives, states, strict=True) if s and s.is_overdue)
    record = client.get(f"/api/v1/initiatives/{overdue.id}").get_json()
    assert record["supports"]["identified_residents"] > threshold
    assert record["council_deadline"] < clock.today().isoformat()
    assert record["council_decision_at"] is None
    assert record["filed_at"] is not None
