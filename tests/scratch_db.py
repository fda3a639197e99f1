"""Databases of the test run: one per pytest-xdist worker, and throw-away ones beside it.

`pytest -n 2` (what `make test` runs) starts workers `gw0`, `gw1`, … in separate processes.
Each worker gets a database of its own, so the rows one worker's tests commit and delete
never meet another worker's:

- SQLite: a file in the worker's own temporary directory (pytest gives each worker one).
- PostgreSQL: `<TEST_DATABASE_URL's database>_<worker>` on the same server, e.g. `test_gw0`,
  created when the worker starts and dropped when it ends. The conftest sets the worker's
  TEST_DATABASE_URL to it, so subprocesses and `scratch_database` see the worker's database.

Without xdist (`pytest -p no:xdist` or `-n 0`) the tests use TEST_DATABASE_URL itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

WORKER_NAME = re.compile(r"^gw\d+$")


def worker_database_url(base_url: str, worker: str) -> str:
    """The PostgreSQL URL of `worker`'s database: the base URL with `_<worker>` appended to
    the database name. `worker` is xdist's id ("gw0", "gw1", …); ValueError for anything else,
    since it becomes part of an SQL identifier."""
    if not WORKER_NAME.match(worker):
        raise ValueError(f"not a pytest-xdist worker id: {worker!r}")
    url = sa.make_url(base_url)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """Create the (empty) PostgreSQL database named in `url`, yield `url`, then drop it.

    A database of that name left by an interrupted run is dropped first. The server's
    `postgres` database is used for CREATE/DROP, so the user needs CREATEDB.
    """
    target = sa.make_url(url)
    name = target.database
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        with admin.connect() as connection:
            connection.execute(drop)
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


@contextmanager
def scratch_database(suffix: str, tmp_dir: Path) -> Iterator[str]:
    """An empty SQLite file, or on PostgreSQL a database `<test db>_<suffix>` made and dropped.

    Under xdist the test database is already the worker's own (`test_gw0`), so the scratch
    database is too (`test_gw0_migrations`).
    """
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_dir / f'{suffix}.sqlite3'}"
        return
    url = sa.make_url(base)
    scratch = url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)
    with postgres_database(scratch) as made:
        yield made
