"""Signed unsubscribe tokens: they work without signing in and do not expire.

RFC 8058 one-click unsubscribe must work from the mail client with no session, for as long
as the e-mail may be read, so the token is signed (itsdangerous, SECRET_KEY, its own salt)
rather than stored, and carries no expiry. It names the person and the kind of e-mail only;
changing the secret key invalidates every token.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from participate.notifications.kinds import ALL_KINDS, EVENT_KINDS

SALT = "participate.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str  # a key of EVENT_KINDS, or ALL_KINDS


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, kind: str) -> str:
    return str(_serializer().dumps([user_id, kind]))


def read_token(token: str) -> Unsubscribe | None:
    """The token's content, or None when it is forged, damaged or names no known kind."""
    if not token or len(token) > 300:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or payload[1] not in {*EVENT_KINDS, ALL_KINDS}
    ):
        return None
    return Unsubscribe(payload[0], payload[1])
