"""Initiative operations: write, submit, support, withdraw, record the city's answer, themes.

Services flush and never commit; the calling view or CLI command commits once. Moderator
decisions (approve, reject, request changes, hide, answer, close) go through
`participate.moderation` which calls `record_answer` and `notify_answer` here.

Size: over 400 lines because an initiative's writes (save, submit, support under the threshold
rules, the city's answer, themes) share the validation and e-mail steps here; supports and
answers are each about a hundred lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from participate.accounts.identity import get_identity
from participate.accounts.models import User
from participate.db import utcnow
from participate.districts.models import District
from participate.districts.queries import district_at
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.content import pick
from participate.i18n.formatting import language_list
from participate.i18n.locale import LANGS, TIMEZONE
from participate.initiatives import follows, queries
from participate.initiatives.lifecycle import EDITABLE, SUPPORTABLE
from participate.initiatives.models import (
    ANSWER_MAX,
    BODY_MAX,
    DECISION_MAKER_MAX,
    SDG_GOALS,
    TITLE_MAX,
    WHOLE_CITY,
    AuthorDisplay,
    Initiative,
    InitiativeAnswer,
    Support,
    Theme,
    goals_to_mask,
)
from participate.mail.services import mail_user
from participate.urls import external_url
from participate.workflow.services import apply_action
from participate.workflow.states import (
    Action,
    InvalidTransition,
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


class AlreadySupported(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You have already supported this initiative."))


class NotSupported(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("You have not supported this initiative."))


class SupportClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _l("Support can only be given or withdrawn while the initiative is published.")
        )


class InvalidAnswer(DomainError):
    pass


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


def support_threshold() -> int:
    return int(current_app.config["SETTINGS"].initiative_threshold)


class AlreadySupportedByPerson(AlreadySupported):
    """The same strongly identified person supported already, through another account."""

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            _l(
                "You have already supported this initiative with another account. "
                "One person can support an initiative once."
            ),
        )


class IdentificationRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("Identify yourself with Suomi.fi first. Then you can support."))


def _change_counts(initiative: Initiative, delta: int, resident_delta: int) -> int:
    """Add to both counts in one atomic UPDATE; returns the new identified residents' count."""
    row = db.session.execute(
        sa.update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(
            support_count=Initiative.support_count + delta,
            resident_support_count=Initiative.resident_support_count + resident_delta,
        )
        .returning(Initiative.support_count, Initiative.resident_support_count)
        .execution_options(synchronize_session=False)
    ).one()
    set_committed_value(initiative, "support_count", int(row[0]))
    set_committed_value(initiative, "resident_support_count", int(row[1]))
    return int(row[1])


