"""Dependencies fail soft: Redis down keeps sign-in working; /readyz names what failed."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from flask import Flask

from participate import create_app
from participate.config import Settings
from participate.db import utcnow
from participate.extensions import db, limiter
from participate.mail.models import OutboxMessage
from tests import factories


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def other_app(settings: Settings) -> Iterator:
    """Build a second app from changed settings; the shared limiter is restored afterwards
    (init_app rebinds its storage, which the session's app must not keep)."""
    saved = dict(limiter.__dict__)
    apps: list[Flask] = []

    def build(**changes) -> Flask:
        app = create_app(replace(settings, **changes))
        app.config["WTF_CSRF_ENABLED"] = False
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def test_sign_in_works_with_redis_unreachable(app, other_app, caplog):
    with app.app_context():
        user = factories.create_user(email="aino@example.fi")
    down = other_app(ratelimit_storage_uri=f"redis://127.0.0.1:{closed_port()}")
    client = down.test_client()
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            response = client.post(
                "/fi/account/login", data={"email": user.email, "password": factories.PASSWORD}
            )
            assert response.status_code == 302
            client.post("/fi/account/logout")
    warnings = [r for r in caplog.records if "falling back to in-memory" in r.getMessage()]
    assert len(warnings) == 1
    # The in-memory fallback still limits: the sign-in limit is reached, not skipped.
    statuses = {
        client.post("/fi/account/login", data={"email": user.email, "password": "x"}).status_code
        for _ in range(30)
    }
    assert 429 in statuses


def test_readyz_is_ok_and_reports_the_oldest_unsent_mail(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok"},
        "failed": [],
        "outbox": {"pending": 0, "oldest_pending_seconds": None},
    }
    with app.app_context():
        for minutes in (90, 5):
            db.session.add(
                OutboxMessage(
                    to_address="a@example.fi",
                    language="fi",
                    subject="s",
                    body_text="b",
                    template="t",
                    created_at=utcnow() - timedelta(minutes=minutes),
                )
            )
        db.session.commit()
    outbox = client.get("/readyz").get_json()["outbox"]
    assert outbox["pending"] == 2
    assert 90 * 60 <= outbox["oldest_pending_seconds"] < 90 * 60 + 60


def test_readyz_names_redis_when_it_does_not_answer(other_app):
    down = other_app(ratelimit_storage_uri=f"redis://127.0.0.1:{closed_port()}")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["redis"]
    assert body["checks"] == {"database": "ok", "redis": "error"}


def test_readyz_names_the_database_when_it_does_not_answer(other_app, tmp_path):
    if_down = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/nothing"
    down = other_app(database_url=if_down)
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]
    # /healthz is liveness only, but it also says the database is unreachable.
    assert down.test_client().get("/healthz").status_code == 503
