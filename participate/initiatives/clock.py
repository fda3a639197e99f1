"""Filing with the city and the council's statutory clock (Local Government Act 410/2015 s. 23).

When at least 2 % of the municipality's residents entitled to vote are among an initiative's
makers, the council must take the matter up at the latest six months after the initiative
was filed with the municipality ("tuli vireille"). Here: identified residents' supports
reached the threshold (`threshold_reached_at`) and the initiative was filed (`filed_at`), so
the deadline is the filing day in Europe/Helsinki plus six calendar months. Recording the
council's decision (`council_decision_at`, with the minutes link) stops the clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from participate.accounts.models import User
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import TIMEZONE
from participate.initiatives import follows
from participate.initiatives.lifecycle import PUBLIC
from participate.initiatives.models import MINUTES_URL_MAX, Initiative, Support
from participate.mail.services import mail_user, queue_email
from participate.urls import external_url
from participate.workflow.states import NotAllowed

COUNCIL_MONTHS = 6  # Local Government Act 410/2015, section 23
DUE_SOON_DAYS = 30


class FilingError(DomainError):
    pass


class InvalidCouncilDecision(DomainError):
    pass


def helsinki_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(TIMEZONE)).date()


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6: end of February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def council_deadline(initiative: Initiative) -> date | None:
    """The last day the council may take the initiative up, or None when no clock runs.

    The clock runs once the initiative is both filed and past the threshold.
    """
    if initiative.filed_at is None or initiative.threshold_reached_at is None:
        return None
    return add_months(helsinki_date(initiative.filed_at), COUNCIL_MONTHS)


@dataclass(frozen=True)
class ClockState:
    deadline: date
    days_left: int  # negative: overdue by that many days
    decided_on: date | None

    @property
    def is_overdue(self) -> bool:
        return self.decided_on is None and self.days_left < 0

    @property
    def is_due_soon(self) -> bool:
        return self.decided_on is None and 0 <= self.days_left <= DUE_SOON_DAYS

    @property
    def was_met(self) -> bool | None:
        """Whether the council took it up in time (None while undecided and not overdue)."""
        if self.decided_on is not None:
            return self.decided_on <= self.deadline
        return False if self.days_left < 0 else None


def clock_state(initiative: Initiative, *, on: date | None = None) -> ClockState | None:
    deadline = council_deadline(initiative)
    if deadline is None:
        return None
    return ClockState(
        deadline=deadline,
        days_left=(deadline - (on or today())).days,
        decided_on=initiative.council_decision_at,
    )


def can_file(initiative: Initiative, user: User | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and initiative.filed_at is None
        and initiative.status in PUBLIC
        and (user.id == initiative.author_id or user.is_moderator)
    )


def file_with_city(initiative: Initiative, *, actor: User) -> None:
    """File the initiative with the city's registry (REGISTRY_EMAIL) through the outbox.

    The author files it, or a moderator on the author's behalf. The message is in the
    initiative's language and carries its text, both support counts and a link.
    """
    settings = current_app.config["SETTINGS"]
    if not (actor.id == initiative.author_id or actor.is_moderator):
        raise NotAllowed()
    if initiative.status not in PUBLIC:
        raise FilingError(_l("Only a published initiative can be filed with the city."))
    if initiative.filed_at is not None:
        raise FilingError(_l("This initiative has already been filed with the city."))
    if not settings.registry_email:
        raise FilingError(_l("Filing with the city is not in use in this service."))
    filed = db.session.execute(
        sa.update(Initiative)
        .where(Initiative.id == initiative.id, Initiative.filed_at.is_(None))
        .values(filed_at=utcnow(), filed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if filed.rowcount != 1:  # type: ignore[attr-defined]
        raise FilingError(_l("This initiative has already been filed with the city."))
    # The same object, reloaded with the filing and the author (the message names them).
    db.session.scalars(
        sa.select(Initiative)
        .where(Initiative.id == initiative.id)
        .options(joinedload(Initiative.author))
        .execution_options(populate_existing=True)
    ).one()
    queue_email(
        to=settings.registry_email,
        language=initiative.language,
        subject=_l("Resident initiative filed: %(title)s", title=initiative.title),
        template="initiatives/filed",
        initiative=initiative,
        author=initiative.public_author(),
        on_behalf=actor.id != initiative.author_id,
        residents=initiative.resident_support_count,
        other=initiative.other_support_count,
        threshold=int(settings.initiative_threshold),
        link=external_url(
            "initiatives.detail", lang_code=initiative.language, initiative_id=initiative.id
        ),
    )
    follows.notify_followers(initiative, "filed")


def record_council_decision(
    initiative: Initiative, *, decided_on: date | None, minutes_url: str, actor: User
) -> int:
    """The council took the initiative up on `decided_on`: stop the clock, tell people.

    Returns how many were e-mailed (the author and every supporter, each in their language).
    """
    if not actor.is_moderator:
        raise NotAllowed()
    if council_deadline(initiative) is None:
        raise InvalidCouncilDecision(
            _l("The clock runs only for filed initiatives that reached the threshold.")
        )
    if initiative.council_decision_at is not None:
        raise InvalidCouncilDecision(_l("The council's decision is already recorded."))
    if decided_on is None:
        raise InvalidCouncilDecision(_l("Give the date of the decision."), field="decided_on")
    if decided_on > today():
        raise InvalidCouncilDecision(
            _l("The date of the decision cannot be in the future."), field="decided_on"
        )
    if initiative.filed_at is not None and decided_on < helsinki_date(initiative.filed_at):
        raise InvalidCouncilDecision(
            _l("The council cannot have decided before the initiative was filed."),
            field="decided_on",
        )
    url = minutes_url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > MINUTES_URL_MAX:
        raise InvalidCouncilDecision(
            _l("Give the web address of the minutes, starting with https://."),
            field="minutes_url",
        )
    initiative.council_decision_at = decided_on
    initiative.council_minutes_url = url
    db.session.flush()
    recipients = list(
        db.session.scalars(
            sa.select(User)
            .where(
                sa.or_(
                    User.id == initiative.author_id,
                    User.id.in_(
                        sa.select(Support.user_id).where(Support.initiative_id == initiative.id)
                    ),
                ),
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
    )
    for user in recipients:
        mail_user(
            user,
            subject=_l("The city council has taken up an initiative"),
            template="initiatives/council_decision",
            user=user,
            is_author=user.id == initiative.author_id,
            title=initiative.title,
            decided_on=decided_on,
            minutes_url=url,
            link=external_url(
                "initiatives.detail", lang_code=user.language, initiative_id=initiative.id
            ),
        )
    # Followers who are not the author or a supporter (those were told above).
    return len(recipients) + follows.notify_followers(
        initiative, "council_decision", exclude_ids={user.id for user in recipients}
    )


def list_on_clock(*, limit: int = 500) -> list[Initiative]:
    """Filed initiatives past the threshold without a council decision, earliest deadline first.

    The deadline is filed_at + 6 months, so ordering by filed_at orders by deadline.
    """
    query = (
        sa.select(Initiative)
        .where(
            Initiative.filed_at.is_not(None),
            Initiative.threshold_reached_at.is_not(None),
            Initiative.council_decision_at.is_(None),
        )
        .order_by(Initiative.filed_at, Initiative.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
