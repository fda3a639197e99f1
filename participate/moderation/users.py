"""Administrators manage accounts: change a role, block and unblock. Every change is audited.

Blocking hides nothing that is already public; it stops new submissions, supports and reports
(the features check `participate.workflow.states.check_can_contribute`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participate.accounts.models import Role, User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.signals import Subject, record_change
from participate.workflow.states import NotAllowed

REASON_MAX = 2000


class InvalidAccountChange(DomainError):
    pass


def _subject(user: User) -> Subject:
    """The account as the audit log names it: "Name <address>"."""
    return Subject("user", user.id, f"{user.display_name} <{user.email}>")


def _check_reason(reason: str, *, required: bool, field: str) -> str:
    reason = reason.strip()
    if required and not reason:
        raise InvalidAccountChange(_l("Write a reason. It is kept in the audit log."), field=field)
    if len(reason) > REASON_MAX:
        raise InvalidAccountChange(
            _l("Use at most %(count)s characters.", count=REASON_MAX), field=field
        )
    return reason


def change_role(user: User, role: Role, *, actor: User, reason: str = "") -> None:
    if not actor.is_admin:
        raise NotAllowed()
    if user.deleted_at is not None:
        raise NotAllowed()
    if user.id == actor.id and role != Role.ADMIN:
        raise InvalidAccountChange(
            _l("You cannot remove your own administrator role. Ask another administrator."),
            field="role",
        )
    if user.role == role:
        raise InvalidAccountChange(_l("The account already has this role."), field="role")
    reason = _check_reason(reason, required=False, field="role_reason")
    before = user.role
    user.role = role
    db.session.flush()
    record_change(
        _subject(user),
        "role",
        actor=actor,
        reason=reason,
        before={"role": before.value},
        after={"role": role.value},
    )


def block_user(user: User, *, actor: User, reason: str) -> None:
    """Block the account: a reason is required, and no one blocks their own account."""
    _set_blocked(user, True, actor=actor, reason=reason)


def unblock_user(user: User, *, actor: User, reason: str = "") -> None:
    _set_blocked(user, False, actor=actor, reason=reason)


def _set_blocked(user: User, blocked: bool, *, actor: User, reason: str) -> None:
    if not actor.is_admin or user.deleted_at is not None:
        raise NotAllowed()
    if blocked and user.id == actor.id:
        raise InvalidAccountChange(_l("You cannot block your own account."))
    if user.is_blocked == blocked:
        raise InvalidAccountChange(
            _l("The account is already blocked.") if blocked else _l("The account is not blocked.")
        )
    reason = _check_reason(reason, required=blocked, field="block_reason")
    user.blocked_at = utcnow() if blocked else None
    db.session.flush()
    record_change(
        _subject(user),
        "block" if blocked else "unblock",
        actor=actor,
        reason=reason,
        before={"blocked": not blocked},
        after={"blocked": blocked},
    )
