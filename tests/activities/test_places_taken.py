"""`activities.places_taken` always equals the people of the confirmed sign-ups (migration
0017: database triggers keep it, whichever code or cascade writes `signups`). The lists
filter "has places left" on it, and the sign-up service decides capacity from it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participate.accounts.models import Role
from participate.activities import queries, services, signups
from participate.activities.models import Activity, Signup, SignupStatus
from participate.extensions import db
from tests import factories
from tests.activities.test_services import details_of, sign_up
from tests.plans import assert_served_by, plans_of


def _real() -> dict[int, int]:
    """activity id → people with a confirmed place, summed from the sign-ups."""
    rows = db.session.execute(
        sa.select(Activity.id, sa.func.coalesce(sa.func.sum(Signup.people), 0))
        .outerjoin(
            Signup,
            sa.and_(Signup.activity_id == Activity.id, Signup.status == SignupStatus.CONFIRMED),
        )
        .group_by(Activity.id)
    )
    return {activity_id: int(people) for activity_id, people in rows}


def _stored() -> dict[int, int]:
    rows = db.session.execute(sa.select(Activity.id, Activity.places_taken))
    return {activity_id: int(taken) for activity_id, taken in rows}


def assert_consistent() -> None:
    db.session.flush()
    assert _stored() == _real()


def test_every_way_a_place_changes_keeps_the_column_equal_to_the_sign_ups(app):
    with app.test_request_context():
        moderator = factories.create_user(role=Role.MODERATOR)
        activity = factories.create_activity(capacity=4, max_group_size=3)
        other = factories.create_activity(capacity=None)
        assert_consistent()
        # Sign-ups: places, then the waiting list (groups of several people).
        leaving = sign_up(activity.id, "leaving@example.fi", 2)
        sign_up(activity.id, "staying@example.fi", 2)
        big = sign_up(activity.id, "big@example.fi", 3)  # waits
        sign_up(activity.id, "small@example.fi", 1)  # waits
        sign_up(other.id, "x@example.fi", 3)
        assert queries.count_taken(activity.id) == 4
        assert_consistent()
        # Cancelling a place promotes whoever fits from the waiting list.
        promoted = signups.cancel_signup(db.session.get(Signup, leaving.signup.id))
        db.session.commit()
        assert [s.email for s in promoted] == ["small@example.fi"]
        assert queries.count_taken(activity.id) == 3
        assert_consistent()
        # Cancelling from the waiting list changes no place.
        signups.cancel_signup(db.session.get(Signup, big.signup.id))
        db.session.commit()
        assert_consistent()
        # More places promote; the edit reads the places taken under the row lock.
        again = sign_up(activity.id, "again@example.fi", 2)
        assert again.position == 1
        details = details_of(db.session.get(Activity, activity.id))
        details.capacity = 6
        services.update_activity(
            db.session.get(Activity, activity.id), details, actor=db.session.merge(moderator)
        )
        db.session.commit()
        assert queries.count_taken(activity.id) == 5
        assert_consistent()
        # A statement that changes many rows at once (and the number of people).
        db.session.execute(
            sa.update(Signup).where(Signup.activity_id == activity.id).values(people=1)
        )
        assert_consistent()
        db.session.execute(
            sa.update(Signup)
            .where(Signup.email == "x@example.fi")
            .values(activity_id=activity.id, email="moved@example.fi")
        )
        assert_consistent()
        # Deleting sign-ups, one or through the activity (ON DELETE CASCADE).
        db.session.execute(sa.delete(Signup).where(Signup.email == "staying@example.fi"))
        assert_consistent()
        db.session.execute(sa.delete(Activity).where(Activity.id == other.id))
        assert_consistent()
        db.session.commit()
        assert_consistent()


def test_the_purge_leaves_the_count_in_final_participants(app):
    with app.test_request_context():
        old = factories.create_activity(starts_in=timedelta(days=-40))
        factories.create_signup(old, people=3)
        factories.create_signup(old, people=2, status="waiting")
        assert queries.count_taken(old.id) == 3
        signups.purge_signups(retention_days=30)
        db.session.commit()
        assert db.session.get(Activity, old.id).final_participants == 3
        assert_consistent()


def test_has_places_filters_on_the_column_through_the_list_index(app):
    """The count of "has places left" reads the published list's index and filters on the
    row's own columns: no sum over the sign-ups per activity."""
    with app.test_request_context("/fi/activities/"):
        full = factories.create_activity(capacity=1)
        open_one = factories.create_activity(capacity=2)
        sign_up(full.id, "a@example.fi")
        sign_up(open_one.id, "b@example.fi")
        filters = queries.ActivityFilters(has_places=True)
        page = queries.list_activities(filters)
        assert [row.activity.id for row in page.rows] == [open_one.id]
        assert [row.places_left for row in page.rows] == [1]
        count, rows = plans_of(lambda: queries.list_activities(filters))[:2]
        assert "signups" not in count.lower()
        if db.engine.dialect.name == "postgresql":  # SQLite without statistics sorts here
            assert_served_by(rows, "ix_activities_published_starts")


def test_has_places_count_is_read_from_the_index_alone(app):
    """Migration 0024 (PostgreSQL): the list index carries what the filter tests (cancelled,
    capacity, places taken), so the bounded count never reads the table. Without those
    columns in the index an index-only scan cannot be planned at all."""
    with app.test_request_context("/fi/activities/"):
        if db.engine.dialect.name != "postgresql":
            pytest.skip("INCLUDE columns: PostgreSQL")
        factories.create_activity(capacity=2)
        filters = queries.ActivityFilters(has_places=True)
        count = plans_of(
            lambda: queries.list_activities(filters),
            price_out=("sort", "seqscan", "bitmapscan", "indexscan"),
        )[0]
        assert "Index Only Scan using ix_activities_published_starts" in count, count
