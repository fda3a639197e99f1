"""Account operations: register, verify, sign in, reset and change passwords, my data.

Services flush, never commit: the view or CLI command that calls them commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participate.accounts import tokens
from participate.accounts.identity import get_identity, unlink_identity
from participate.accounts.models import Role, User
from participate.accounts.passwords import check_strength, hash_password, verify_password
from participate.accounts.personal_data import erase_sections, export_sections
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import LANGS
from participate.mail.services import mail_user
from participate.urls import external_url


class EmailTaken(DomainError):
    pass


class InvalidCredentials(DomainError):
    pass


class LinkExpired(DomainError):
    pass


class LinkInvalid(DomainError):
    pass


class WrongPassword(DomainError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class Registration:
    display_name: str
    email: str
    password: str
    language: str
    home_district_id: int | None = None


def create_user(
    registration: Registration, *, role: Role = Role.RESIDENT, verified: bool = False
) -> User:
    """Create an account. Raises EmailTaken or WeakPassword; writes nothing then."""
    email = normalise_email(registration.email)
    check_strength(registration.password, email=email)
    if registration.language not in LANGS:
        raise DomainError(_l("Choose a language."), field="language")
    if get_user_by_email(email) is not None:
        raise EmailTaken(
            _l(
                "An account with this e-mail address already exists. "
                "Sign in or reset your password."
            ),
            field="email",
        )
    user = User(
        email=email,
        display_name=registration.display_name.strip(),
        password_hash=hash_password(registration.password),
        language=registration.language,
        role=role,
        home_district_id=registration.home_district_id,
        email_verified_at=utcnow() if verified else None,
    )
    try:
        with db.session.begin_nested():  # a savepoint: a lost race rolls back only this row
            db.session.add(user)
    except sa.exc.IntegrityError as exc:  # two registrations raced for one address
        raise EmailTaken(
            _l(
                "An account with this e-mail address already exists. "
                "Sign in or reset your password."
            ),
            field="email",
        ) from exc
    return user


def register(registration: Registration) -> User | None:
    """Register, or tell the owner of an existing account; the caller answers the same.

    No account enumeration (OWASP ASVS 2.2, GOV.UK Notify's registration): for an address
    that has an account nothing is created, the same checks and one password hash are spent,
    and the owner gets an e-mail saying they already have an account, with the links to sign
    in and to reset the password. Returns the new user, or None in that case. Raises
    WeakPassword or DomainError(field="language") for either kind of address alike.
    """
    email = normalise_email(registration.email)
    check_strength(registration.password, email=email)
    existing = get_user_by_email(email)
    if existing is None:
        try:
            user = create_user(registration)
        except EmailTaken:  # a registration for the same address won the race
            return None
        send_verification(user)
        return user
    if registration.language not in LANGS:
        raise DomainError(_l("Choose a language."), field="language")
    hash_password(registration.password)  # the same cost as creating an account
    if existing.is_active:
        send_already_registered(existing)
    return None


def send_already_registered(user: User) -> None:
    mail_user(
        user,
        subject=_l("You already have an account"),
        template="accounts/already_registered",
        user=user,
        login_link=external_url("accounts.login", lang_code=user.language),
        reset_link=external_url("accounts.forgot_password", lang_code=user.language),
    )


def send_verification(user: User) -> None:
    token = tokens.make_token("verify", {"uid": user.id, "email": user.email})
    mail_user(
        user,
        subject=_l("Verify your e-mail address"),
        template="accounts/verify_email",
        user=user,
        link=external_url("accounts.verify_email", lang_code=user.language, token=token),
        hours=tokens.VERIFY_MAX_AGE // 3600,
    )


def _user_from_token(purpose: str, token: str, max_age: int) -> tuple[User, dict[str, Any]]:
    try:
        payload = tokens.read_token(purpose, token, max_age)
    except tokens.TokenExpired as exc:
        raise LinkExpired(_l("This link has expired. Ask for a new one below.")) from exc
    except tokens.TokenInvalid as exc:
        raise LinkInvalid(_l("This link is not valid. Check that you copied all of it.")) from exc
    user = db.session.get(User, payload.get("uid"))
    if user is None or not user.is_active:
        raise LinkInvalid(_l("This link is not valid. Check that you copied all of it."))
    return user, payload


def verify_email(token: str) -> tuple[User, bool]:
    """Mark the address verified; returns (user, whether this link verified it just now)."""
    user, payload = _user_from_token("verify", token, tokens.VERIFY_MAX_AGE)
    if payload.get("email") != user.email:
        raise LinkInvalid(_l("This link is not valid. Check that you copied all of it."))
    if user.email_verified_at is not None:
        return user, False
    user.email_verified_at = utcnow()
    return user, True


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process, with the same cost parameters."""
    return hash_password(secrets.token_urlsafe(24))


def authenticate(email: str, password: str) -> User:
    user = get_user_by_email(email)
    # Exactly one hash computation whatever the address, so the time taken does not tell
    # which addresses have an account: unknown ones are checked against a dummy hash.
    stored = user.password_hash if user else _dummy_hash()
    if not verify_password(stored, password) or user is None or not user.is_active:
        raise InvalidCredentials(_l("The e-mail address or password is wrong."))
    user.last_login_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no enumeration)."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = tokens.make_token(
        "reset", {"uid": user.id, "pw": tokens.fingerprint(user.password_hash)}
    )
    mail_user(
        user,
        subject=_l("Reset your password"),
        template="accounts/reset_password",
        user=user,
        link=external_url("accounts.reset_password", lang_code=user.language, token=token),
        hours=tokens.RESET_MAX_AGE // 3600,
    )


