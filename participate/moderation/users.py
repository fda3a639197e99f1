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
from participate.moderation import audit
from participate.workflow.states import NotAllowed

REASON_MAX = 2000


class InvalidAccountChange(DomainError):
    pass


def _title(user: User) -> str:
    return f"{user.display_name} <{user.email}>"


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
    audit.record(
        actor=actor,
        action="user.role",
        object_kind="user",
        object_id=user.id,
        object_title=_title(user),
        reason=reason,
        before={"role": before.value},
        after={"role": role.value},
    )


def block_user(user: User, *, actor: User, reason: str) -> None:
    if not actor.is_admin or user.deleted_at is not None:
        raise NotAllowed()
    if user.id == actor.id:
        raise InvalidAccountChange(_l("You cannot block your own account."))
    if user.is_blocked:
        raise InvalidAccountChange(_l("The account is already blocked."))
    reason = _check_reason(reason, required=True, field="block_reason")
    user.blocked_at = utcnow()
    db.session.flush()
    audit.record(
        actor=actor,
        action="user.block",
        object_kind="user",
        object_id=user.id,
        object_title=_title(user),
        reason=reason,
        before={"blocked": False},
        after={"blocked": True},
    )


def unblock_user(user: User, *, actor: User, reason: str = "") -> None:
    if not actor.is_admin or user.deleted_at is not None:
        raise NotAllowed()
    if not user.is_blocked:
        raise InvalidAccountChange(_l("The account is not blocked."))
    reason = _check_reason(reason, required=False, field="block_reason")
    user.blocked_at = None
    db.session.flush()
    audit.record(
        actor=actor,
        action="user.unblock",
        object_kind="user",
        object_id=user.id,
        object_title=_title(user),
        reason=reason,
        before={"blocked": True},
        after={"blocked": False},
    )
