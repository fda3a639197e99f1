"""Initiative operations: write, submit, moderator corrections, themes.

Services flush and never commit; the calling view or CLI command commits once. Moderator
decisions (approve, reject, request changes, hide, answer, close) go through
`participate.moderation`. Supports are in `supports.py`, the city's answer in `answers.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participate.accounts.models import User
from participate.db import utcnow
from participate.districts.models import District
from participate.districts.queries import district_at
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.locale import LANGS
from participate.initiatives import follows
from participate.initiatives.lifecycle import EDITABLE
from participate.initiatives.models import (
    BODY_MAX,
    SDG_GOALS,
    TITLE_MAX,
    WHOLE_CITY,
    AuthorDisplay,
    Initiative,
    Theme,
    goals_to_mask,
)
from participate.mail.services import mail_user
from participate.urls import external_url
from participate.workflow.services import apply_action
from participate.workflow.states import (
    Action,
    NotAllowed,
    check_can_contribute,
)

# The district choice "not chosen": take the district at the map point.
FROM_POINT = ""


class InvalidInitiative(DomainError):
    pass


class NotEditable(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("This initiative can no longer be changed."))


class NotVerified(DomainError):
    """The account's e-mail address is not verified; `draft` is what was kept, if anything."""

    def __init__(self, message: Any, draft: Initiative | None = None) -> None:
        super().__init__(message)
        self.draft = draft


class InvalidTheme(DomainError):
    pass


@dataclass(frozen=True)
class InitiativeData:
    """What the author writes (from the form, the API or the demo)."""

    title: str
    body: str
    language: str
    theme_id: int | None
    # A district slug, WHOLE_CITY, or FROM_POINT ("": the district at the map point).
    district: str
    lat: float | None = None
    lon: float | None = None
    goals: tuple[int, ...] = ()
    author_display: AuthorDisplay = AuthorDisplay.NAME


def check_point(lat: float | None, lon: float | None) -> District | None:
    """The district at the point; raises InvalidInitiative for half a point or one outside Espoo."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidInitiative(_l("Give both latitude and longitude, or neither."), field="lat")
    district = district_at(lat, lon)
    if district is None:
        raise InvalidInitiative(
            _l("The point is outside the city. Choose a point inside it, or none."), field="lat"
        )
    return district


def validate(data: InitiativeData) -> int | None:
    """The checks the form also makes, repeated here for every other way in.

    Returns the district id (None: the whole city).
    """
    if not data.title.strip():
        raise InvalidInitiative(_l("Fill in this field."), field="title")
    if len(data.title.strip()) > TITLE_MAX:
        raise InvalidInitiative(
            _l("Use at most %(count)s characters.", count=TITLE_MAX), field="title"
        )
    if not data.body.strip():
        raise InvalidInitiative(_l("Fill in this field."), field="body")
    if len(data.body.strip()) > BODY_MAX:
        raise InvalidInitiative(
            _l("Use at most %(count)s characters.", count=BODY_MAX), field="body"
        )
    if data.language not in LANGS:
        raise InvalidInitiative(_l("Choose the language you wrote in."), field="language")
    theme = db.session.get(Theme, data.theme_id) if data.theme_id is not None else None
    if theme is None or not theme.is_active:
        raise InvalidInitiative(_l("Choose a theme from the list."), field="theme")
    at_point = check_point(data.lat, data.lon)
    district_id: int | None = None
    if data.district == FROM_POINT:
        if at_point is None:
            raise InvalidInitiative(
                _l("Choose a major district or the whole city, or mark a point on the map."),
                field="district",
            )
        district_id = at_point.id
    elif data.district != WHOLE_CITY:
        district_id = db.session.scalar(
            sa.select(District.id).where(District.slug == data.district)
        )
        if district_id is None:
            raise InvalidInitiative(_l("Choose a major district from the list."), field="district")
    if any(goal not in SDG_GOALS for goal in data.goals):
        raise InvalidInitiative(_l("Choose goals from the list."), field="goals")
    if data.author_display not in AuthorDisplay:
        raise InvalidInitiative(_l("Choose how your name is shown."), field="author_display")
    return district_id


def _check_author(actor: User) -> None:
    check_can_contribute(actor)


def save_initiative(
    data: InitiativeData,
    *,
    actor: User,
    initiative: Initiative | None = None,
    submit: bool = False,
) -> Initiative:
    """Create (initiative=None) or change the author's draft; with `submit`, also send it."""
    _check_author(actor)
    if initiative is not None and (
        initiative.author_id != actor.id or initiative.status not in EDITABLE
    ):
        raise NotEditable()
    district_id = validate(data)
    is_new = initiative is None
    if initiative is None:
        initiative = Initiative(author_id=actor.id)
        db.session.add(initiative)
    initiative.title = data.title.strip()
    initiative.body = data.body.strip()
    initiative.language = data.language
    initiative.theme_id = data.theme_id  # type: ignore[assignment]
    initiative.district_id = district_id
    initiative.lat, initiative.lon = data.lat, data.lon
    initiative.sdg_mask = goals_to_mask(data.goals)
    initiative.author_display = data.author_display
    db.session.flush()
    if is_new:
        follows.follow(actor, "initiative", initiative.id)  # authors follow what they write
    if submit and not actor.is_verified:
        # Keep the text: the caller commits the draft and shows the message.
        raise NotVerified(
            _l("Verify your e-mail address before you send an initiative. Your draft is saved."),
            draft=initiative,
        )
    if submit:
        submit_initiative(initiative, actor=actor)
    return initiative


