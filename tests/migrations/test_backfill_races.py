"""A migration that fills a trigger-kept count misses no write made while it runs.

docs/operations.md runs `flask db upgrade` while the old code still serves. A migration that
backfills a count (0017: `activities.places_taken`; 0020: `support_hours`) and then creates
the triggers that keep it must stop writers to the source table first: a write committed
between the backfill's snapshot and the triggers would otherwise be counted by neither, and
nothing corrects the count later. Each case here holds a write open on the source table,
starts the migration, lets the write commit once the migration waits for it, and compares
the count with its source (PostgreSQL: SQLite serialises writers anyway).
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import current_app

from participate.districts import loaders
from participate.extensions import db
from tests import factories


def _supports() -> None:
    initiative = factories.create_initiative()
    for _ in range(3):
        factories.create_support(initiative)


def _signups() -> None:
    activity = factories.create_activity(capacity=10)
    for people in (1, 2, 3):
        factories.create_signup(activity, people=people)


@dataclass(frozen=True)
class Case:
    revision: str  # the migration that backfills and creates the triggers
    before: str  # its down revision
    create: Callable[[], None]  # rows at head, through the factories
    write: str  # a write to the source table, held open while the migration starts
    drift: str  # rows where the count differs from its source: 0 when consistent


CASES = {
    "0017 places taken": Case(
        "0017",
        "0016",
        _signups,
        "DELETE FROM signups WHERE id = (SELECT min(id) FROM signups)",
        "SELECT count(*) FROM activities WHERE places_taken <> (SELECT COALESCE(SUM(people), 0)"
        " FROM signups WHERE activity_id = activities.id AND status = 'confirmed')",
    ),
    "0020 support hours": Case(
        "0020",
        "0019",
        _supports,
        "DELETE FROM supports WHERE id = (SELECT min(id) FROM supports)",
        "SELECT abs((SELECT count(*) FROM supports)"
        " - (SELECT COALESCE(SUM(supports), 0) FROM support_hours))",
    ),
}


def _wait_until_blocked(engine: sa.Engine, timeout: float = 20.0) -> None:
    """Until some session of this database waits for a lock (the migration, for the write)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE NOT l.granted AND a.datname = current_database()"
                )
            )
            probe.rollback()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the migration never waited for the open write")


@pytest.mark.postgres
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_write_during_the_backfill_is_counted(migrated_database: Config, case: Case) -> None:
    config = migrated_database
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = db.engine
    try:
        loaders.load_districts(loaders.DISTRICTS_FILE)
        db.session.commit()
        case.create()
        db.session.remove()  # its open transaction would hold locks the migrations wait for
        command.downgrade(config, case.before)
        failures: list[BaseException] = []

        def migrate() -> None:
            with app.app_context():
                try:
                    command.upgrade(config, case.revision)
                except BaseException as error:  # reported by the main thread
                    failures.append(error)

        with engine.connect() as writer:
            transaction = writer.begin()
            assert writer.execute(sa.text(case.write)).rowcount == 1
            migration = threading.Thread(target=migrate)
            migration.start()
            try:
                _wait_until_blocked(engine)
            finally:
                transaction.commit()
                migration.join(timeout=60)
        assert not migration.is_alive()
        assert not failures, failures
        with engine.connect() as connection:
            assert connection.scalar(sa.text(case.drift)) == 0
    finally:
        db.session.remove()
        command.upgrade(config, "head")
        with engine.begin() as connection:
            tables = ", ".join(
                f'"{t.name}"' for t in db.metadata.sorted_tables if t.name != "alembic_version"
            )
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
AFTER_TRIGGER = re.compile(r"CREATE TRIGGER \w+ AFTER [^;]*? ON (\w+)", re.IGNORECASE)


def test_every_trigger_kept_count_locks_its_source_table() -> None:
    """The kind, not only the two cases above: a migration whose PostgreSQL statements
    (`PG_UPGRADE`) create an AFTER trigger on a table locks that table against writes, and
    is one of the cases the race test runs."""
    checked = set()
    for path in sorted(VERSIONS.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        statements = " ".join(getattr(module, "PG_UPGRADE", []))
        for table in set(AFTER_TRIGGER.findall(statements)):
            assert f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE" in path.read_text(), path
            checked.add(module.revision)
    assert checked == {case.revision for case in CASES.values()}
