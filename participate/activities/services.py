"""Writes for activities: propose, create, edit, cancel; sign up, cancel a sign-up, promote
from the waiting list, message participants, purge personal data.

Every function flushes and never commits: the one view or CLI command that calls it commits.
E-mails become outbox rows in the same transaction, so a failed operation mails nobody.

Capacity is never exceeded: every operation that changes who has a place first locks the
activity's row (`_lock`), then counts and writes while holding the lock. On PostgreSQL that
is `SELECT … FOR UPDATE`. SQLite has no row locks and Python's sqlite3 driver runs plain
SELECTs outside a transaction, so there the lock is a no-op UPDATE, which takes the
database's write lock at once and makes concurrent sign-ups wait their turn.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from participate.accounts.models import User
from participate.activities.lifecycle import AUTHOR_EDITABLE, SignupWindow
from participate.activities.models import (
    TEXT_LIMITS,
    Activity,
    OrganiserKind,
    Signup,
    SignupStatus,
)
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.formatting import local_datetime
from participate.i18n.locale import LANGS
from participate.mail.services import queue_email
from participate.signals import record_change
from participate.urls import external_url
from participate.workflow.services import apply_action
from participate.workflow.states import Action, NotAllowed, Status, check_can_contribute

# Languages an activity can list as spoken there (ISO 639 codes; "fse": Finnish Sign Language).
SPOKEN_LANGUAGES = ("fi", "sv", "en", "fse", "ru", "et", "uk", "ar", "so", "fa")
MAX_GROUP_SIZE = 20


# -- errors ------------------------------------------------------------------------------
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


class ActivityCancelled(DomainError):
    pass


class InvalidActivity(DomainError):
    pass


# -- tokens ------------------------------------------------------------------------------
def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- permissions -------------------------------------------------------------------------
def can_manage(user: Any, activity: Activity) -> bool:
    """The organiser (who proposed it) and the development managers see participants,
    message them and cancel the activity."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_moderator or user.id == activity.author_id)


