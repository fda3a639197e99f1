"""`/readyz`: can this process serve traffic? (`/healthz` only says it is alive.)

Checks the database (a round trip) and, when the rate limiter is configured with Redis, Redis
(a PING with a one-second timeout). Reports the age of the oldest unsent e-mail, so a stuck
mail sender shows up in the same place, without failing readiness for it (web pages still
work while mail waits). Body: ``{"status": "ok"|"unavailable", "checks": {name: "ok"|
"error"}, "failed": [names], "outbox": {"pending": n, "oldest_pending_seconds": s|null}}``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from limits.storage import Storage, storage_from_string

from participate.db import utcnow
from participate.extensions import db
from participate.mail.models import OutboxMessage, OutboxStatus


def _redis_storage() -> Storage:
    """One limits storage per app for the check, built from RATELIMIT_STORAGE_URI."""
    cached = current_app.extensions.get("readiness_redis")
    if cached is None:
        settings = current_app.config["SETTINGS"]
        cached = storage_from_string(
            settings.ratelimit_storage_uri, **settings.ratelimit_storage_options
        )
        current_app.extensions["readiness_redis"] = cached
    return cached


def _database() -> tuple[bool, dict[str, Any]]:
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
        pending, oldest = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        ).one()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False, {"pending": None, "oldest_pending_seconds": None}
    age = None
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite returns naive UTC from an aggregate
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        age = max(0, round((utcnow() - oldest).total_seconds()))
    return True, {"pending": pending, "oldest_pending_seconds": age}


def _redis() -> bool:
    try:
        return bool(_redis_storage().check())
    except Exception:  # any failure to reach Redis means "not ready"
        current_app.logger.warning("readiness: Redis check failed", exc_info=True)
        return False


def readiness() -> tuple[dict[str, Any], int]:
    """The /readyz body and status: 200 when every check passes, else 503."""
    database_ok, outbox = _database()
    checks = {"database": "ok" if database_ok else "error"}
    if current_app.config["SETTINGS"].uses_redis:
        checks["redis"] = "ok" if _redis() else "error"
    failed = [name for name, state in checks.items() if state != "ok"]
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": checks,
        "failed": failed,
        "outbox": outbox,
    }
    return body, 503 if failed else 200
