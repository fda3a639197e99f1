"""Capacity under concurrent sign-ups, on PostgreSQL (the product promise: "Capacity is never
exceeded, also under concurrent sign-ups on PostgreSQL").

1. 200 threads, each with its own session and transaction, call the sign-up service for the
   last 50 places at the same moment (a barrier releases them together).
2. 100 parallel HTTP requests to a live server for 25 places, as browsers would send them.

Both must end with exactly the capacity confirmed, everyone else on the waiting list with a
unique position, and no error for anybody.
"""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from participate.activities import queries, signups
from participate.activities.models import Activity, Signup, SignupStatus
from participate.extensions import db, limiter
from tests import factories

pytestmark = pytest.mark.postgres


def _outcome(app: Flask, activity_id: int) -> dict[str, Any]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Signup.status, Signup.people, Signup.id)
            .where(Signup.activity_id == activity_id)
            .order_by(Signup.id)
        ).all()
        waiting = [row.id for row in rows if row.status == SignupStatus.WAITING]
        positions = [
            queries.waiting_position(db.session.get(Signup, signup_id)) for signup_id in waiting
        ]
        return {
            # Kept by the triggers of migration 0017 under concurrent writers.
            "places_taken": db.session.scalar(
                sa.select(Activity.places_taken).where(Activity.id == activity_id)
            ),
            "confirmed_people": sum(r.people for r in rows if r.status == SignupStatus.CONFIRMED),
            "confirmed": sum(1 for r in rows if r.status == SignupStatus.CONFIRMED),
            "waiting": len(waiting),
            "positions": positions,
        }


def test_200_parallel_sign_ups_for_50_places(app: Flask) -> None:
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        activity = factories.create_activity(capacity=50, max_group_size=1)
    people = 200
    barrier = threading.Barrier(people, timeout=60)
    errors: list[str] = []
    positions: list[int | None] = []
    lock = threading.Lock()

    def sign_up(number: int) -> None:
        with app.test_request_context("/fi/"):
            try:
                barrier.wait()
                target = db.session.get(Activity, activity.id)
                result = signups.sign_up(
                    target,
                    signups.SignupRequest(
                        name=f"Osallistuja {number}",
                        email=f"p{number}@example.fi",
                        people=1,
                        language=("fi", "sv", "en")[number % 3],
                        consent=True,
                    ),
                )
                db.session.commit()
                with lock:
                    positions.append(result.position)
            except Exception as error:
                db.session.rollback()
                with lock:
                    errors.append(f"{number}: {type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    outcome = _outcome(app, activity.id)
    assert outcome["confirmed"] == outcome["confirmed_people"] == outcome["places_taken"] == 50
    assert outcome["waiting"] == 150
    assert sorted(outcome["positions"]) == list(range(1, 151))
    # What each person was told matches what was stored.
    assert sum(1 for p in positions if p is None) == 50
    assert sorted(p for p in positions if p is not None) == list(range(1, 151))
    with app.app_context():
        confirmations = db.session.scalar(
            sa.text("SELECT count(*) FROM outbox_messages WHERE template = :t"),
            {"t": "activities/signup_confirmed"},
        )
        assert confirmations == 50


def test_parallel_http_sign_ups_never_overbook(app: Flask) -> None:
    with app.app_context():
        activity = factories.create_activity(capacity=25, max_group_size=2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    limiter.enabled = False  # one client IP sends everything here
    try:
        url = f"http://127.0.0.1:{server.server_port}/sv/activities/{activity.id}"

        def post(number: int) -> int:
            data = urllib.parse.urlencode(
                {
                    "name": f"Person {number}",
                    "email": f"h{number}@example.fi",
                    "people": str(1 + number % 2),
                    "consent": "y",
                }
            ).encode()
            request = urllib.request.Request(url, data=data, method="POST")

            class NoRedirect(urllib.request.HTTPRedirectHandler):
                def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                    return None

            opener = urllib.request.build_opener(NoRedirect)
            try:
                with opener.open(request, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(max_workers=40) as pool:
            codes = list(pool.map(post, range(100)))
    finally:
        limiter.enabled = True
        server.shutdown()
        server.server_close()

    assert codes == [302] * 100, sorted(set(codes))
    outcome = _outcome(app, activity.id)
    assert outcome["confirmed_people"] <= 25
    assert outcome["places_taken"] == outcome["confirmed_people"]
    # Groups of one and two: the places are filled unless only a pair was left to wait.
    assert outcome["confirmed_people"] >= 24
    assert outcome["confirmed"] + outcome["waiting"] == 100
    assert sorted(outcome["positions"]) == list(range(1, outcome["waiting"] + 1))
