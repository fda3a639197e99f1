"""Writes for activities: propose, create, edit (by the organiser or on the desk), cancel,
message participants. Sign-ups and capacity are in `signups.py`, the e-mails in
`notices.py`, who may do what in `lifecycle.py`, reads in `queries.py`.

Every function flushes and never commits: the one view or CLI command that calls it commits.
E-mails become outbox rows in the same transaction, so a failed operation mails nobody.
An edit that changes the capacity, and a cancellation, hold the activity's row lock
(`participate.locking.lock_row`) like every sign-up does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from participate.accounts.models import User
from participate.activities import notices
from participate.activities.lifecycle import can_edit, can_manage
from participate.activities.models import TEXT_LIMITS, Activity, OrganiserKind
from participate.activities.queries import count_taken
from participate.activities.signups import promote_from_waitlist
from participate.db import utcnow
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import LANGS
from participate.locking import lock_row
from participate.signals import Subject, record_change
from participate.workflow.services import apply_action
from participate.workflow.states import Action, NotAllowed, Status, check_can_contribute

# Languages an activity can list as spoken there (ISO 639 codes; "fse": Finnish Sign Language).
SPOKEN_LANGUAGES = ("fi", "sv", "en", "fse", "ru", "et", "uk", "ar", "so", "fa")
MAX_GROUP_SIZE = 20


# -- errors ------------------------------------------------------------------------------
class ActivityCancelled(DomainError):
    pass


class InvalidActivity(DomainError):
    pass


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
    if not can_edit(activity, actor):
        raise NotAllowed()
    if not actor.is_moderator:
        check_can_contribute(actor)  # a blocked author cannot send the proposal again
    _check_details(details)
    activity = lock_row(activity)
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
    notable = [name for name in notices.NOTIFIED_FIELDS if name in changed]
    if notable:
        activity.sequence += 1
    db.session.flush()
    if changed:
        record_change(
            Subject.of(activity),
            "update",
            actor=actor,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    if activity.status == Status.CHANGES_REQUESTED and actor.id == activity.author_id:
        apply_action(activity, Action.SUBMIT, actor=actor)
    if activity.status == Status.PUBLISHED:
        if notable:
            notices.notify_change(
                activity, notices.describe_changes(before, after, notable), actor=actor
            )
        promote_from_waitlist(activity)
    return activity


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
    if not can_manage(activity, actor):
        raise NotAllowed()
    note = note.strip()
    if not note:
        raise DomainError(_l("Write a short note. Participants will read it."), field="note")
    check_lengths({"cancellation_note": note})
    activity = lock_row(activity)
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
        Subject.of(activity),
        "cancel",
        actor=actor,
        reason=note,
        before={"is_cancelled": False},
        after={"is_cancelled": True},
    )
    return notices.notify_cancelled(activity, actor=actor, note=note)


def message_participants(
    activity: Activity, *, actor: User, subject: str, body: str, include_waiting: bool
) -> int:
    """An organiser's message ("we moved to room B") to everyone signed up, through the
    outbox. Returns the number of messages queued."""
    if not can_manage(activity, actor):
        raise NotAllowed()
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise DomainError(_l("Fill in this field."), field="subject")
    if not body:
        raise DomainError(_l("Fill in this field."), field="body")
    return notices.send_organiser_message(
        activity, subject=subject, body=body, include_waiting=include_waiting
    )
