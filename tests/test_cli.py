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
