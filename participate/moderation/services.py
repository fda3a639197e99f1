"""Moderator decisions, bulk decisions and corrections by the development manager.

One mechanism for initiatives, activity proposals and anything else that mixes in
`ModeratedMixin`. Each operation changes what it changes, writes its audit entry and queues
the author's e-mail, all in the caller's transaction (services flush, never commit).
Residents' reports are in `reports.py` (a decision to hide or restore closes them here,
`close_open_reports`), standard reasons in `reasons.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.mail.services import mail_user
from participate.moderation.editing import EDITORS
from participate.moderation.models import (
    Report,
    ReportOutcome,
    StandardReason,
)
from participate.moderation.queries import QUEUE_KINDS
from participate.signals import Subject, record_change
from participate.urls import external_url
from participate.workflow.models import ModeratedMixin, Transition
from participate.workflow.services import apply_action
from participate.workflow.states import (
    Action,
    NotAllowed,
    ReasonRequired,
    Status,
)

# Every kind's e-mail subjects, as each kind declares them in its lifecycle.py (an overview
# for the e-mail template tests; the desk itself asks `item.lifecycle`).
DECISION_SUBJECTS: dict[tuple[str, Action], Any] = {
    (model.moderation_kind, action): subject
    for model in QUEUE_KINDS
    for action, subject in model.lifecycle.decision_subjects.items()
}
# A decision on a reported item closes its open reports with this outcome.
REPORT_OUTCOMES = {Action.HIDE: ReportOutcome.HIDDEN, Action.UNHIDE: ReportOutcome.RESTORED}
# Decisions the queue can take on several submissions at once.
BULK_ACTIONS = (Action.APPROVE, Action.REJECT)


def _author(item: ModeratedMixin) -> User | None:
    """The author, also when the caller loaded the item without it (`author` is lazy="raise")."""
    if "author" not in sa.inspect(item).unloaded:
        return item.author
    return db.session.get(User, item.author_id) if item.author_id else None


def author_language(item: ModeratedMixin) -> str:
    author = _author(item)
    return author.language if author is not None else "fi"


def item_id(item: Any) -> int:
    return int(item.id)


# Decisions ------------------------------------------------------------------------------


def decide(
    item: ModeratedMixin,
    action: Action,
    *,
    actor: User | None,
    reason: str = "",
    reasons: Sequence[StandardReason] = (),
    notify_author: bool = True,
    details: Mapping[str, Any] | None = None,
) -> Transition:
    """Take a moderator decision (`actor=None`: the system, e.g. hiding after reports).

    `reasons` are standard reasons: their text in the *author's* language, then the free
    text `reason`, make the reason the author reads (in the e-mail and the item's history).
    `details` are added to the audit entry's "after" (e.g. the city's answer), so a decision
    that carries more than a status change is still one entry.
    """
    if actor is not None and not actor.is_moderator:
        raise NotAllowed()
    lang = author_language(item) if reasons else "fi"
    standard_texts = [standard.text(lang).text for standard in reasons]
    note = reason.strip()
    full_reason = "\n".join([*standard_texts, note] if note else standard_texts)
    before = item.status
    transition = apply_action(item, action, actor=actor, reason=full_reason)
    after: dict[str, Any] = {"status": transition.to_status.value, **(details or {})}
    if reasons:
        after["standard_reasons"] = [standard.id for standard in reasons]
    record_change(
        Subject.of(item),
        action.value,
        actor=actor,
        reason=transition.reason,
        before={"status": before.value},
        after=after,
    )
    if actor is not None and action in REPORT_OUTCOMES:
        close_open_reports(item, actor=actor, outcome=REPORT_OUTCOMES[action], reasons=reasons)
    if notify_author and item.lifecycle.decision_subject(action) is not None:
        notify(item, action, note, standard_reasons=standard_texts)
    # What else the decision sets off for this kind (an initiative's followers hear of it).
    item.lifecycle.after_decision(item, action, reasons)
    return transition


def notify(
    item: ModeratedMixin,
    action: Action,
    reason: str,
    *,
    standard_reasons: Sequence[str] = (),
    automatic: bool = False,
) -> None:
    """Tell the author about a decision, in the author's language."""
    author = _author(item)
    if author is None or not author.is_active:
        return
    endpoint, values = item.moderation_link()
    mail_user(
        author,
        subject=item.lifecycle.decision_subject(action),
        template="moderation/decision",
        author=author,
        action=action.value,
        kind=item.moderation_kind,
        title=item.moderation_title(),
        reason=reason,
        standard_reasons=list(standard_reasons),
        automatic=automatic,
        link=external_url(endpoint, lang_code=author.language, **values),
    )


@dataclass
class BulkResult:
    done: list[tuple[str, ModeratedMixin]] = field(default_factory=list)
    # (kind, item, why it was left as it was)
    skipped: list[tuple[str, ModeratedMixin, str]] = field(default_factory=list)


class InvalidBulkDecision(DomainError):
    pass


