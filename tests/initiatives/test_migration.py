"""Migration 0003 seeds a starting list of themes (a data migration gets a test)."""

from __future__ import annotations

from dataclasses import replace

import flask_migrate
import sqlalchemy as sa

from participate import create_app
from participate.extensions import db
from participate.initiatives.models import Theme


def test_upgrade_seeds_themes_in_three_languages(settings, tmp_path):
    fresh = create_app(replace(settings, database_url=f"sqlite:///{tmp_path / 'm.db'}"))
    with fresh.app_context():
        flask_migrate.upgrade(revision="0003")
        themes = list(db.session.scalars(sa.select(Theme).order_by(Theme.position)))
        assert len(themes) >= 10
        assert all(t.name_fi and t.name_sv and t.name_en and t.is_active for t in themes)
        assert themes[-1].slug == "other"
        flask_migrate.downgrade(revision="0002")
        assert "themes" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
