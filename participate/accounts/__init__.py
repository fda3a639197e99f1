"""Accounts: registration, e-mail verification, sign-in, password reset, profile, my data."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from participate.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from participate.accounts.cli import cli
    from participate.accounts.models import User
    from participate.accounts.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(cli)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.is_active else None