def decide_many(
    items: Sequence[tuple[str, ModeratedMixin]],
    action: Action,
    *,
    actor: User,
    reason: str = "",
    reasons: Sequence[StandardReason] = (),
) -> BulkResult:
    """The same decision on several submissions (approve, or reject with a standard reason).

    Each item gets its own transition, audit entry and e-mail; an item that can no longer
    take the decision (someone else decided it meanwhile) is skipped and named, the others
    go through. One more audit entry records the bulk action itself.
    """
    if not actor.is_moderator:
        raise NotAllowed()
    if action not in BULK_ACTIONS:
        raise InvalidBulkDecision(_l("Choose approve or reject."), field="action")
    if not items:
        raise InvalidBulkDecision(_l("Choose at least one submission from the list."))
    if action == Action.REJECT and not reasons:
        raise InvalidBulkDecision(
            _l("Choose a standard reason. The authors see it in their own language."),
            field="reasons",
        )
    result = BulkResult()
    for kind, item in items:
        try:
            # A savepoint per item: a refused item leaves no trace, the others stay.
            with db.session.begin_nested():
                decide(item, action, actor=actor, reason=reason, reasons=reasons)
        except DomainError as error:
            result.skipped.append((kind, item, str(error.message)))
        else:
            result.done.append((kind, item))
    if result.done:
        titles = ", ".join(item.moderation_title() for _kind, item in result.done)
        record_change(
            Subject("bulk", None, titles),
            action.value,
            actor=actor,
            reason=reason.strip(),
            after={
                "items": [{"kind": kind, "id": item_id(item)} for kind, item in result.done],
                "skipped": [
                    {"kind": kind, "id": item_id(item)} for kind, item, _ in result.skipped
                ],
                "standard_reasons": [standard.id for standard in reasons],
            },
        )
    return result


# Corrections by the development manager ------------------------------------------------


# What the author reads for each corrected field (the edit forms' own labels).
FIELD_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "body": _l("Text"),
    "place": _l("Place"),
    "organiser_contact": _l("Contact"),
    "title_fi": _l("Title in Finnish"),
    "title_sv": _l("Title in Swedish"),
    "title_en": _l("Title in English"),
    "description_fi": _l("Description in Finnish"),
    "description_sv": _l("Description in Swedish"),
    "description_en": _l("Description in English"),
    "accessibility_fi": _l("Accessibility in Finnish"),
    "accessibility_sv": _l("Accessibility in Swedish"),
    "accessibility_en": _l("Accessibility in English"),
}


class NothingChanged(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("Nothing was changed. Correct the text, then save."))


def edit_item(
    kind: str,
    item: ModeratedMixin,
    values: Mapping[str, str],
    *,
    actor: User,
    reason: str,
) -> dict[str, tuple[str, str]]:
    """Correct an item's text (e.g. remove a phone number). The original stays in the audit
    entry ("before"), the page says it was edited by the moderator, and the author is told.
    """
    if not actor.is_moderator or kind not in EDITORS or item.status == Status.DRAFT:
        raise NotAllowed()
    note = reason.strip()
    if not note:
        raise ReasonRequired()
    changes = EDITORS[kind].apply(item, dict(values), actor)
    if not changes:
        raise NothingChanged()
    record_change(
        Subject.of(item),
        "edit",
        actor=actor,
        reason=note,
        before={name: old for name, (old, _new) in changes.items()},
        after={name: new for name, (_old, new) in changes.items()},
    )
    author = _author(item)
    if author is not None and author.is_active and author.id != actor.id:
        endpoint, link_values = item.moderation_link()
        mail_user(
            author,
            subject=_l("The city's development manager edited your text"),
            template="moderation/edited",
            author=author,
            title=item.moderation_title(),
            reason=note,
            # (label, text now) per corrected field: the author sees exactly what changed.
            changes=[(FIELD_LABELS.get(name, name), new) for name, (_old, new) in changes.items()],
            link=external_url(endpoint, lang_code=author.language, **link_values),
        )
    return changes


# Closing residents' reports (a decision closes them; so does the desk without one) -------


def close_open_reports(
    item: ModeratedMixin,
    *,
    actor: User,
    outcome: ReportOutcome,
    reasons: Sequence[StandardReason] = (),
) -> int:
    """Close the item's open reports with `outcome` and tell each reporter what was decided,
    in their language, with the standard reasons of the decision (if any)."""
    open_reports = (
        Report.item_kind == item.moderation_kind,
        Report.item_id == item_id(item),
        Report.resolved_at.is_(None),
    )
    reporters = list(
        db.session.scalars(
            sa.select(User)
            .join(Report, Report.reporter_id == User.id)
            .where(*open_reports)
            .order_by(Report.id)
        )
    )
    result = db.session.execute(
        sa.update(Report)
        .where(*open_reports)
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    endpoint, values = item.moderation_link()
    for reporter in reporters:
        if not reporter.is_active:
            continue
        mail_user(
            reporter,
            subject=_l("Your report has been checked"),
            template="moderation/report_outcome",
            user=reporter,
            outcome=outcome.value,
            title=item.moderation_title(),
            standard_reasons=[standard.text(reporter.language).text for standard in reasons],
            link=external_url(endpoint, lang_code=reporter.language, **values)
            if item.is_public
            else None,
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
