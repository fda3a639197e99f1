"""Migration 0005 seeds the standard reasons in three languages (a data migration gets a test).

The session's test database loses them after the first test (every row is deleted), so this
runs the real `flask db upgrade` on a scratch database of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.migrations.test_migrations import flask_db
from tests.scratch_db import scratch_database


@pytest.fixture(scope="module")
def scratch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database("reasons_seed", tmp_path_factory.mktemp("seed")) as url:
        yield url


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
