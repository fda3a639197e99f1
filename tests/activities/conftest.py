"""Helpers for the activity tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, gettext, ngettext

from participate.activities.models import Signup
from participate.extensions import db


@pytest.fixture
def translated(app: Flask) -> Callable[..., str]:
    """`translated("sv", msgid, **values)`: the message as the page shows it in that language,
    whether or not the translators have translated it yet."""

    def translate(lang: str, msgid: str, plural: str | None = None, **values: Any) -> str:
        with app.test_request_context(f"/{lang}/"), force_locale(lang):
            if plural is not None:
                return ngettext(msgid, plural, values.pop("num"), **values)
            return gettext(msgid, **values)

    return translate


@pytest.fixture
def signups(app: Flask) -> Callable[..., list[tuple[str, str]]]:
    """(email, status) of every sign-up, oldest first."""

    def rows(activity_id: int | None = None) -> list[tuple[str, str]]:
        with app.app_context():
            query = sa.select(Signup.email, Signup.status).order_by(Signup.id)
            if activity_id is not None:
                query = query.where(Signup.activity_id == activity_id)
            return [(email, status.value) for email, status in db.session.execute(query)]

    return rows
