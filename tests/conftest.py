"""Fixtures shared by the whole suite.

The schema is built once per session by running the Alembic migrations (never create_all)
against TEST_DATABASE_URL or a temporary SQLite file. After each test every row is deleted,
except the reference data (districts, postal codes) loaded once. Real commits therefore work
across connections, which the browser and concurrency tests need.
"""

from __future__ import annotations

import dataclasses
import os
import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from participate import create_app
from participate.accounts import passwords
from participate.accounts.models import Role, User
from participate.config import Settings
from participate.districts import loaders
from participate.extensions import db, limiter
from participate.mail.models import OutboxMessage
from tests.scratch_db import postgres_database, scratch_database, worker_database_url

REFERENCE_TABLES = {"districts", "postal_codes", "alembic_version"}
# "gw0", "gw1", … in a pytest-xdist worker (`make test` runs `pytest -n 2`); "" otherwise.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
if ON_POSTGRES and XDIST_WORKER:
    # Each worker works in a database of its own (tests/scratch_db.py); subprocesses and
    # scratch databases read the variable, so they follow.
    TEST_DATABASE_URL = worker_database_url(TEST_DATABASE_URL, XDIST_WORKER)
    os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL


# scrypt's cost is the point in production and pure waste here: at Werkzeug's default
# (N=2**15) a hash takes 0.1 to 0.2 s of CPU, and a run makes over a hundred (demo accounts,
# registrations, sign-ins). The suite hashes at N=2**10, still salted scrypt, which
# verify_password reads from the hash; tests/accounts/test_passwords.py checks the real cost.
PRODUCTION_HASH_METHOD = passwords.HASH_METHOD
TEST_HASH_METHOD = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "HASH_METHOD", TEST_HASH_METHOD)
        yield


# Tests that take seconds each (docs/testing.md, "The slowest tests"), longest first: they run
# first, so the workers share them out and end on quick ones, not one worker on a long test
# while the other waits (`--dist worksteal` steals from the end of a worker's queue). Every
# browser test counts as one too: the rest of them come next, then everything else.
SLOW_TESTS = (
    "tests/browser/test_moderation.py::test_no_wcag_violations_on_desk_and_admin_pages",
    "tests/web/test_html_valid.py",
    "tests/api/test_openapi.py::test_schemathesis",
    "tests/browser/test_initiatives.py::test_no_wcag_violations_on_initiative_pages",
    "tests/browser/test_moderation.py::test_report_hide_restore_and_the_audit_log",
    "tests/i18n/test_pseudo_locale.py",
    "tests/browser/test_initiatives.py::test_no_wcag_violations_on_desk_pages",
    "tests/browser/test_initiatives.py::test_initiative_journey",
    "tests/browser/test_councillors.py::test_the_map_by_keyboard",
    "tests/browser/test_councillors.py::test_bad_and_split_postal_codes",
    "tests/browser/test_councillors.py::test_pages_have_no_wcag_violations",
    "tests/browser/test_activities.py::test_sign_up_cancel_and_the_waiting_list_moves",
    "tests/web/test_hostile_input.py",
    "tests/migrations/",
    "tests/moderation/test_migration.py",
    "tests/moderation/test_demo.py",
    "tests/initiatives/test_demo_clock.py",
    "tests/test_cli.py::test_demo_loads_once_and_only_into_an_empty_database",
    "tests/deploy/",
    "tests/test_search.py::test_any_query_is_answered",
    "tests/test_worker_memory.py",
    "tests/test_bench.py",
)


def _slow_first(item: pytest.Item) -> int:
    for rank, prefix in enumerate(SLOW_TESTS):
        if item.nodeid.startswith(prefix):
            return rank
    return len(SLOW_TESTS) + (0 if "browser" in item.keywords else 1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Concurrency guarantees only mean something on PostgreSQL; say so in the report.
    skip_pg = pytest.mark.skip(reason="needs TEST_DATABASE_URL=postgresql+psycopg://…")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
    items.sort(key=_slow_first)  # stable: the same order in every worker, as xdist requires


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The worker's test database: SQLite in the worker's temporary directory, or the
    PostgreSQL database TEST_DATABASE_URL names (created and dropped here under xdist)."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'participate-test.sqlite3'}"
    elif ON_POSTGRES and XDIST_WORKER:
        with postgres_database(TEST_DATABASE_URL) as url:
            yield url
    else:
        yield TEST_DATABASE_URL


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        participate_env="testing",
        # Never a developer's `flask static build` in instance/: tests see static/ as it is.
        static_root=str(tmp_path_factory.mktemp("no-static-build")),
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        database_url=database_url,
        base_url="http://participate.test",
        mail_backend="smtp",  # the guard below makes any real delivery attempt fail loudly
        mail_server="127.0.0.1",
        mail_port=2525,
        tile_url="/static/test-tiles/{z}/{x}/{y}.png",
        tile_attribution="Test tiles",
        eligible_residents=1000,
        registry_email="kirjaamo@example.fi",
        initiative_threshold_percent=2,
    )


