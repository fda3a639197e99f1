"""Writes: add, change and remove councillors; load parties. Services flush, never commit.

Every write here (and any change to districts) bumps the map's cache token on flush, see
participate.councillors.maps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.councillors.models import (
    SERVICE_LANGUAGES,
    Councillor,
    CouncillorRole,
    Party,
)
from participate.districts.models import District
from participate.errors import DomainError
from participate.extensions import db
from participate.signals import Subject, record_change

NAME_MAX = 80
EMAIL_MAX = 254
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{4,24}$")
TERM_RE = re.compile(r"^(\d{4})-(\d{4})$")
PHOTO_URL_MAX = 500
COMMITTEES_MAX = 2000


class CouncillorEmailTaken(DomainError):
    pass


class UnknownParty(DomainError):
    pass


class UnknownDistrict(DomainError):
    pass


class InvalidCouncillor(DomainError):
    pass


@dataclass(frozen=True)
class CouncillorData:
    """What an admin or an import file says about one councillor."""

    first_name: str
    last_name: str
    party_id: int
    district_id: int
    email: str
    term: str
    role: CouncillorRole = CouncillorRole.MEMBER
    languages: tuple[str, ...] = ("fi",)
    phone: str | None = None
    photo_url: str | None = None
    committees_fi: str = ""
    committees_sv: str = ""
    committees_en: str = ""


# The checks below return an English problem description (for the import report) or None;
# forms validate the same rules with translated messages (participate.councillors.forms).


def normalise_email(value: str) -> str:
    return value.strip().lower()


def email_problem(value: str) -> str | None:
    if not value.strip():
        return "the e-mail address is missing"
    if len(value) > EMAIL_MAX:
        return "the e-mail address is too long"
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return f"{value.strip()!r} is not an e-mail address"
    return None


def name_problem(value: str, what: str) -> str | None:
    if not value.strip():
        return f"the {what} is missing"
    if len(value.strip()) > NAME_MAX:
        return f"the {what} is longer than {NAME_MAX} characters"
    if any(ord(char) < 32 for char in value):
        return f"the {what} contains control characters"
    return None


def phone_problem(value: str) -> str | None:
    if value.strip() and not PHONE_RE.match(value.strip()):
        return f"{value.strip()!r} is not a phone number (digits, spaces, +, - and brackets)"
    return None


def photo_url_problem(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or len(value) > PHOTO_URL_MAX:
        return f"{value!r} is not an https:// address"
    return None


def normalise_term(value: str) -> str:
    return value.strip().replace("\u2013", "-").replace("\u2014", "-").replace(" ", "")


def term_problem(value: str) -> str | None:
    match = TERM_RE.match(normalise_term(value))
    if not match or int(match.group(2)) <= int(match.group(1)):
        return f"{value.strip()!r} is not a term like 2025-2029"
    return None


def parse_languages(value: str) -> tuple[str, ...]:
    """Parse "fi;sv" or "fi, sv" into ("fi", "sv"); ValueError on an unknown or empty list."""
    codes: list[str] = []
    for part in re.split(r"[;,\s]+", value.strip().lower()):
        if not part:
            continue
        if part not in SERVICE_LANGUAGES:
            raise ValueError(part)
        if part not in codes:
            codes.append(part)
    if not codes:
        raise ValueError("")
    return tuple(sorted(codes, key=SERVICE_LANGUAGES.index))


def _clean(data: CouncillorData) -> dict[str, Any]:
    """The column values, normalised; raises InvalidCouncillor on what forms let through."""
    values: dict[str, Any] = {
        "first_name": data.first_name.strip(),
        "last_name": data.last_name.strip(),
        "party_id": data.party_id,
        "district_id": data.district_id,
        "email": normalise_email(data.email),
        "term": normalise_term(data.term),
        "role": CouncillorRole(data.role),
        "languages": ";".join(data.languages),
        "phone": (data.phone or "").strip() or None,
        "photo_url": (data.photo_url or "").strip() or None,
        "committees_fi": data.committees_fi.strip(),
        "committees_sv": data.committees_sv.strip(),
        "committees_en": data.committees_en.strip(),
    }
    checks = [
        ("first_name", name_problem(data.first_name, "first name")),
        ("last_name", name_problem(data.last_name, "last name")),
        ("email", email_problem(data.email)),
        ("phone", phone_problem(data.phone or "")),
        ("photo_url", photo_url_problem(data.photo_url or "")),
        ("term", term_problem(data.term)),
    ]
    for field, problem in checks:
        if problem:
            raise InvalidCouncillor(_l("Check this value."), field=field)
    if not data.languages or any(code not in SERVICE_LANGUAGES for code in data.languages):
        raise InvalidCouncillor(_l("Choose at least one language."), field="languages")
    for lang in ("fi", "sv", "en"):
        if len(values[f"committees_{lang}"]) > COMMITTEES_MAX:
            raise InvalidCouncillor(
                _l("Use at most %(count)s characters.", count=COMMITTEES_MAX),
                field=f"committees_{lang}",
            )
    if db.session.get(Party, data.party_id) is None:
        raise UnknownParty(_l("Choose a party from the list."), field="party")
    if db.session.get(District, data.district_id) is None:
        raise UnknownDistrict(_l("Choose a major district from the list."), field="district")
    return values


def _email_taken(email: str, *, other_than: int | None = None) -> bool:
    query = sa.select(Councillor.id).where(Councillor.email == email)
    if other_than is not None:
        query = query.where(Councillor.id != other_than)
    return db.session.scalar(query) is not None


def _taken_error() -> CouncillorEmailTaken:
    return CouncillorEmailTaken(
        _l("Another councillor already has this e-mail address."), field="email"
    )


def create_councillor(data: CouncillorData, *, actor: User | None = None) -> Councillor:
    """Add a councillor. `actor` is the admin (None for imports and the demo)."""
    values = _clean(data)
    if _email_taken(values["email"]):
        raise _taken_error()
    councillor = Councillor(**values)
    try:
        with db.session.begin_nested():  # a lost race for the address rolls back only this row
            db.session.add(councillor)
    except sa.exc.IntegrityError as exc:
        raise _taken_error() from exc
    if actor is not None:
        record_change(_subject(councillor), "create", actor=actor, after=_plain(values))
    return councillor


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Column values as JSON-friendly values for the audit log (enums as their value)."""
    return {key: getattr(value, "value", value) for key, value in values.items()}


