"""Keyword-only factories with believable fi/sv/en data. Call them inside an app context;
they commit and return detached objects whose loaded attributes stay readable."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.accounts.passwords import hash_password
from participate.db import utcnow
from participate.districts.models import District
from participate.extensions import db

PASSWORD = "kesäpäivä rannalla 2026"
_numbers = itertools.count(1)

NAMES = {
    "fi": ["Aino Virtanen", "Mikko Korhonen", "Sanna Mäkelä", "Juha Nieminen"],
    "sv": ["Karin Lindholm", "Erik Sjöberg", "Linnea Ekholm", "Johan Forsman"],
    "en": ["Priya Nair", "Tom Baker", "Olga Ivanova", "Ahmed Hassan"],
}

T = TypeVar("T")


@cache
def _password_hash() -> str:
    # scrypt is slow on purpose; hash the shared test password once.
    return hash_password(PASSWORD)


def persist(obj: T) -> T:
    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def district(slug: str = "suur-tapiola") -> District:
    found = db.session.scalar(sa.select(District).where(District.slug == slug))
    assert found is not None, f"no district {slug}"
    db.session.expunge(found)
    return found


def create_user(
    *,
    email: str | None = None,
    display_name: str | None = None,
    role: Role = Role.RESIDENT,
    language: str = "fi",
    verified: bool = True,
    password: str | None = None,
    home_district: str | None = None,
    **extra: Any,
) -> User:
    number = next(_numbers)
    names = NAMES.get(language, NAMES["fi"])
    user = User(
        email=email or f"user{number}@example.fi",
        display_name=display_name or names[number % len(names)],
        password_hash=hash_password(password) if password else _password_hash(),
        language=language,
        role=role,
        email_verified_at=utcnow() if verified else None,
        home_district_id=district(home_district).id if home_district else None,
        **extra,
    )
    return persist(user)
