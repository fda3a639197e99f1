"""Residents' reports: report published content once, hide it automatically after enough
reports, and close the reports when the development manager has checked them.

A decision that hides or restores a reported item closes its reports through
`services.close_open_reports` too. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.errors import DomainError
from participate.extensions import db
from participate.locking import lock_row
from participate.moderation.models import REPORT_DETAILS_MAX, Report, ReportOutcome, ReportReason
from participate.moderation.queries import count_open_reports
from participate.moderation.services import (
    author_language,
    close_open_reports,
    decide,
    item_id,
    notify,
)
from participate.signals import Subject, record_change
from participate.workflow.models import ModeratedMixin
from participate.workflow.states import Action, NotAllowed, check_can_contribute


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
        item_kind=kind,
        item_id=item_id(item),
        reporter_id=reporter.id,
        reason=reason,
        details=details,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except sa.exc.IntegrityError as exc:
        raise AlreadyReported() from exc
    record_change(
        Subject.of(item),
        "report",
        actor=reporter,
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
    count = count_open_reports(item.moderation_kind, item_id(item))
    if count < limit:
        return False
    with force_locale(author_language(item)):
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


class NoOpenReports(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("There are no open reports on this."))


def close_reports(item: ModeratedMixin, *, actor: User, note: str = "") -> ReportOutcome:
    """The reports are handled without changing the status: a published item stays public
    (the reports were unfounded), a hidden one stays hidden."""
    if not actor.is_moderator:
        raise NotAllowed()
    outcome = ReportOutcome.KEPT if item.is_public else ReportOutcome.HIDDEN
    closed = close_open_reports(item, actor=actor, outcome=outcome)
    if not closed:
        raise NoOpenReports()
    record_change(
        Subject.of(item),
        "reports_closed",
        actor=actor,
        reason=note.strip(),
        after={"status": item.status.value, "outcome": outcome.value, "reports": closed},
    )
    return outcome