def add_support(initiative: Initiative, *, user: User) -> Support:
    """One support per account and per identified person; counts stay exact under races.

    A strongly identified resident of MUNICIPALITY_CODE of voting age counts toward the
    threshold (Local Government Act 410/2015 s. 23); anyone else is an "other support",
    refused when OTHER_SUPPORTS is "identified-only". Raises AlreadySupported (this account)
    or AlreadySupportedByPerson (the same person through another account), also when racing.
    """
    check_can_contribute(user)
    settings = current_app.config["SETTINGS"]
    identity = get_identity(user.id)
    if identity is None:
        if settings.other_supports == "identified-only":
            raise IdentificationRequired()
        if not user.is_verified:
            raise NotVerified(
                _l(
                    "Verify your e-mail address first: open the link we sent you. "
                    "Then you can support."
                )
            )
    if initiative.status not in SUPPORTABLE or (
        settings.close_supports_on_filing and initiative.filed_at is not None
    ):
        raise SupportClosed()
    is_resident = identity is not None and identity.counts_toward_threshold(
        settings.municipality_code
    )
    support = Support(
        initiative_id=initiative.id,
        user_id=user.id,
        person_hash=identity.person_hash if identity else None,
        is_resident=is_resident,
    )
    try:
        # A savepoint: losing a race on a unique constraint rolls back only this row.
        with db.session.begin_nested():
            db.session.add(support)
    except sa.exc.IntegrityError as exc:
        if identity is not None and not queries.has_supported(initiative.id, user.id):
            raise AlreadySupportedByPerson() from exc
        raise AlreadySupported() from exc
    residents = _change_counts(initiative, +1, +1 if is_resident else 0)
    follows.follow(user, "initiative", initiative.id)  # supporters follow what they support
    if residents >= support_threshold() and initiative.threshold_reached_at is None:
        reached = utcnow()
        db.session.execute(
            sa.update(Initiative)
            .where(Initiative.id == initiative.id, Initiative.threshold_reached_at.is_(None))
            .values(threshold_reached_at=reached)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(initiative, "threshold_reached_at", reached)
        follows.notify_followers(initiative, "threshold")
    return support


def withdraw_support(initiative: Initiative, *, user: User) -> None:
    """Remove the account's support; the date the threshold was first reached stays."""
    if initiative.status not in SUPPORTABLE:
        raise SupportClosed()
    removed = db.session.execute(
        sa.delete(Support)
        .where(Support.initiative_id == initiative.id, Support.user_id == user.id)
        .returning(Support.is_resident)
    ).all()
    if len(removed) != 1:
        raise NotSupported()
    _change_counts(initiative, -1, -1 if removed[0][0] else 0)


# The city's answer -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerData:
    decision_maker: str  # in Finnish (required)
    decided_on: date | None
    bodies: dict[str, str] = field(default_factory=dict)  # lang -> text
    # The decision-maker in Swedish and English, if given: {"sv": "Stadsstyrelsen"}.
    decision_maker_translations: dict[str, str] = field(default_factory=dict)


def today_in_helsinki() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def record_answer(initiative: Initiative, data: AnswerData, *, actor: User) -> InitiativeAnswer:
    """Store the answer (the status change is the desk's `decide(…, Action.ANSWER)`)."""
    if not actor.is_moderator:
        raise NotAllowed()
    if not initiative.workflow.can(initiative.status, Action.ANSWER):
        raise InvalidTransition(initiative.status, Action.ANSWER)
    bodies = {lang: (data.bodies.get(lang) or "").strip() for lang in LANGS}
    if not any(bodies.values()):
        raise InvalidAnswer(_l("Write the answer in at least one language."), field="body_fi")
    for lang, text in bodies.items():
        if len(text) > ANSWER_MAX:
            raise InvalidAnswer(
                _l("Use at most %(count)s characters.", count=ANSWER_MAX), field=f"body_{lang}"
            )
    decision_maker = data.decision_maker.strip()
    if not decision_maker:
        raise InvalidAnswer(_l("Fill in this field."), field="decision_maker")
    if len(decision_maker) > DECISION_MAKER_MAX:
        raise InvalidAnswer(
            _l("Use at most %(count)s characters.", count=DECISION_MAKER_MAX),
            field="decision_maker",
        )
    translations = {
        lang: (data.decision_maker_translations.get(lang) or "").strip() for lang in ("sv", "en")
    }
    for lang, text in translations.items():
        if len(text) > DECISION_MAKER_MAX:
            raise InvalidAnswer(
                _l("Use at most %(count)s characters.", count=DECISION_MAKER_MAX),
                field=f"decision_maker_{lang}",
            )
    if data.decided_on is None:
        raise InvalidAnswer(_l("Give the date of the decision."), field="decided_on")
    if data.decided_on > today_in_helsinki():
        raise InvalidAnswer(
            _l("The date of the decision cannot be in the future."), field="decided_on"
        )
    answer = InitiativeAnswer(
        initiative_id=initiative.id,
        decision_maker=decision_maker,
        **{f"decision_maker_{lang}": text for lang, text in translations.items()},
        decided_on=data.decided_on,
        answered_by_id=actor.id,
        **{f"body_{lang}": text for lang, text in bodies.items()},
    )
    db.session.add(answer)
    db.session.flush()
    set_committed_value(initiative, "answer", answer)
    return answer


def notify_answer(initiative: Initiative, answer: InitiativeAnswer) -> int:
    """E-mail the author (always) and tell every follower, supporters included (they follow
    what they support), as each chose; everyone in their own language. Returns how many."""
    written_in = [lang for lang in LANGS if getattr(answer, f"body_{lang}")]

    def answer_context(user: User) -> dict[str, Any]:
        text = pick(answer, "body", user.language)
        return {
            "is_author": user.id == initiative.author_id,
            "answer_text": text.text,
            "answer_lang": text.lang,
            "answer_is_fallback": text.is_fallback,
            "answer_languages": language_list(written_in, user.language),
            "decision_maker": answer.decider(user.language).text,
            "decided_on": answer.decided_on,
        }

    told = 0
    author = db.session.get(User, initiative.author_id) if initiative.author_id else None
    if author is not None and author.is_active:
        mail_user(
            author,
            subject=_l("The city has answered an initiative"),
            template="initiatives/answered",
            user=author,
            title=initiative.title,
            link=external_url(
                "initiatives.detail", lang_code=author.language, initiative_id=initiative.id
            ),
            **answer_context(author),
        )
        told += 1
    return told + follows.notify_followers(
        initiative, "answered", template="initiatives/answered", context_for=answer_context
    )


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
