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

from tests.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scratch_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database("migrations", tmp_path_factory.mktemp("migrations")) as url:
        yield url


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