def _subject(councillor: Councillor) -> Subject:
    """The councillor as the audit log names them: "First Last"."""
    return Subject("councillor", councillor.id, f"{councillor.first_name} {councillor.last_name}")


def update_councillor(
    councillor: Councillor, data: CouncillorData, *, actor: User | None = None
) -> bool:
    """Change a councillor; True when anything changed."""
    values = _clean(data)
    if _email_taken(values["email"], other_than=councillor.id):
        raise _taken_error()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in values.items():
        if getattr(councillor, key) != value:
            before[key] = getattr(councillor, key)
            after[key] = value
            setattr(councillor, key, value)
    if after:
        try:
            with db.session.begin_nested():
                db.session.flush()
        except sa.exc.IntegrityError as exc:
            raise _taken_error() from exc
        if actor is not None:
            record_change(
                _subject(councillor),
                "update",
                actor=actor,
                before=_plain(before),
                after=_plain(after),
            )
    return bool(after)


def delete_councillor(councillor: Councillor, *, actor: User | None = None) -> None:
    if actor is not None:
        before = {f.name: getattr(councillor, f.name) for f in fields(CouncillorData)}
        record_change(_subject(councillor), "delete", actor=actor, before=_plain(before))
    db.session.delete(councillor)
    db.session.flush()


def data_of(councillor: Councillor) -> CouncillorData:
    """The current values as CouncillorData (the import compares and keeps committees)."""
    values = {f.name: getattr(councillor, f.name) for f in fields(CouncillorData)}
    values["languages"] = tuple(councillor.language_codes)
    return CouncillorData(**values)


@dataclass(frozen=True)
class PartyData:
    code: str
    name_fi: str
    name_sv: str
    name_en: str
    abbr_fi: str
    abbr_sv: str
    position: int = 0


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int
    unchanged: int


def upsert_parties(parties: list[PartyData]) -> UpsertResult:
    """Create or update parties by code; parties missing from the list stay."""
    existing = {p.code: p for p in db.session.scalars(sa.select(Party))}
    created = updated = unchanged = 0
    for data in parties:
        values = {f.name: getattr(data, f.name) for f in fields(PartyData)}
        values["code"] = data.code.strip().upper()
        party = existing.get(values["code"])
        if party is None:
            db.session.add(Party(**values))
            created += 1
        elif any(getattr(party, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(party, key, value)
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    return UpsertResult(created, updated, unchanged)
