"""Role checks for views: `@role_required(Role.MODERATOR)`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from participate.accounts.models import Role

F = TypeVar("F", bound=Callable[..., Any])


def role_required(role: Role) -> Callable[[F], F]:
    """Anonymous people are sent to sign in; signed-in people without the role get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # read by the route tests
        return login_required(wrapped)

    return decorator
