"""`flask activities purge-signups`."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from participate.activities.models import Activity, Signup
from participate.extensions import db
from tests import factories


def test_purge_command_uses_the_retention_setting(app, runner):
    with app.app_context():
        old = factories.create_activity(starts_in=timedelta(days=-31))
        recent = factories.create_activity(starts_in=timedelta(days=-20))
        factories.create_signup(old, people=2)
        factories.create_signup(recent, people=4)
    result = runner.invoke(args=["activities", "purge-signups"])
    assert result.exit_code == 0, result.output
    assert "1 activities" in result.output
    with app.app_context():
        assert db.session.scalars(sa.select(Signup.activity_id)).all() == [recent.id]
        assert db.session.get(Activity, old.id).final_participants == 2
    result = runner.invoke(args=["activities", "purge-signups", "--days", "10"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Signup.id))) == 0
        assert db.session.get(Activity, recent.id).final_participants == 4


def test_archive_shows_the_kept_count(app, client):
    with app.app_context():
        old = factories.create_activity(starts_in=timedelta(days=-40))
        factories.create_signup(old, people=3)
    runner = app.test_cli_runner()
    runner.invoke(args=["activities", "purge-signups"])
    html = client.get(f"/en/activities/{old.id}").get_data(as_text=True)
    assert ">3<" in html.replace(" ", "")
