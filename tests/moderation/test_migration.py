"""Migration 0005 seeds the standard reasons in three languages (a data migration gets a test).

The session's test database loses them after the first test (every row is deleted), so this
runs the real `flask db upgrade` on a scratch database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.migrations.test_migrations import flask_db


@pytest.fixture(scope="module")
def scratch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('seed') / 'seed.sqlite3'}"
        return
    url = sa.make_url(base)
    name = f"{url.database}_reasons_seed"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reasons(url: str) -> list[tuple[str, str, str, bool]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text(
                        "SELECT text_fi, text_sv, text_en, is_active FROM standard_reasons "
                        "ORDER BY position"
                    )
                )
            ]
    finally:
        engine.dispose()


def test_upgrade_seeds_five_reasons_in_three_languages(scratch_url: str) -> None:
    result = flask_db(scratch_url, "upgrade")
    assert result.returncode == 0, result.stderr
    reasons = _reasons(scratch_url)
    assert len(reasons) == 5
    for fi, sv, en, active in reasons:
        assert all((fi, sv, en, active))
        assert len({fi, sv, en}) == 3  # really translated, not copied
    assert reasons[0][2] == "This is not a matter for the city to decide."
    assert any("personuppgifter" in sv for _fi, sv, _en, _active in reasons)
    # Down to 0004 and up again: the tables go and come back with the seed.
    assert flask_db(scratch_url, "downgrade", "0004").returncode == 0
    assert flask_db(scratch_url, "upgrade").returncode == 0
    assert len(_reasons(scratch_url)) == 5
