"""Password rules and hashing (scrypt, salted, through Werkzeug)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from participate.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 128  # hashing a megabyte "password" would be a cheap denial of service

# Among the most common passwords in leaked lists, Finnish and Swedish ones included.
COMMON = frozenset(
    [
        "1234567890",
        "12345678910",
        "0123456789",
        "qwertyuiop",
        "qwertyuiop1",
        "password12",
        "password123",
        "salasana12",
        "salasana123",
        "salasana1234",
        "lösenord12",
        "lösenord123",
        "losenord123",
        "qwerty1234",
        "iloveyou12",
        "1q2w3e4r5t",
        "espoo12345",
        "espoo2026",
        "esbo123456",
        "participate",
    ]
)


class WeakPassword(DomainError):
    pass


def check_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            _l("Use at least %(count)s characters in your password.", count=MIN_LENGTH),
            field="password",
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            _l("Use at most %(count)s characters in your password.", count=MAX_LENGTH),
            field="password",
        )
    lowered = password.lower()
    if (
        lowered in COMMON
        or len(set(password)) < 4
        or (email and lowered == email.lower())
        or (email and email.split("@")[0].lower() in lowered and len(email.split("@")[0]) > 3)
    ):
        raise WeakPassword(
            _l("This password is too easy to guess. Choose a longer or less common one."),
            field="password",
        )


# Werkzeug's scrypt at its default cost (N=2**15, r=8, p=1: about 0.1 s of CPU and 32 MB a
# hash). The test suite lowers it (tests/conftest.py); verifying reads the cost from the hash.
HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash or len(password) > MAX_LENGTH:
        return False
    return check_password_hash(password_hash, password)
