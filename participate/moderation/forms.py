"""Desk forms: a decision on any kind, and the city's answer to an initiative."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField

from participate.forms import max_length, required, strip
from participate.initiatives.models import ANSWER_MAX, DECISION_MAKER_MAX
from participate.workflow.states import Action

# The decisions the generic route takes; anything else (the answer) has its own route.
DESK_ACTIONS = (
    Action.APPROVE,
    Action.REJECT,
    Action.REQUEST_CHANGES,
    Action.HIDE,
    Action.UNHIDE,
    Action.CLOSE,
)


class DecisionForm(FlaskForm):
    action = RadioField(_l("Decision"), validators=[required()])
    reason = TextAreaField(
        _l("Reason or note to the author"),
        filters=[strip],
        validators=[max_length(4000)],
        description=_l(
            "Required when you reject, return for changes, hide or restore. The author sees it "
            "in the e-mail and on the initiative's page."
        ),
    )


class AnswerForm(FlaskForm):
    body_fi = TextAreaField(_l("Answer in Finnish"), validators=[max_length(ANSWER_MAX)])
    body_sv = TextAreaField(_l("Answer in Swedish"), validators=[max_length(ANSWER_MAX)])
    body_en = TextAreaField(_l("Answer in English"), validators=[max_length(ANSWER_MAX)])
    decision_maker = StringField(
        _l("Decision-maker"),
        filters=[strip],
        validators=[required(), max_length(DECISION_MAKER_MAX)],
        description=_l("For example: City Board, Urban Planning Committee."),
    )
    decided_on = DateField(
        _l("Date of the decision"),
        validators=[required()],
        description=_l("Format: yyyy-mm-dd."),
    )

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if not any(
            (field.data or "").strip() for field in (self.body_fi, self.body_sv, self.body_en)
        ):
            self.body_fi.errors.append(_l("Write the answer in at least one language."))
            valid = False
        return valid
