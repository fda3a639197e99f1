"""Sign-ups and capacity: sign up, cancel a sign-up, promote from the waiting list, send a
lost private link again, purge participants' personal data.

Every function flushes and never commits: the one view or CLI command that calls it commits.
E-mails (`notices.py`) become outbox rows in the same transaction, so a failed operation
mails nobody.

Capacity is never exceeded: every operation that changes who has a place first locks the
activity's row (`participate.locking.lock_row`), then counts and writes while holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from participate.activities import notices
from participate.activities.lifecycle import SignupWindow
from participate.activities.models import (
    SIGNUP_LIMITS,
    Activity,
    Signup,
    SignupStatus,
    hash_token,
    new_token,
)
from participate.activities.queries import count_taken, find_live_signup, waiting_position
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.formatting import local_datetime
from participate.i18n.locale import LANGS
from participate.locking import lock_row


class SignupNotOpen(DomainError):
    pass


class GroupTooLarge(DomainError):
    pass


class AlreadySignedUp(DomainError):
    pass


class SignupAlreadyCancelled(DomainError):
    pass


class CannotCancelNow(DomainError):
    pass


@dataclass(frozen=True)
class SignupRequest:
    name: str
    email: str
    people: int
    language: str
    phone: str = ""
    accessibility_needs: str = ""
    consent: bool = False
    user_id: int | None = None


@dataclass(frozen=True)
class SignupResult:
    signup: Signup
    token: str  # shown once, in the e-mail; only its hash is stored
    position: int | None  # on the waiting list, 1 = next in line


def _window_error(activity: Activity, window: SignupWindow) -> SignupNotOpen:
    if window == SignupWindow.NOT_YET_OPEN:
        return SignupNotOpen(
            _l("Sign-up opens on %(when)s.", when=local_datetime(activity.signup_opens_at))
        )
    if window == SignupWindow.CLOSED:
        return SignupNotOpen(
            _l(
                "Sign-up for this activity closed on %(when)s.",
                when=local_datetime(activity.signup_closes_at),
            )
        )
    if window == SignupWindow.STARTED:
        return SignupNotOpen(_l("This activity has already started, so sign-up is closed."))
    if window == SignupWindow.CANCELLED:
        return SignupNotOpen(_l("This activity is cancelled, so you cannot sign up."))
    return SignupNotOpen(_l("You cannot sign up for this activity."))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def group_size_problem(activity: Activity, people: int) -> GroupTooLarge | None:
    """The error for a group of `people` this activity does not take, or None.

    The form asks this too, so a sign-up with several mistakes shows them all at once.
    """
    if 1 <= people <= activity.max_group_size:
        return None
    return GroupTooLarge(
        _l(
            "You can sign up at most %(count)s people at once for this activity.",
            count=activity.max_group_size,
        )
        if activity.max_group_size > 1
        else _l("Each person signs up separately for this activity."),
        field="people",
    )


def sign_up(
    activity: Activity, request: SignupRequest, *, now: datetime | None = None
) -> SignupResult:
    """Sign a person (and their group) up: a place if the group fits, otherwise the waiting
    list. Raises SignupNotOpen, GroupTooLarge, AlreadySignedUp, or DomainError for a text
    longer than SIGNUP_LIMITS; nothing is written then."""
    now = now or utcnow()
    if not request.consent:
        raise DomainError(_l("Tick the box to accept how we handle your details."), field="consent")
    if request.language not in LANGS:
        raise DomainError(_l("Choose a language."))
    for name, limit in SIGNUP_LIMITS.items():  # the form's limits, for any other caller too
        if len(getattr(request, name).strip()) > limit:
            raise DomainError(_l("Use at most %(count)s characters.", count=limit), field=name)
    activity = lock_row(activity)
    window = activity.signup_window(now)
    if window != SignupWindow.OPEN:
        raise _window_error(activity, window)
    problem = group_size_problem(activity, request.people)
    if problem is not None:
        raise problem
    email = normalise_email(request.email)
    if find_live_signup(activity.id, email) is not None:
        raise _already_signed_up()

    fits = activity.capacity is None or (
        count_taken(activity.id) + request.people <= activity.capacity
    )
    token = new_token()
    signup = Signup(
        activity_id=activity.id,
        status=SignupStatus.CONFIRMED if fits else SignupStatus.WAITING,
        token_hash=hash_token(token),
        name=request.name.strip(),
        email=email,
        phone=request.phone.strip(),
        people=request.people,
        accessibility_needs=request.accessibility_needs.strip(),
        language=request.language,
        user_id=request.user_id,
        consented_at=now,
        created_at=now,
        confirmed_at=now if fits else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError as error:  # the unique index, should two requests slip through
        raise _already_signed_up() from error
    position = waiting_position(signup)
    notices.signup_made(activity, signup, token, position)
    return SignupResult(signup, token, position)


def _already_signed_up() -> AlreadySignedUp:
    return AlreadySignedUp(
        _l(
            "This e-mail address is already signed up for this activity. "
            "The confirmation e-mail has a link for seeing or cancelling the sign-up."
        ),
        field="email",
    )


def cancel_signup(signup: Signup, *, now: datetime | None = None) -> list[Signup]:
    """The participant cancels with their private link. A freed place goes to the first on
    the waiting list whose group fits. Returns the people promoted."""
    now = now or utcnow()
    activity = lock_row(db.session.get_one(Activity, signup.activity_id))
    db.session.refresh(signup)
    if signup.status == SignupStatus.CANCELLED:
        raise SignupAlreadyCancelled(_l("This sign-up is already cancelled."))
    if activity.starts_at <= now:
        raise CannotCancelNow(
            _l("The activity has already started, so the sign-up can no longer be cancelled.")
        )
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    db.session.flush()
    notices.signup_cancelled(activity, signup)
    return promote_from_waitlist(activity, now=now) if was_confirmed else []


def promote_from_waitlist(activity: Activity, *, now: datetime | None = None) -> list[Signup]:
    """Give free places to the waiting list, in order, skipping groups that do not fit.
    The caller holds the activity's lock. Each promoted person is told by e-mail."""
    now = now or utcnow()
    if activity.is_cancelled or activity.starts_at <= now:
        return []
    waiting = list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.activity_id == activity.id, Signup.status == SignupStatus.WAITING)
            .order_by(Signup.id)
        )
    )
    if not waiting:
        return []
    free = None if activity.capacity is None else activity.capacity - count_taken(activity.id)
    promoted = []
    for signup in waiting:
        if free is not None and signup.people > free:
            if free <= 0:
                break
            continue
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = now
        if free is not None:
            free -= signup.people
        promoted.append(signup)
    db.session.flush()
    for signup in promoted:
        notices.promoted(activity, signup)
    return promoted


def resend_link(activity: Activity, email: str) -> bool:
    """A lost private link: only its hash is stored, so a new link replaces the old one and
    goes to the address that signed up. Says nothing to the requester about whether the
    address is signed up (returns it for tests and logs only)."""
    signup = find_live_signup(activity.id, normalise_email(email))
    if signup is None:
        return False
    token = new_token()
    signup.token_hash = hash_token(token)
    db.session.flush()
    notices.new_link(activity, signup, token)
    return True


def purge_signups(*, retention_days: int, now: datetime | None = None) -> int:
    """Delete participants' personal data `retention_days` after each activity ended, and
    keep only the number of participants. Returns the number of activities purged."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    activities = list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.ends_at <= cutoff, Activity.signups_purged_at.is_(None))
            .options(selectinload(Activity.district))
        )
    )
    for activity in activities:
        activity.final_participants = count_taken(activity.id)
        activity.signups_purged_at = now
        db.session.execute(sa.delete(Signup).where(Signup.activity_id == activity.id))
    db.session.flush()
    return len(activities)
