"""Backup and restore round trip on PostgreSQL: dump a filled database with deploy/backup.sh,
restore it with deploy/restore.sh into a new database, and read the same counts through the
app."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from participate import create_app
from participate.extensions import db, limiter
from participate.workflow.states import Status
from tests import factories

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    client = app.test_client()
    counts["api:initiatives"] = client.get("/api/v1/initiatives").get_json()["count"]
    counts["api:activities"] = len(client.get("/api/v1/activities").get_json()["items"])
    return counts


@pytest.fixture
def restore_target(database_url):
    """An empty database beside the test database, dropped afterwards."""
    base = sa.engine.make_url(database_url)
    name = f"{base.database}_restore"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_and_restore_round_trip(app, settings, database_url, restore_target, tmp_path):
    with app.app_context():
        initiative = factories.create_initiative(status=Status.PUBLISHED)
        factories.create_support(initiative)
        factories.create_activity(status=Status.PUBLISHED)
        factories.create_user(email="moderaattori@example.fi")
    before = _counts(app)
    assert before["users"] >= 2
    assert before["api:initiatives"] == 1

    env = {**os.environ, "DATABASE_URL": database_url}
    dump = tmp_path / "participate.dump"
    subprocess.run([str(ROOT / "deploy" / "backup.sh"), str(dump)], cwd=ROOT, env=env, check=True)  # noqa: S603
    assert dump.stat().st_mode & 0o077 == 0, "the archive must be private"
    subprocess.run(  # noqa: S603
        [str(ROOT / "deploy" / "restore.sh"), str(dump), restore_target],
        cwd=ROOT,
        env=env,
        check=True,
    )

    saved = dict(limiter.__dict__)
    restored = create_app(replace(settings, database_url=restore_target))
    try:
        assert _counts(restored) == before
    finally:
        with restored.app_context():
            db.engine.dispose()
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