def _reset_schema(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False
    _reset_schema(app)
    with app.app_context():
        flask_migrate.upgrade()
        loaders.load_districts(loaders.DISTRICTS_FILE)
        loaders.load_postal_codes(loaders.POSTAL_CODES_FILE)
        db.session.commit()
    yield app
    # Close pooled connections: psycopg warns (an error here) about ones collected open.
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _migrated_scratch(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Config]]:
    """A scratch database of the worker's own, migrated to head once, with an app bound to it
    and the Alembic configuration Flask-Migrate gives `flask db` (see `migrated_database`)."""
    with scratch_database("migrated", tmp_path_factory.mktemp("migrated")) as url:
        scratch_app = create_app(dataclasses.replace(settings, database_url=url))
        # Contexts are pushed only while used: one left pushed would be `current_app` for
        # every later test of the worker.
        with scratch_app.app_context():
            config = scratch_app.extensions["migrate"].migrate.get_config()
            command.upgrade(config, "head")
        try:
            yield scratch_app, config
        finally:
            with scratch_app.app_context():
                db.engine.dispose()


@pytest.fixture
def migrated_database(_migrated_scratch: tuple[Flask, Config]) -> Iterator[Config]:
    """The Alembic `Config` of a scratch database at head: `alembic.command.downgrade(config,
    "0004")` and the like run the real migrations in this process (no `flask db` subprocess,
    which costs a second or two of imports each), in an app context bound to that database.

    Built once per worker and shared by the migration tests, which leave it at head; a test
    that fails halfway is upgraded to head again here, so the next one starts from there.
    The session's test database is never touched.
    """
    scratch_app, config = _migrated_scratch
    with scratch_app.app_context():
        try:
            yield config
        finally:
            command.upgrade(config, "head")


def _empty_postgres_tables(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """Empty `tables` (in dependency order) and restart their id sequences, as a
    `TRUNCATE … RESTART IDENTITY CASCADE` of all of them would, but in a few milliseconds:
    TRUNCATE costs about 15 ms a table and CASCADE from `users` reaches nearly every table.

    One query finds the tables a test touched (rows, or a sequence that moved: a rolled-back
    insert leaves an empty table with a used sequence); those are DELETEd, children first,
    and their sequences reset. Tables with a trigger of their own (the audit log's
    append-only trigger refuses DELETE) are TRUNCATEd instead.
    """
    # Table names come from our own metadata, never from input.
    has_rows = " UNION ALL ".join(
        f"SELECT '{t.name}', NULL WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"  # noqa: S608
        for t in tables
    )
    moved_sequences = (
        "SELECT owner.relname::text, seq.schemaname || '.' || seq.sequencename"
        " FROM pg_sequences seq"
        " JOIN pg_class s ON s.relname = seq.sequencename AND s.relkind = 'S'"
        " JOIN pg_depend d ON d.objid = s.oid AND d.refclassid = 'pg_class'::regclass"
        " JOIN pg_class owner ON owner.oid = d.refobjid"
        " WHERE seq.schemaname = current_schema() AND seq.last_value IS NOT NULL"
    )
    triggered = (
        "SELECT c.relname::text, '!' FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE NOT tg.tgisinternal AND n.nspname = current_schema()"
    )
    used: set[str] = set()
    sequences: list[str] = []
    truncate_only: set[str] = set()
    for table, extra in connection.execute(
        sa.text(f"{has_rows} UNION ALL {moved_sequences} UNION ALL {triggered}")
    ):
        if extra == "!":
            truncate_only.add(table)
            continue
        used.add(table)
        if extra:
            sequences.append(extra)
    truncate = [t.name for t in tables if t.name in used & truncate_only]
    if truncate:
        names = ", ".join(f'"{name}"' for name in truncate)
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    for table in reversed(tables):
        if table.name in used and table.name not in truncate_only:
            connection.execute(table.delete())
    if sequences:
        resets = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
        connection.execute(sa.text(f"SELECT {resets}"))


def _empty_sqlite_tables(connection: sa.Connection, tables: list[sa.Table]) -> None:
    """DELETE from those of `tables` that have rows, children first. One query finds them:
    a DELETE a table, empty or not, cost 2.4 ms of CPU a test (3 s a run); this 0.15 ms."""
    # Table names come from our own metadata, never from input.
    has_rows = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"  # noqa: S608
        for t in tables
    )
    used = set(connection.scalars(sa.text(has_rows)))
    for table in reversed(tables):
        if table.name in used:
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        tables = [t for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                _empty_postgres_tables(connection, tables)
            else:
                _empty_sqlite_tables(connection, tables)
    limiter.reset()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any SMTP delivery and any connection that leaves 127.0.0.1."""

    def refuse_smtp(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test tried to deliver e-mail over SMTP")

    real_create_connection = socket.create_connection

    def loopback_only(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host = address[0]
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise AssertionError(f"a test tried to connect to {host}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", refuse_smtp)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse_smtp)
    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def login_as(app: Flask, client: FlaskClient) -> Callable[..., User]:
    """Create a verified user with the role and sign the test client in as them."""
    from tests.factories import create_user

    def login(role: Role | str = Role.RESIDENT, **kwargs: Any) -> User:
        with app.app_context():
            user = create_user(role=Role(role), **kwargs)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return user

    return login


@pytest.fixture
def outbox(app: Flask) -> Callable[..., list[OutboxMessage]]:
    """The queued e-mail, oldest first; `outbox(to=…)` filters by recipient."""

    def messages(to: str | None = None) -> list[OutboxMessage]:
        with app.app_context():
            query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
            if to:
                query = query.where(OutboxMessage.to_address == to)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
            return rows

    return messages


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """`with count_queries() as queries: …` then `len(queries)`."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counter
