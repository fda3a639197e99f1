"""The e-mails about activities and sign-ups, all through one helper (`_mail`).

Each goes to one person in the language they signed up in (an organiser: the account's
language), with the activity's title in that language in the subject and the public
activity page as `activity_link`. They are outbox rows added in the caller's transaction
(`queue_email`), so a rolled-back change mails nobody. Templates: `templates/emails/activities/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.activities.models import Activity, Signup, SignupStatus, hash_token, new_token
from participate.activities.queries import live_signups
from participate.extensions import db
from participate.mail.services import queue_email
from participate.urls import external_url

# What participants and the organiser are told about (and what bumps the .ics SEQUENCE).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place", "place_sv", "place_en", "capacity")
PLACE_FIELDS = {"fi": "place", "sv": "place_sv", "en": "place_en"}


@dataclass(frozen=True)
class Change:
    """One changed fact, as the e-mail shows it: "time", "place", "capacity" or "status"."""

    field: str
    before: Any
    after: Any


def _mail(
    activity: Activity,
    *,
    to: str,
    language: str,
    subject: Any,
    template: str,
    subject_args: dict[str, str] | None = None,
    **context: Any,
) -> None:
    """Queue one e-mail about `activity` in `language`.

    `subject`: a lazy string with `%(title)s` (and the keys of `subject_args`), filled in the
    reader's language when the outbox row is written. The template gets `activity`, `title`
    (in `language`) and `activity_link` (the public page) besides `context`.
    """
    title = activity.title(language).text
    values = {"title": title, **(subject_args or {})}
    queue_email(
        to=to,
        language=language,
        subject=LazyString(lambda: str(subject) % values),
        template=template,
        activity=activity,
        title=title,
        activity_link=external_url(
            "activities.detail", lang_code=language, activity_id=activity.id
        ),
        **context,
    )


def _private_link(signup: Signup, token: str) -> str:
    return external_url("activities.signup", lang_code=signup.language, token=token)


def _tell_organiser(activity: Activity, changes: list[Change], *, actor: User | None) -> bool:
    """The "Changed:" e-mail to the organiser's active account, unless they made the change
    themselves. Returns whether it was queued."""
    organiser = db.session.get(User, activity.author_id) if activity.author_id else None
    if organiser is None or not organiser.is_active:
        return False
    if actor is not None and actor.id == organiser.id:
        return False
    _change_notice(
        activity,
        changes,
        to=organiser.email,
        language=organiser.language,
        name=organiser.display_name,
        link="",
    )
    return True


def _change_notice(
    activity: Activity, changes: list[Change], *, to: str, language: str, name: str, link: str
) -> None:
    """One "Changed:" e-mail; a participant gets their new private `link`, the organiser ""."""
    _mail(
        activity,
        to=to,
        language=language,
        subject=_l("Changed: %(title)s"),
        template="activities/changed",
        name=name,
        is_organiser=not link,
        changes=changes,
        **({"link": link} if link else {}),
    )


def describe_changes(
    before: dict[str, Any], after: dict[str, Any], notable: list[str]
) -> list[Change]:
    """The changes an e-mail lists, from two audit snapshots (ISO datetimes) and the
    NOTIFIED_FIELDS that differ."""
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
    for signup in live_signups(activity.id):
        token = new_token()
        signup.token_hash = hash_token(token)
        _change_notice(
            activity,
            changes,
            to=signup.email,
            language=signup.language,
            name=signup.name,
            link=_private_link(signup, token),
        )
        count += 1
    db.session.flush()
    if _tell_organiser(activity, changes, actor=actor):
        count += 1
    return count


def notify_cancelled(activity: Activity, *, actor: User, note: str) -> int:
    """The organiser (unless they cancelled it) and everyone signed up or waiting, with the
    organiser's `note`. Returns the number of participants e-mailed."""
    _tell_organiser(activity, [Change("status", "published", "cancelled")], actor=actor)
    signups = live_signups(activity.id)
    for signup in signups:
        _mail(
            activity,
            to=signup.email,
            language=signup.language,
            subject=_l("Cancelled: %(title)s"),
            template="activities/activity_cancelled",
            signup=signup,
            note=note,
        )
    return len(signups)


def send_organiser_message(
    activity: Activity, *, subject: str, body: str, include_waiting: bool
) -> int:
    """The organiser's own message to the confirmed (and, if asked, waiting) participants.
    Returns the number of messages queued."""
    statuses = [SignupStatus.CONFIRMED]
    if include_waiting:
        statuses.append(SignupStatus.WAITING)
    signups = [s for s in live_signups(activity.id) if s.status in statuses]
    for signup in signups:
        _mail(
            activity,
            to=signup.email,
            language=signup.language,
            subject=_l("%(title)s: %(subject)s"),
            subject_args={"subject": subject},
            template="activities/organiser_message",
            signup=signup,
            organiser=activity.organiser_name,
            body=body,
        )
    return len(signups)


def _to_participant(
    activity: Activity, signup: Signup, *, subject: Any, template: str, **context: Any
) -> None:
    _mail(
        activity,
        to=signup.email,
        language=signup.language,
        subject=subject,
        template=template,
        signup=signup,
        **context,
    )


def signup_made(activity: Activity, signup: Signup, token: str, position: int | None) -> None:
    """A place or a place on the waiting list (`position`, 1 = next), with the private link."""
    if signup.status == SignupStatus.CONFIRMED:
        _to_participant(
            activity,
            signup,
            subject=_l("You are signed up: %(title)s"),
            template="activities/signup_confirmed",
            link=_private_link(signup, token),
        )
    else:
        _to_participant(
            activity,
            signup,
            subject=_l("You are on the waiting list: %(title)s"),
            template="activities/signup_waiting",
            link=_private_link(signup, token),
            position=position,
        )


def signup_cancelled(activity: Activity, signup: Signup) -> None:
    _to_participant(
        activity,
        signup,
        subject=_l("Sign-up cancelled: %(title)s"),
        template="activities/signup_cancelled",
    )


def promoted(activity: Activity, signup: Signup) -> None:
    """A place freed up and the waiting participant got it."""
    _to_participant(
        activity, signup, subject=_l("You got a place: %(title)s"), template="activities/promoted"
    )


def new_link(activity: Activity, signup: Signup, token: str) -> None:
    _to_participant(
        activity,
        signup,
        subject=_l("Your link: %(title)s"),
        template="activities/new_link",
        link=_private_link(signup, token),
    )