def can_edit(user: Any, activity: Activity) -> bool:
    """Moderators always; the proposing resident only until the proposal is decided."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_moderator:
        return True
    return user.id == activity.author_id and activity.status in AUTHOR_EDITABLE


# -- activities --------------------------------------------------------------------------
@dataclass
class ActivityDetails:
    """Everything a person enters about an activity. Times are UTC-aware."""

    organiser_name: str
    district_id: int
    place: str
    starts_at: datetime
    ends_at: datetime
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    # The place in Swedish and English, if given (`place` is the Finnish text): {"sv": "…"}.
    place_translations: dict[str, str] = field(default_factory=dict)
    accessibility: dict[str, str] = field(default_factory=dict)
    organiser_kind: OrganiserKind = OrganiserKind.RESIDENTS
    organiser_contact: str = ""
    lat: float | None = None
    lon: float | None = None
    capacity: int | None = None
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    max_group_size: int = 1
    languages: list[str] = field(default_factory=list)


def check_lengths(values: Mapping[str, str]) -> None:
    """Refuse a text longer than TEXT_LIMITS allows, for residents and moderators alike.

    `values`: {field name: text}; names without a limit are ignored. Raises InvalidActivity
    pointing at the first field that is too long.
    """
    for name, value in values.items():
        limit = TEXT_LIMITS.get(name)
        if limit is not None and len(value.strip()) > limit:
            raise InvalidActivity(_l("Use at most %(count)s characters.", count=limit), field=name)


def _check_details(details: ActivityDetails) -> None:
    """The rules a form cannot see alone; `field` points at the input to correct."""
    check_lengths(
        {
            **{
                f"{part}_{lang}": (getattr(details, part).get(lang) or "")
                for lang in LANGS
                for part in ("title", "description", "accessibility")
            },
            "organiser_name": details.organiser_name,
            "organiser_contact": details.organiser_contact,
            "place": details.place,
            **{f"place_{lang}": text for lang, text in details.place_translations.items()},
        }
    )
    if not any((details.title.get(lang) or "").strip() for lang in LANGS):
        raise InvalidActivity(_l("Write the title in at least one language."), field="title_fi")
    for lang in LANGS:
        has_title = bool((details.title.get(lang) or "").strip())
        has_text = bool((details.description.get(lang) or "").strip())
        if has_text and not has_title:
            raise InvalidActivity(
                _l("Write a title in the same language as the description."),
                field=f"title_{lang}",
            )
    if details.ends_at <= details.starts_at:
        raise InvalidActivity(_l("The end must be after the start."), field="ends_at")
    if details.signup_closes_at and details.signup_closes_at > details.starts_at:
        raise InvalidActivity(
            _l("Sign-up must close before the activity starts."), field="signup_closes_at"
        )
    if (
        details.signup_opens_at
        and details.signup_closes_at
        and details.signup_opens_at >= details.signup_closes_at
    ):
        raise InvalidActivity(_l("Sign-up must open before it closes."), field="signup_opens_at")
    if details.capacity is not None and details.capacity < 1:
        raise InvalidActivity(_l("Enter at least 1 place, or leave it empty."), field="capacity")
    if not 1 <= details.max_group_size <= MAX_GROUP_SIZE:
        raise InvalidActivity(
            _l("Enter a number from 1 to %(max)s.", max=MAX_GROUP_SIZE), field="max_group_size"
        )
    if (details.lat is None) != (details.lon is None):
        raise InvalidActivity(_l("Give both latitude and longitude, or neither."), field="lat")
    unknown = set(details.languages) - set(SPOKEN_LANGUAGES)
    if unknown:
        raise InvalidActivity(_l("Choose languages from the list."), field="languages")


def _apply(activity: Activity, details: ActivityDetails) -> None:
    for lang in LANGS:
        setattr(activity, f"title_{lang}", (details.title.get(lang) or "").strip())
        setattr(activity, f"description_{lang}", (details.description.get(lang) or "").strip())
        setattr(activity, f"accessibility_{lang}", (details.accessibility.get(lang) or "").strip())
    activity.organiser_kind = details.organiser_kind
    activity.organiser_name = details.organiser_name.strip()
    activity.organiser_contact = details.organiser_contact.strip()
    activity.district_id = details.district_id
    activity.place = details.place.strip()
    for lang in ("sv", "en"):
        setattr(activity, f"place_{lang}", (details.place_translations.get(lang) or "").strip())
    activity.lat, activity.lon = details.lat, details.lon
    activity.starts_at, activity.ends_at = details.starts_at, details.ends_at
    activity.capacity = details.capacity
    activity.signup_opens_at = details.signup_opens_at
    activity.signup_closes_at = details.signup_closes_at
    activity.max_group_size = details.max_group_size
    activity.languages = [code for code in SPOKEN_LANGUAGES if code in details.languages]


def propose_activity(details: ActivityDetails, *, author: User) -> Activity:
    """A resident's proposal: saved and sent to the moderation queue at once."""
    check_can_contribute(author)
    if not author.is_verified:
        raise NotAllowed()
    return _new_activity(details, author=author, action=Action.SUBMIT)


def create_activity(details: ActivityDetails, *, actor: User) -> Activity:
    """A development manager's own activity: published at once (one recorded transition)."""
    if not actor.is_moderator:
        raise NotAllowed()
    return _new_activity(details, author=actor, action=Action.APPROVE)


def _new_activity(details: ActivityDetails, *, author: User, action: Action) -> Activity:
    """Save a new activity as a draft, then move it on with its first recorded transition."""
    _check_details(details)
    activity = Activity(author_id=author.id, status=Status.DRAFT)
    _apply(activity, details)
    db.session.add(activity)
    db.session.flush()
    apply_action(activity, action, actor=author)
    return activity


