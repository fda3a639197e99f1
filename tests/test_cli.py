"""Command-line tools: creating users with a role, the demo loader."""

from __future__ import annotations

import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.extensions import db


def test_create_user_with_role(app, runner):
    result = runner.invoke(
        args=[
            "accounts",
            "create-user",
            "--email",
            "Kaisa@Example.fi",
            "--name",
            "Kaisa",
            "--role",
            "moderator",
            "--language",
            "sv",
            "--password",
            "lång och säker fras",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.email, user.role, user.language) == ("kaisa@example.fi", Role.MODERATOR, "sv")
        assert user.is_verified


def test_create_user_refuses_a_weak_password(app, runner):
    result = runner.invoke(
        args=[
            "accounts",
            "create-user",
            "--email",
            "a@example.fi",
            "--name",
            "A",
            "--password",
            "123",
        ]
    )
    assert result.exit_code != 0
    assert "10" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_demo_loads_once_and_only_into_an_empty_database(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        users = list(db.session.scalars(sa.select(User)))
        by_email = {u.email: u for u in users}
        assert by_email["moderaattori@example.fi"].role == Role.MODERATOR
        assert by_email["admin@example.fi"].role == Role.ADMIN
        assert {u.language for u in users} == {"fi", "sv", "en"}
        count = len(users)
    result = runner.invoke(args=["demo", "load"])
    assert "already has accounts" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count


def test_flask_db_runs_flask_migrates_commands(app, runner, monkeypatch):
    """`flask db` is registered without importing Flask-Migrate (participate/lazy_migrate.py)
    and runs its commands, with the group's own options, on the app's database."""
    from participate.lazy_migrate import MigrationCommands

    group = app.cli.get_command(None, "db")  # type: ignore[arg-type]
    assert isinstance(group, MigrationCommands)
    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0, listed.output
    for command in ("upgrade", "downgrade", "current", "heads", "check"):
        assert command in listed.output
    from alembic.config import Config

    # Alembic prints to the sys.stdout it was imported with, not to the runner's.
    printed: list[str] = []
    monkeypatch.setattr(Config, "print_stdout", lambda _self, text, *a: printed.append(text % a))
    heads = runner.invoke(args=["db", "-d", str(app.extensions["migrate"].directory), "heads"])
    assert heads.exit_code == 0, heads.output
    with app.app_context():
        current = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert printed == [f"{current} (head)"]
