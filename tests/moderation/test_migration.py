"""Migration 0005 seeds the standard reasons in three languages (a data migration gets a test).

The session's test database loses them after the first test (every row is deleted), so this
reads the scratch database of `migrated_database`, which the real migrations brought to head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from participate.extensions import db


def _reasons() -> list[tuple[str, str, str, bool]]:
    with db.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text(
                    "SELECT text_fi, text_sv, text_en, is_active FROM standard_reasons "
                    "ORDER BY position"
                )
            )
        ]


def test_upgrade_seeds_five_reasons_in_three_languages(migrated_database: Config) -> None:
    reasons = _reasons()
    assert len(reasons) == 5
    for fi, sv, en, active in reasons:
        assert all((fi, sv, en, active))
        assert len({fi, sv, en}) == 3  # really translated, not copied
    assert reasons[0][2] == "This is not a matter for the city to decide."
    assert any("personuppgifter" in sv for _fi, sv, _en, _active in reasons)
    # Down to 0004 and up again: the tables go and come back with the seed.
    command.downgrade(migrated_database, "0004")
    assert "standard_reasons" not in sa.inspect(db.engine).get_table_names()
    command.upgrade(migrated_database, "head")
    assert len(_reasons()) == 5