def submit_initiative(initiative: Initiative, *, actor: User) -> None:
    """Send a draft (or a returned initiative) to the moderators and confirm to the author."""
    _check_author(actor)
    if not actor.is_verified:
        raise NotVerified(_l("Verify your e-mail address before you send an initiative."))
    first_time = initiative.first_submitted_at is None
    apply_action(initiative, Action.SUBMIT, actor=actor)
    mail_user(
        actor,
        subject=_l("We received your initiative") if first_time else _l("We received your changes"),
        template="initiatives/submitted",
        user=actor,
        title=initiative.title,
        first_time=first_time,
        link=external_url(
            "initiatives.detail", lang_code=actor.language, initiative_id=initiative.id
        ),
    )


def edit_as_moderator(
    initiative: Initiative, *, title: str, body: str, actor: User
) -> dict[str, tuple[str, str]]:
    """The development manager corrects the text (e.g. removes a phone number).

    Returns the changed fields as {field: (before, after)}; the desk keeps them in the audit
    log and tells the author. The page then says the text was edited by the moderator.
    """
    if not actor.is_moderator:
        raise NotAllowed()
    values = {"title": title.strip(), "body": body.strip()}
    limits = {"title": TITLE_MAX, "body": BODY_MAX}
    for name, value in values.items():
        if not value:
            raise InvalidInitiative(_l("Fill in this field."), field=name)
        if len(value) > limits[name]:
            raise InvalidInitiative(
                _l("Use at most %(count)s characters.", count=limits[name]), field=name
            )
    changes = {
        name: (getattr(initiative, name), value)
        for name, value in values.items()
        if getattr(initiative, name) != value
    }
    if changes:
        for name, (_before, after) in changes.items():
            setattr(initiative, name, after)
        initiative.moderator_edited_at = utcnow()
        db.session.flush()
    return changes


# Themes (the moderators' list) -------------------------------------------------------------

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def save_theme(
    *,
    slug: str,
    name_fi: str,
    name_sv: str = "",
    name_en: str = "",
    position: int | None = None,
    is_active: bool = True,
) -> Theme:
    """Create the theme `slug`, or rename it if it exists (the slug never changes)."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug) or len(slug) > 64:
        raise InvalidTheme(_l("Use lowercase letters, digits and hyphens."), field="slug")
    if not name_fi.strip():
        raise InvalidTheme(_l("Fill in this field."), field="name_fi")
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == slug))
    if theme is None:
        last = db.session.scalar(sa.select(sa.func.max(Theme.position))) or 0
        theme = Theme(slug=slug, position=last + 10 if position is None else position)
        db.session.add(theme)
    elif position is not None:
        theme.position = position
    theme.name_fi = name_fi.strip()[:100]
    theme.name_sv = name_sv.strip()[:100]
    theme.name_en = name_en.strip()[:100]
    theme.is_active = is_active
    db.session.flush()
    return theme
