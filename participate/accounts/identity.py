"""Strong identification of a person: the keyed person hash, voting age, the stored link.

The SAML endpoints (`participate.identification`) turn an identity provider's assertion into
an `IdentifiedPerson` and call `link_identity`; features ask `get_identity(user)`.
The national identification number (henkilötunnus, hetu) lives only in memory, for the
length of one request: it is validated with python-stdnum, hashed with HMAC-SHA256 under
IDENTITY_HASH_KEY, and its date of birth becomes one boolean (of voting age or not).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.fi import hetu

from participate.accounts.models import Identity, User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db

# Election Act 714/1998, section 26: the right to vote begins at 18.
VOTING_AGE = 18
NAME_MAX = 200

# The century sign (the 7th character) of a henkilötunnus. Since 2023 (Population
# Information Act amendment 1170/2022) Y, X, W, V, U also mean 1900s and B-F 2000s.
CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


class InvalidIdentity(DomainError):
    """The identity provider's attributes cannot identify a person."""


@dataclass(frozen=True)
class IdentifiedPerson:
    """What one assertion says, before anything is stored.

    national_id: the henkilötunnus as asserted; municipality_code: three digits or "";
    level_of_assurance: the AuthnContextClassRef; names as the identity provider gave them.
    """

    national_id: str
    municipality_code: str
    level_of_assurance: str
    given_name: str = ""
    surname: str = ""

    def __repr__(self) -> str:  # never print the number into a log
        return f"<IdentifiedPerson municipality={self.municipality_code!r}>"


def birth_date(national_id: str) -> date:
    """The date of birth in a henkilötunnus (DDMMYYCZZZQ); raises InvalidIdentity if invalid.

    >>> birth_date("131052-308T")
    datetime.date(1952, 10, 13)
    """
    try:
        number = hetu.validate(national_id, allow_temporary=True)
    except (ValidationError, TypeError) as exc:
        raise InvalidIdentity(
            _l("The identification did not give a valid personal identity code.")
        ) from exc
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    return date(CENTURIES[number[6]] + year, month, day)


def age_on(born: date, day: date) -> int:
    """Whole years between `born` and `day` (a person born on 29 February ages on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def person_hash(national_id: str) -> str:
    """HMAC-SHA256 of the normalised number under IDENTITY_HASH_KEY: 64 hex characters."""
    number = hetu.compact(national_id)
    key = current_app.config["SETTINGS"].effective_identity_hash_key
    return hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()


def get_identity(user_id: int) -> Identity | None:
    return db.session.scalar(sa.select(Identity).where(Identity.user_id == user_id))


@dataclass(frozen=True)
class IdentityFields:
    """What is kept of one identification (never the number nor the date of birth)."""

    person_hash: str
    municipality_code: str
    is_voting_age: bool
    level_of_assurance: str
    verified_name: str | None

    def as_dict(self) -> dict[str, str | bool | None]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> IdentityFields:
        return cls(**{field.name: values[field.name] for field in dataclasses.fields(cls)})


def describe(person: IdentifiedPerson, *, show_name: bool, today: date) -> IdentityFields:
    """Reduce an assertion to what is kept; raises InvalidIdentity for a bad number or code.

    `today` is the date in Europe/Helsinki on which voting age is judged.
    """
    born = birth_date(person.national_id)
    code = person.municipality_code.strip()
    if code and not (len(code) == 3 and code.isdigit()):
        raise InvalidIdentity(_l("The identification gave an unknown municipality."))
    name = " ".join(part for part in (person.given_name.strip(), person.surname.strip()) if part)
    return IdentityFields(
        person_hash=person_hash(person.national_id),
        municipality_code=code,
        is_voting_age=age_on(born, today) >= VOTING_AGE,
        level_of_assurance=person.level_of_assurance[:200],
        verified_name=name[:NAME_MAX] if show_name and name else None,
    )


def link_identity(user: User, fields: IdentityFields, *, now: datetime | None = None) -> Identity:
    """Store (or refresh) the account's identification; returns the Identity row."""
    identity = get_identity(user.id)
    if identity is None:
        identity = Identity(user_id=user.id)
        db.session.add(identity)
    identity.person_hash = fields.person_hash
    identity.municipality_code = fields.municipality_code
    identity.is_voting_age = fields.is_voting_age
    identity.level_of_assurance = fields.level_of_assurance
    identity.verified_name = fields.verified_name
    identity.identified_at = now or utcnow()
    db.session.flush()
    return identity


def unlink_identity(user: User) -> None:
    """Remove the account's identification (account deletion, or the person's own choice)."""
    db.session.execute(sa.delete(Identity).where(Identity.user_id == user.id))