def update_activity(activity: Activity, details: ActivityDetails, *, actor: User) -> Activity:
    """Edit. The author may edit an undecided or returned proposal (a returned one is sent
    again); moderators may edit any activity. Fewer places than are taken is refused, and
    more places promote people from the waiting list."""
    if not can_edit(actor, activity):
        raise NotAllowed()
    if not actor.is_moderator:
        check_can_contribute(actor)  # a blocked author cannot send the proposal again
    _check_details(details)
    activity = _lock(activity.id)
    taken = count_taken(activity.id)
    if details.capacity is not None and details.capacity < taken:
        raise InvalidActivity(
            lazy_ngettext(
                "%(num)s person already has a place. Enter at least that many places.",
                "%(num)s people already have a place. Enter at least that many places.",
                taken,
            ),
            field="capacity",
        )
    before = _snapshot(activity)
    _apply(activity, details)
    after = _snapshot(activity)
    changed = [name for name in after if after[name] != before[name]]
    if actor.is_moderator and actor.id != activity.author_id:
        activity.moderator_edited_at = utcnow()
    notable = [name for name in NOTIFIED_FIELDS if name in changed]
    if notable:
        activity.sequence += 1
    db.session.flush()
    if changed:
        record_change(
            kind="activity",
            action="activity.update",
            actor=actor,
            object_id=activity.id,
            object_title=activity.title().text,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    if activity.status == Status.CHANGES_REQUESTED and actor.id == activity.author_id:
        apply_action(activity, Action.SUBMIT, actor=actor)
    if activity.status == Status.PUBLISHED:
        if notable:
            notify_change(activity, _changes(before, after, notable), actor=actor)
        promote_from_waitlist(activity)
    return activity


# What participants and the organiser are told about (and what bumps the .ics SEQUENCE).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "place_sv", "place_en", "capacity")
PLACE_FIELDS = {"fi": "place", "sv": "place_sv", "en": "place_en"}
# Every field the edit form sets: the audit log keeps these before and after.
AUDITED_FIELDS = (
    *(f"{name}_{lang}" for name in ("title", "description", "accessibility") for lang in LANGS),
    "organiser_kind",
    "organiser_name",
    "organiser_contact",
    "district_id",
    "place",
    "place_sv",
    "place_en",
    "lat",
    "lon",
    "starts_at",
    "ends_at",
    "capacity",
    "signup_opens_at",
    "signup_closes_at",
    "max_group_size",
    "spoken_languages",
)


def _snapshot(activity: Activity) -> dict[str, Any]:
    """The audited fields as JSON-friendly values (datetimes as ISO 8601 UTC, enums as values)."""
    values: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value = getattr(activity, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        values[name] = getattr(value, "value", value)
    return values


@dataclass(frozen=True)
class Change:
    """One changed fact, as the e-mail shows it: "time", "place", "capacity" or "status"."""

    field: str
    before: Any
    after: Any


def _changes(before: dict[str, Any], after: dict[str, Any], notable: list[str]) -> list[Change]:
    changes = []
    if "starts_at" in notable or "ends_at" in notable:
        changes.append(
            Change(
                "time",
                tuple(datetime.fromisoformat(before[k]) for k in ("starts_at", "ends_at")),
                tuple(datetime.fromisoformat(after[k]) for k in ("starts_at", "ends_at")),
            )
        )
    if any(name in notable for name in PLACE_FIELDS.values()):
        # {lang: text}; the e-mail shows the reader's language, else the Finnish text.
        changes.append(
            Change(
                "place",
                {lang: before[name] for lang, name in PLACE_FIELDS.items()},
                {lang: after[name] for lang, name in PLACE_FIELDS.items()},
            )
        )
    if "capacity" in notable:
        changes.append(Change("capacity", before["capacity"], after["capacity"]))
    return changes


def notify_change(activity: Activity, changes: list[Change], *, actor: User | None) -> int:
    """No silent changes: every confirmed and waiting participant, in the language they signed
    up in, with the old and new values and a new private link (only hashes are stored, so the
    link is issued again and the earlier one stops working); and the organiser, unless they
    made the change. Returns the number of e-mails queued."""
    count = 0
    for signup in _live_signups(activity.id):
        token = new_token()
        signup.token_hash = hash_token(token)
        link = external_url("activities.signup", lang_code=signup.language, token=token)
        _queue_change_notice(activity, changes, signup.email, signup.language, signup.name, link)
        count += 1
    db.session.flush()
    organiser = db.session.get(User, activity.author_id) if activity.author_id else None
    if (
        organiser is not None
        and organiser.is_active
        and (actor is None or actor.id != organiser.id)
    ):
        _queue_change_notice(
            activity, changes, organiser.email, organiser.language, organiser.display_name, None
        )
        count += 1
    return count


def _queue_change_notice(
    activity: Activity,
    changes: list[Change],
    to: str,
    language: str,
    name: str,
    signup_link: str | None,
) -> None:
    """One "Changed:" e-mail; a participant gets their new private link, the organiser none."""
    title = activity.title(language).text
    queue_email(
        to=to,
        language=language,
        subject=_l("Changed: %(title)s", title=title),
        template="activities/changed",
        name=name,
        is_organiser=signup_link is None,
        activity=activity,
        title=title,
        changes=changes,
        activity_link=external_url(
            "activities.detail", lang_code=language, activity_id=activity.id
        ),
        **({"link": signup_link} if signup_link else {}),
    )


# The texts the development manager may correct on the desk, with their longest length
# (the same TEXT_LIMITS as everyone's).
MODERATOR_EDITABLE: dict[str, int] = {
    name: TEXT_LIMITS[name]
    for name in (
        *(f"{part}_{lang}" for lang in LANGS for part in ("title", "description", "accessibility")),
        "place",
        "place_sv",
        "place_en",
        "organiser_contact",
    )
}


def edit_as_moderator(
    activity: Activity, texts: dict[str, str], *, actor: User
) -> dict[str, tuple[str, str]]:
    """The development manager corrects texts (e.g. removes a private phone number).

    Only the keys of MODERATOR_EDITABLE; the rest of the activity stays as it is. Returns
    the changed fields as {field: (before, after)} for the desk's audit log, and marks the
    activity as edited by the moderator.
    """
    if not actor.is_moderator:
        raise NotAllowed()
    values = {name: (texts[name] or "").strip() for name in MODERATOR_EDITABLE if name in texts}
    check_lengths(values)
    merged = {name: values.get(name, getattr(activity, name)) for name in MODERATOR_EDITABLE}
    if not any(merged[f"title_{lang}"] for lang in LANGS):
        raise InvalidActivity(_l("Write the title in at least one language."), field="title_fi")
    for lang in LANGS:
        if merged[f"description_{lang}"] and not merged[f"title_{lang}"]:
            raise InvalidActivity(
                _l("Write a title in the same language as the description."),
                field=f"title_{lang}",
            )
    if not merged["place"]:
        raise InvalidActivity(_l("Fill in this field."), field="place")
    changes = {
        name: (getattr(activity, name), value)
        for name, value in values.items()
        if getattr(activity, name) != value
    }
    if changes:
        for name, (_before, after) in changes.items():
            setattr(activity, name, after)
        activity.moderator_edited_at = utcnow()
        db.session.flush()
    return changes


def cancel_activity(activity: Activity, *, actor: User, note: str) -> int:
    """Cancel: everyone signed up or waiting is told in the language they signed up in.
    Returns the number of people e-mailed."""
    if not can_manage(actor, activity):
        raise NotAllowed()
    note = note.strip()
    if not note:
        raise DomainError(_l("Write a short note. Participants will read it."), field="note")
    check_lengths({"cancellation_note": note})
    activity = _lock(activity.id)
    if activity.is_cancelled:
        raise ActivityCancelled(_l("This activity is already cancelled."))
    if activity.is_past():
        raise ActivityCancelled(_l("This activity is already over."))
    activity.is_cancelled = True
    activity.cancelled_at = utcnow()
    activity.cancellation_note = note
    activity.sequence += 1
    db.session.flush()
    record_change(
        kind="activity",
        action="activity.cancel",
        actor=actor,
        object_id=activity.id,
        object_title=activity.title().text,
        reason=note,
        before={"is_cancelled": False},
        after={"is_cancelled": True},
    )
    organiser = db.session.get(User, activity.author_id) if activity.author_id else None
    if organiser is not None and organiser.is_active and organiser.id != actor.id:
        title = activity.title(organiser.language).text
        queue_email(
            to=organiser.email,
            language=organiser.language,
            subject=_l("Changed: %(title)s", title=title),
            template="activities/changed",
            name=organiser.display_name,
            is_organiser=True,
            activity=activity,
            title=title,
            changes=[Change("status", "published", "cancelled")],
            activity_link=external_url(
                "activities.detail", lang_code=organiser.language, activity_id=activity.id
            ),
        )
    signups = _live_signups(activity.id)
    for signup in signups:
        queue_email(
            to=signup.email,
            language=signup.language,
            subject=_l("Cancelled: %(title)s", title=activity.title(signup.language).text),
            template="activities/activity_cancelled",
            signup=signup,
            activity=activity,
            title=activity.title(signup.language).text,
            note=note,
            link=external_url(
                "activities.detail", lang_code=signup.language, activity_id=activity.id
            ),
        )
    return len(signups)


def message_participants(
    activity: Activity, *, actor: User, subject: str, body: str, include_waiting: bool
) -> int:
    """An organiser's message ("we moved to room B") to everyone signed up, through the
    outbox. Returns the number of messages queued."""
    if not can_manage(actor, activity):
        raise NotAllowed()
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise DomainError(_l("Fill in this field."), field="subject")
    if not body:
        raise DomainError(_l("Fill in this field."), field="body")
    statuses = [SignupStatus.CONFIRMED]
    if include_waiting:
        statuses.append(SignupStatus.WAITING)
    signups = [s for s in _live_signups(activity.id) if s.status in statuses]
    for signup in signups:
        queue_email(
            to=signup.email,
            language=signup.language,
            subject=_l(
                "%(title)s: %(subject)s",
                title=activity.title(signup.language).text,
                subject=subject,
            ),
            template="activities/organiser_message",
            signup=signup,
            activity=activity,
            title=activity.title(signup.language).text,
            organiser=activity.organiser_name,
            body=body,
            link=external_url(
                "activities.detail", lang_code=signup.language, activity_id=activity.id
            ),
        )
    return len(signups)


# -- sign-ups ----------------------------------------------------------------------------
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


def _lock(activity_id: int) -> Activity:
    """The activity's row, locked until the transaction ends (see the module docstring)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.text("UPDATE activities SET id = id WHERE id = :id"), {"id": activity_id}
        )
    query = (
        sa.select(Activity)
        .where(Activity.id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one()


def count_taken(activity_id: int) -> int:
    """People with a confirmed place."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Signup.people), 0)).where(
                Signup.activity_id == activity_id, Signup.status == SignupStatus.CONFIRMED
            )
        )
        or 0
    )


