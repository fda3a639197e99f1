"""Identification requests: start one, accept the identity provider's answer, finish.

Flow (docs/identification.md):
1. `start` (a signed-in person on /<lang>/account/identify) stores an
   IdentificationRequest and returns the identity provider's URL.
2. `accept` (/saml/acs, POSTed cross-site by the identity provider) verifies the signed
   assertion with pysaml2, refuses anything unsolicited, expired, tampered or replayed, and
   stores what is kept of the identity in the request (never the number).
3. `finish` (/<lang>/account/identify/done, back on our site with the session cookie)
   links the identity to the account that started, and only to it.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from participate.accounts.identity import (
    IdentifiedPerson,
    IdentityFields,
    InvalidIdentity,
    describe,
    link_identity,
)
from participate.accounts.models import Identity, User
from participate.config import Settings
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import TIMEZONE
from participate.identification import saml
from participate.identification.models import IdentificationRequest

log = logging.getLogger(__name__)

# An identification not finished within this time must be started again.
REQUEST_MAX_AGE = timedelta(minutes=15)
# Unfinished requests are deleted after this (they hold no national identification number).
PURGE_AFTER = timedelta(days=1)


def today_in_helsinki() -> date:
    """The day on which voting age is judged (Europe/Helsinki)."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


class IdentificationFailed(DomainError):
    """The identity provider's answer cannot be used; `lang` is the page's language."""

    def __init__(self, message: Any, lang: str = "fi") -> None:
        super().__init__(message)
        self.lang = lang


def _failed(lang: str) -> IdentificationFailed:
    return IdentificationFailed(
        _l(
            "The identification could not be checked, so it was not used. "
            "It may have expired or been changed on the way. Please identify yourself again."
        ),
        lang,
    )


def _replayed(lang: str) -> IdentificationFailed:
    return IdentificationFailed(
        _l(
            "This identification has already been used or it has expired. "
            "Please identify yourself again."
        ),
        lang,
    )


def start(user: User, *, lang: str, return_to: str, show_name: bool) -> str:
    """Store a new request for `user`; returns the identity provider's URL to redirect to."""
    db.session.execute(
        sa.delete(IdentificationRequest).where(
            IdentificationRequest.created_at < utcnow() - PURGE_AFTER
        )
    )
    request_id, location = saml.authn_request(lang, relay_state=lang)
    db.session.add(
        IdentificationRequest(
            id=request_id, user_id=user.id, lang=lang, return_to=return_to, show_name=show_name
        )
    )
    db.session.flush()
    return location


class _Waiting(Mapping[str, str]):
    """pysaml2's "outstanding queries", looked up in the database instead of a dict."""

    def _row(self, key: object) -> IdentificationRequest | None:
        if not isinstance(key, str) or len(key) > 100:
            return None
        row = db.session.get(IdentificationRequest, key)
        if row is None or row.answered_at is not None:
            return None
        return row

    def __contains__(self, key: object) -> bool:
        return self._row(key) is not None

    def __getitem__(self, key: str) -> str:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        return row.return_to

    def __iter__(self) -> Iterator[str]:
        return iter(())  # only used for logging

    def __len__(self) -> int:
        return 1  # pysaml2 tests truthiness before looking anything up


def _attributes(response: Any) -> dict[str, str]:
    """The first value of each attribute, by its name as sent (no friendly-name mapping)."""
    values: dict[str, str] = {}
    for statement in response.assertion.attribute_statement or ():
        for attribute in statement.attribute:
            texts = [value.text for value in attribute.attribute_value if value.text]
            if texts and attribute.name not in values:
                values[attribute.name] = texts[0].strip()
    return values


def _level_of_assurance(response: Any) -> str:
    for statement in response.assertion.authn_statement or ():
        context = statement.authn_context
        if context is not None and context.authn_context_class_ref is not None:
            return str(context.authn_context_class_ref.text or "").strip()
    return ""


def accept(saml_response: str, relay_state: str) -> IdentificationRequest:
    """Verify the identity provider's POSTed answer and store what is kept of it.

    Raises IdentificationFailed (in the language of the page that started, when known) for
    a response that is unsigned, tampered, for another service, unsolicited, expired,
    replayed, or without a valid personal identity code.
    """
    from saml2 import BINDING_HTTP_POST  # pysaml2 only where used (saml.py)

    settings: Settings = current_app.config["SETTINGS"]
    lang = relay_state if relay_state in ("fi", "sv", "en") else "fi"
    try:
        response = saml.client().parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=_Waiting()
        )
    except Exception as exc:  # pysaml2 raises many unrelated types for a bad response
        log.warning("SAML response refused: %s: %s", type(exc).__name__, exc)
        waiting = _unverified_request(saml_response)
        if waiting is not None and waiting.answered_at is not None:
            raise _replayed(waiting.lang) from exc
        raise _failed(waiting.lang if waiting else lang) from exc
    if response is None or response.assertion is None:
        raise _failed(lang)
    row = db.session.get(IdentificationRequest, response.in_response_to)
    if row is None:
        raise _replayed(lang)
    if row.created_at < utcnow() - REQUEST_MAX_AGE:
        raise _replayed(row.lang)
    attributes = _attributes(response)
    person = IdentifiedPerson(
        national_id=attributes.get(settings.saml_attr_national_id, ""),
        municipality_code=attributes.get(settings.saml_attr_municipality, ""),
        level_of_assurance=_level_of_assurance(response),
        given_name=attributes.get(settings.saml_attr_given_name, ""),
        surname=attributes.get(settings.saml_attr_surname, ""),
    )
    try:
        fields = describe(person, show_name=row.show_name, today=today_in_helsinki())
    except InvalidIdentity as exc:
        raise IdentificationFailed(exc.message, row.lang) from exc
    session_index = ""
    for statement in response.assertion.authn_statement or ():
        session_index = statement.session_index or ""
    result = {
        **fields.as_dict(),
        "name_id": str(response.assertion.subject.name_id),
        "session_index": session_index,
    }
    # One answer per request, also when two arrive at once: the second is a replay.
    updated = db.session.execute(
        sa.update(IdentificationRequest)
        .where(IdentificationRequest.id == row.id, IdentificationRequest.answered_at.is_(None))
        .values(answered_at=utcnow(), result=result)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]
        raise _replayed(row.lang)
    db.session.refresh(row)
    return row


def _unverified_request(saml_response: str) -> IdentificationRequest | None:
    """The request a refused response claims to answer, only to choose the error's language."""
    try:
        text = base64.b64decode(saml_response, validate=False)[:20_000].decode("utf-8", "ignore")
    except ValueError:
        return None
    match = re.search(r'InResponseTo="([^"]{1,100})"', text)
    return db.session.get(IdentificationRequest, match.group(1)) if match else None


def finish(user: User, request_id: str) -> tuple[Identity, IdentificationRequest]:
    """Link the answered request's identity to `user`, who must be the one who started it.

    Returns the identity and the request (its `return_to`, `lang` and SAML session for
    single logout); the request row is deleted.
    """
    row = db.session.get(IdentificationRequest, request_id[:100])
    if (
        row is None
        or row.user_id != user.id
        or row.answered_at is None
        or row.result is None
        or row.answered_at < utcnow() - REQUEST_MAX_AGE
    ):
        raise _replayed(row.lang if row is not None else "fi")
    identity = link_identity(user, IdentityFields.from_dict(row.result))
    if identity.verified_name:  # the person chose to show the name from the identification
        user.display_name = identity.verified_name[:80]
    db.session.delete(row)
    db.session.flush()
    return identity, row
