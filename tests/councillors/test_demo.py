"""The demo council: 75 fictional members, split by party as the council elected in 2025."""

from __future__ import annotations

import random
from collections import Counter

import sqlalchemy as sa

from participate.councillors import loaders
from participate.councillors.models import Councillor, Party
from participate.db import utcnow
from participate.districts.queries import list_districts
from participate.extensions import db
from participate.seeding import councillors as demo
from participate.seeding.demo import DemoContext


def test_demo_council_follows_the_seat_distribution(app):
    with app.app_context():
        ctx = DemoContext(random.Random(2026), utcnow(), list_districts(), None, None)  # type: ignore[arg-type]
        demo.load(ctx)
        db.session.commit()
        rows = db.session.execute(
            sa.select(Party.code, Councillor.district_id, Councillor.email).join(Councillor.party)
        ).all()
    assert len(rows) == 75
    assert Counter(code for code, _, _ in rows) == Counter(loaders.seats("2025-2029"))
    assert len({district for _, district, _ in rows}) == 7
    # clearly fictional: addresses on a reserved top-level domain
    assert all(email.endswith("@espoo.example") for _, _, email in rows)
    assert sum(demo.DISTRICT_SEATS.values()) == 75
