"""Supports clicked at the same moment, on PostgreSQL: the count stays exact.

Each thread has its own app context, so its own session and connection, and commits for
real; a barrier releases them together. The unique (initiative, user) constraint, the
savepoint and the atomic `support_count + 1` UPDATE are what is under test.
"""

from __future__ import annotations

import threading

import pytest

from participate.accounts.models import User
from participate.extensions import db
from participate.initiatives import queries, services, supports
from participate.initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.postgres

# Threads hold a connection while they wait at the barrier: stay below the pool's 15.
USERS = 6
CLICKS_EACH = 2  # a double click: the second must be refused, not counted


def _race(app, initiative_id, user_ids, operation):
    barrier = threading.Barrier(len(user_ids), timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(user_id: int) -> None:
        with app.app_context():
            initiative = db.session.get(Initiative, initiative_id)
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                operation(initiative, user=user)
                db.session.commit()
                outcome = "ok"
            except services.DomainError as error:
                db.session.rollback()
                outcome = type(error).__name__
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def _counts(app, initiative_id):
    with app.app_context():
        stored = db.session.get(Initiative, initiative_id).support_count
        return stored, queries.count_supports(initiative_id)


def test_concurrent_supports_and_double_clicks_count_exactly(app):
    with app.app_context():
        initiative = factories.create_initiative()
        users = [factories.create_user().id for _ in range(USERS)]
    outcomes = _race(app, initiative.id, users * CLICKS_EACH, supports.add_support)
    assert outcomes.count("ok") == USERS
    assert outcomes.count("AlreadySupported") == USERS * (CLICKS_EACH - 1)
    assert _counts(app, initiative.id) == (USERS, USERS)


def test_concurrent_withdrawals_count_exactly(app):
    with app.app_context():
        initiative = factories.create_initiative()
        users = [factories.create_user() for _ in range(USERS)]
        for user in users:
            factories.create_support(initiative, user)
        ids = [user.id for user in users]
    # Half withdraw (each twice at once), the others stay.
    leaving = ids[: USERS // 2]
    outcomes = _race(app, initiative.id, leaving * 2, supports.withdraw_support)
    assert outcomes.count("ok") == len(leaving)
    assert outcomes.count("NotSupported") == len(leaving)
    assert _counts(app, initiative.id) == (USERS - len(leaving), USERS - len(leaving))


def test_identified_supports_race_one_per_person_across_accounts(app):
    """Each person has two accounts, and each account double-clicks: one support per person."""
    with app.app_context():
        initiative = factories.create_initiative()
        accounts = []
        for _ in range(USERS // 2):
            number = factories.hetu()
            for _account in range(2):
                user = factories.create_user()
                factories.create_identity(user, national_id=number)
                accounts.append(user.id)
        others = [factories.create_user().id for _ in range(2)]
    clicks = accounts * CLICKS_EACH + others
    outcomes = _race(app, initiative.id, clicks, supports.add_support)
    persons = USERS // 2
    assert outcomes.count("ok") == persons + len(others)
    refused = outcomes.count("AlreadySupported") + outcomes.count("AlreadySupportedByPerson")
    assert refused == len(clicks) - persons - len(others)
    with app.app_context():
        stored = db.session.get(Initiative, initiative.id)
        assert stored.resident_support_count == persons
        assert stored.support_count == persons + len(others) == queries.count_supports(stored.id)