def waiting_position(signup: Signup) -> int | None:
    """1 for the first in line; None when not waiting."""
    if signup.status != SignupStatus.WAITING:
        return None
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Signup.activity_id == signup.activity_id,
                Signup.status == SignupStatus.WAITING,
                Signup.id <= signup.id,
            )
        )
        or 0
    )


def _live_signups(activity_id: int) -> list[Signup]:
    return list(
        db.session.scalars(
            sa.select(Signup)
            .where(Signup.activity_id == activity_id, Signup.status != SignupStatus.CANCELLED)
            .order_by(Signup.id)
        )
    )


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
    list. Raises SignupNotOpen, GroupTooLarge or AlreadySignedUp; nothing is written then."""
    now = now or utcnow()
    if not request.consent:
        raise DomainError(_l("Tick the box to accept how we handle your details."), field="consent")
    if request.language not in LANGS:
        raise DomainError(_l("Choose a language."))
    activity = _lock(activity.id)
    window = activity.signup_window(now)
    if window != SignupWindow.OPEN:
        raise _window_error(activity, window)
    problem = group_size_problem(activity, request.people)
    if problem is not None:
        raise problem
    email = normalise_email(request.email)
    if _has_live_signup(activity.id, email):
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
    _send_signup_email(activity, signup, token, position)
    return SignupResult(signup, token, position)


def _has_live_signup(activity_id: int, email: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Signup.id).where(
                Signup.activity_id == activity_id,
                Signup.email == email,
                Signup.status != SignupStatus.CANCELLED,
            )
        )
        is not None
    )


def _already_signed_up() -> AlreadySignedUp:
    return AlreadySignedUp(
        _l(
            "This e-mail address is already signed up for this activity. "
            "The confirmation e-mail has a link for seeing or cancelling the sign-up."
        ),
        field="email",
    )


def _send_signup_email(
    activity: Activity, signup: Signup, token: str, position: int | None
) -> None:
    title = activity.title(signup.language).text
    common: dict[str, Any] = {
        "signup": signup,
        "activity": activity,
        "title": title,
        "link": external_url("activities.signup", lang_code=signup.language, token=token),
        "activity_link": external_url(
            "activities.detail", lang_code=signup.language, activity_id=activity.id
        ),
    }
    if signup.status == SignupStatus.CONFIRMED:
        queue_email(
            to=signup.email,
            language=signup.language,
            subject=_l("You are signed up: %(title)s", title=title),
            template="activities/signup_confirmed",
            **common,
        )
    else:
        queue_email(
            to=signup.email,
            language=signup.language,
            subject=_l("You are on the waiting list: %(title)s", title=title),
            template="activities/signup_waiting",
            position=position,
            **common,
        )


def get_signup_by_token(token: str) -> Signup | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Signup).where(Signup.token_hash == hash_token(token)))


def cancel_signup(signup: Signup, *, now: datetime | None = None) -> list[Signup]:
    """The participant cancels with their private link. A freed place goes to the first on
    the waiting list whose group fits. Returns the people promoted."""
    now = now or utcnow()
    activity = _lock(signup.activity_id)
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
    queue_email(
        to=signup.email,
        language=signup.language,
        subject=_l("Sign-up cancelled: %(title)s", title=activity.title(signup.language).text),
        template="activities/signup_cancelled",
        signup=signup,
        activity=activity,
        title=activity.title(signup.language).text,
        activity_link=external_url(
            "activities.detail", lang_code=signup.language, activity_id=activity.id
        ),
    )
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
        title = activity.title(signup.language).text
        queue_email(
            to=signup.email,
            language=signup.language,
            subject=_l("You got a place: %(title)s", title=title),
            template="activities/promoted",
            signup=signup,
            activity=activity,
            title=title,
            activity_link=external_url(
                "activities.detail", lang_code=signup.language, activity_id=activity.id
            ),
        )
    return promoted


def resend_link(activity: Activity, email: str) -> bool:
    """A lost private link: only its hash is stored, so a new link replaces the old one and
    goes to the address that signed up. Says nothing to the requester about whether the
    address is signed up (returns it for tests and logs only)."""
    signup = db.session.scalar(
        sa.select(Signup).where(
            Signup.activity_id == activity.id,
            Signup.email == normalise_email(email),
            Signup.status != SignupStatus.CANCELLED,
        )
    )
    if signup is None:
        return False
    token = new_token()
    signup.token_hash = hash_token(token)
    db.session.flush()
    title = activity.title(signup.language).text
    queue_email(
        to=signup.email,
        language=signup.language,
        subject=_l("Your link: %(title)s", title=title),
        template="activities/new_link",
        signup=signup,
        activity=activity,
        title=title,
        link=external_url("activities.signup", lang_code=signup.language, token=token),
    )
    return True


# -- privacy -----------------------------------------------------------------------------
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
