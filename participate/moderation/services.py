"""Moderator decisions, bulk decisions, corrections, residents' reports and standard reasons.

One mechanism for initiatives, activity proposals and anything else that mixes in
`ModeratedMixin`. Each operation changes what it changes, writes its audit entry and queues
the author's e-mail, all in the caller's transaction (services flush, never commit).

Size: over 400 lines because every desk operation (decisions, corrections, residents' reports,
standard reasons) writes its audit entry and queues the author's e-mail through the same
helpers here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.locking import lock_row
from participate.mail.services import mail_user
from participate.moderation import audit
from participate.moderation.editing import EDITORS
from participate.moderation.models import (
    REASON_TEXT_MAX,
    REPORT_DETAILS_MAX,
    Report,
    ReportOutcome,
    ReportReason,
    StandardReason,
)
from participate.moderation.queries import QUEUE_KINDS, count_open_reports
from participate.urls import external_url
from participate.workflow.models import ModeratedMixin, Transition
from participate.workflow.services import apply_action
from participate.workflow.states import (
    Action,
    NotAllowed,
    ReasonRequired,
    Status,
    check_can_contribute,
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


def _author_language(item: ModeratedMixin) -> str:
    author = _author(item)
    return author.language if author is not None else "fi"


def _title(item: ModeratedMixin) -> str:
    return item.moderation_title()


def _id(item: Any) -> int:
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
    lang = _author_language(item) if reasons else "fi"
    standard_texts = [standard.text(lang).text for standard in reasons]
    note = reason.strip()
    full_reason = "\n".join([*standard_texts, note] if note else standard_texts)
    before = item.status
    transition = apply_action(item, action, actor=actor, reason=full_reason)
    after: dict[str, Any] = {"status": transition.to_status.value, **(details or {})}
    if reasons:
        after["standard_reasons"] = [standard.id for standard in reasons]
    audit.record(
        actor=actor,
        action=f"{item.moderation_kind}.{action.value}",
        object_kind=item.moderation_kind,
        object_id=_id(item),
        object_title=_title(item),
        reason=transition.reason,
        before={"status": before.value},
        after=after,
    )
    if actor is not None and action in REPORT_OUTCOMES:
        _close_open_reports(item, actor=actor, outcome=REPORT_OUTCOMES[action], reasons=reasons)
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
        title=_title(item),
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
        audit.record(
            actor=actor,
            action=f"bulk.{action.value}",
            object_kind="bulk",
            object_id=None,
            object_title=", ".join(_title(item) for _kind, item in result.done),
            reason=reason.strip(),
            after={
                "items": [{"kind": kind, "id": _id(item)} for kind, item in result.done],
                "skipped": [{"kind": kind, "id": _id(item)} for kind, item, _ in result.skipped],
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
    audit.record(
        actor=actor,
        action=f"{kind}.edit",
        object_kind=kind,
        object_id=_id(item),
        object_title=_title(item),
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
            title=_title(item),
            reason=note,
            # (label, text now) per corrected field: the author sees exactly what changed.
            changes=[(FIELD_LABELS.get(name, name), new) for name, (_old, new) in changes.items()],
            link=external_url(endpoint, lang_code=author.language, **link_values),
        )
    return changes


# Residents' reports --------------------------------------------------------------------


class InvalidReport(DomainError):
    pass


class AlreadyReported(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You have already reported this. Thank you!"))


@dataclass(frozen=True)
class ReportResult:
    report: Report
    hidden: bool  # this report hid the item pending review


def report_item(
    item: ModeratedMixin, *, reporter: User, reason: ReportReason | None, details: str = ""
) -> ReportResult:
    """A resident reports published content: once per person per item (also when two
    requests race: the unique constraint decides). Enough open reports
    (`Settings.reports_to_hide`) hide the item until the development manager has checked it.
    """
    check_can_contribute(reporter)
    if not reporter.is_verified:
        raise InvalidReport(
            _l("Verify your e-mail address first: open the link we sent you. Then you can report.")
        )
    if not item.is_public:
        raise NotAllowed()
    if item.author_id == reporter.id:
        raise InvalidReport(_l("You cannot report your own text."))
    if reason is None:
        raise InvalidReport(_l("Choose what is wrong."), field="reason")
    details = details.strip()
    if reason == ReportReason.OTHER and not details:
        raise InvalidReport(_l("Tell us what is wrong."), field="details")
    if len(details) > REPORT_DETAILS_MAX:
        raise InvalidReport(
            _l("Use at most %(count)s characters.", count=REPORT_DETAILS_MAX), field="details"
        )
    kind = item.moderation_kind
    report = Report(
        item_kind=kind, item_id=_id(item), reporter_id=reporter.id, reason=reason, details=details
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except sa.exc.IntegrityError as exc:
        raise AlreadyReported() from exc
    audit.record(
        actor=reporter,
        action=f"{kind}.report",
        object_kind=kind,
        object_id=_id(item),
        object_title=_title(item),
        reason=details,
        after={"report_reason": reason.value},
    )
    return ReportResult(report, _hide_if_reported_enough(item))


def _hide_if_reported_enough(item: ModeratedMixin) -> bool:
    limit = int(current_app.config["SETTINGS"].reports_to_hide)
    if limit < 1:  # 0 switches automatic hiding off
        return False
    # Two reports at the same moment: the second sees the first one's hiding.
    lock_row(item)
    if not item.workflow.can(item.status, Action.HIDE):
        return False
    count = count_open_reports(item.moderation_kind, _id(item))
    if count < limit:
        return False
    with force_locale(_author_language(item)):
        reason = ngettext(
            "Hidden automatically after %(num)s report from residents, until the city's "
            "development manager has checked it.",
            "Hidden automatically after %(num)s reports from residents, until the city's "
            "development manager has checked it.",
            count,
        )
    decide(
        item,
        Action.HIDE,
        actor=None,
        reason=reason,
        notify_author=False,
        details={"reports": count},
    )
    notify(item, Action.HIDE, "", automatic=True)
    return True


def _close_open_reports(
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
        Report.item_id == _id(item),
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
            title=_title(item),
            standard_reasons=[standard.text(reporter.language).text for standard in reasons],
            link=external_url(endpoint, lang_code=reporter.language, **values)
            if item.is_public
            else None,
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class NoOpenReports(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("There are no open reports on this."))


def close_reports(item: ModeratedMixin, *, actor: User, note: str = "") -> ReportOutcome:
    """The reports are handled without changing the status: a published item stays public
    (the reports were unfounded), a hidden one stays hidden."""
    if not actor.is_moderator:
        raise NotAllowed()
    outcome = ReportOutcome.KEPT if item.is_public else ReportOutcome.HIDDEN
    closed = _close_open_reports(item, actor=actor, outcome=outcome)
    if not closed:
        raise NoOpenReports()
    audit.record(
        actor=actor,
        action=f"{item.moderation_kind}.reports_closed",
        object_kind=item.moderation_kind,
        object_id=_id(item),
        object_title=_title(item),
        reason=note.strip(),
        after={"status": item.status.value, "outcome": outcome.value, "reports": closed},
    )
    return outcome


# Standard reasons ---------------------------------------------------------------------


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
    audit.record(
        actor=actor,
        action="reason.create" if before is None else "reason.update",
        object_kind="reason",
        object_id=reason.id,
        object_title=reason.text(actor.language).text,
        before=before,
        after=_reason_values(reason),
    )
    return reason


def delete_reason(reason: StandardReason, *, actor: User) -> None:
    """Past decisions keep their text (it is in the transitions and the audit log)."""
    if not actor.is_moderator:
        raise NotAllowed()
    audit.record(
        actor=actor,
        action="reason.delete",
        object_kind="reason",
        object_id=reason.id,
        object_title=reason.text(actor.language).text,
        before=_reason_values(reason),
    )
    db.session.delete(reason)
    db.session.flush()