def check_reset_token(token: str) -> User:
    user, payload = _user_from_token("reset", token, tokens.RESET_MAX_AGE)
    if payload.get("pw") != tokens.fingerprint(user.password_hash):
        raise LinkInvalid(_l("This link has already been used. Ask for a new one below."))
    return user


def reset_password(token: str, new_password: str) -> User:
    user = check_reset_token(token)
    check_strength(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    # Following the link proves the person reads this mailbox.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise WrongPassword(_l("Your current password is wrong."), field="current_password")
    check_strength(new, email=user.email)
    user.password_hash = hash_password(new)


def update_profile(
    user: User, *, display_name: str, language: str, home_district_id: int | None
) -> None:
    if language not in LANGS:
        raise DomainError(_l("Choose a language."), field="language")
    user.display_name = display_name.strip()
    user.language = language
    user.home_district_id = home_district_id


def export_data(user: User) -> dict[str, Any]:
    """What the platform holds about the person (GDPR art. 15 and 20)."""
    account: dict[str, Any] = {
        "display_name": user.display_name,
        "email": user.email,
        "language": user.language,
        "role": user.role.value,
        "home_district": user.home_district.slug if user.home_district else None,
        "created_at": user.created_at.isoformat(),
        "email_verified_at": _iso(user.email_verified_at),
        "last_login_at": _iso(user.last_login_at),
    }
    identity = get_identity(user.id)
    # What is kept of a strong identification (never the number itself or the birth date).
    account["identification"] = (
        {
            "person_hash": identity.person_hash,
            "municipality_code": identity.municipality_code,
            "is_voting_age": identity.is_voting_age,
            "level_of_assurance": identity.level_of_assurance,
            "identified_at": identity.identified_at.isoformat(),
            "verified_name": identity.verified_name,
        }
        if identity is not None
        else None
    )
    return {"account": account, **export_sections(user)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def delete_account(user: User, password: str) -> None:
    """Remove personal data; the row stays so public records keep a (nameless) author."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword(_l("Your password is wrong."), field="password")
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = ""
    user.password_hash = ""
    user.home_district_id = None
    user.deleted_at = utcnow()
    unlink_identity(user)
    erase_sections(user)
