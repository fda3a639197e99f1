"""The city's answer to an initiative: checked and stored, then announced to the author and
every follower in their own language.

The status change is the desk's (`participate.moderation.answers.answer_initiative` calls
`record_answer`, then `decide(…, Action.ANSWER)`, then `notify_answer`). Services flush and
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from participate.accounts.models import User
from participate.errors import DomainError
from participate.extensions import db
from participate.i18n.content import pick
from participate.i18n.formatting import language_list
from participate.i18n.locale import LANGS, TIMEZONE
from participate.initiatives import follows
from participate.initiatives.models import (
    ANSWER_MAX,
    DECISION_MAKER_MAX,
    Initiative,
    InitiativeAnswer,
)
from participate.mail.services import mail_user
from participate.urls import external_url
from participate.workflow.states import Action, InvalidTransition, NotAllowed


class InvalidAnswer(DomainError):
    pass


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
