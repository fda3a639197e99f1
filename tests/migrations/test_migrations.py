"""Migrations: the models match them, and they go down and up again cleanly.

Runs the real `flask db` commands in a subprocess against a database of its own, so the
session's test database is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scratch_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'scratch.sqlite3'}"
        return
    url = sa.make_url(base)
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def flask_db(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PARTICIPATE_ENV": "development"}
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "flask", "--app", "participate", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_upgrade_check_downgrade_upgrade(scratch_database_url: str) -> None:
    for step in (["upgrade"], ["check"], ["downgrade", "base"], ["upgrade"], ["check"]):
        result = flask_db(scratch_database_url, *step)
        assert result.returncode == 0, f"flask db {' '.join(step)}:\n{result.stdout}{result.stderr}"


def test_history_is_one_linear_chain(scratch_database_url: str) -> None:
    result = flask_db(scratch_database_url, "heads")
    assert result.returncode == 0, result.stderr
    heads = [line for line in result.stdout.splitlines() if "(head)" in line]
    assert len(heads) == 1, result.stdout
