"""The base of every domain error: a message a person can read, in their language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raised by services when an operation is not allowed; views show `message`.

    `message` is a lazy string, so it is translated when shown, in the page's language.
    """

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        # The form field the error belongs to, when there is one.
        self.field = field
