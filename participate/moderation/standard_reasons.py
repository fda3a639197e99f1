"""Standard reasons: the development manager's list of reasons, each in Finnish, Swedish
and English, so that an author reads a decision's reason in their own language.

Every change is audited; past decisions keep their text. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.errors import DomainError
from participate.extensions import db
from participate.moderation.models import REASON_TEXT_MAX, StandardReason
from participate.signals import Subject, record_change
from participate.workflow.states import NotAllowed


class InvalidReason(DomainError):
    pass


@dataclass(frozen=True)
class ReasonData:
    text_fi: str
    text_sv: str
    text_en: str
    position: int = 0
    is_active: bool = True


def _reason_values(reason: StandardReason) -> dict[str, Any]:
    return {
        "text_fi": reason.text_fi,
        "text_sv": reason.text_sv,
        "text_en": reason.text_en,
        "position": reason.position,
        "is_active": reason.is_active,
    }


def _subject(reason: StandardReason, actor: User) -> Subject:
    """The reason as the audit log names it: its text in the moderator's language."""
    return Subject("reason", reason.id, reason.text(actor.language).text)


def save_reason(
    data: ReasonData, *, actor: User, reason: StandardReason | None = None
) -> StandardReason:
    """Add a standard reason (reason=None) or change one; every text is required, since the
    author reads it in their own language."""
    if not actor.is_moderator:
        raise NotAllowed()
    texts = {lang: getattr(data, f"text_{lang}").strip() for lang in ("fi", "sv", "en")}
    for lang, text in texts.items():
        if not text:
            raise InvalidReason(_l("Fill in this field."), field=f"text_{lang}")
        if len(text) > REASON_TEXT_MAX:
            raise InvalidReason(
                _l("Use at most %(count)s characters.", count=REASON_TEXT_MAX), field=f"text_{lang}"
            )
    if not 0 <= data.position <= 100_000:
        raise InvalidReason(_l("Enter a number from 0 to 100000."), field="position")
    before = _reason_values(reason) if reason is not None else None
    if reason is None:
        reason = StandardReason()
        db.session.add(reason)
    for lang, text in texts.items():
        setattr(reason, f"text_{lang}", text)
    reason.position = data.position
    reason.is_active = data.is_active
    db.session.flush()
    record_change(
        _subject(reason, actor),
        "create" if before is None else "update",
        actor=actor,
        before=before,
        after=_reason_values(reason),
    )
    return reason


def delete_reason(reason: StandardReason, *, actor: User) -> None:
    """Past decisions keep their text (it is in the transitions and the audit log)."""
    if not actor.is_moderator:
        raise NotAllowed()
    record_change(
        _subject(reason, actor),
        "delete",
        actor=actor,
        before=_reason_values(reason),
    )
    db.session.delete(reason)
    db.session.flush()
