"""Desk and admin forms: decisions (one item or several), the city's answer, corrections,
standard reasons, residents' reports, periods, the audit log's search, accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from participate.accounts.models import ROLE_LABELS, Role
from participate.forms import MultiCheckboxField, NotBlank, max_length, required, strip
from participate.i18n.content import current_lang
from participate.initiatives.models import ANSWER_MAX, DECISION_MAKER_MAX, MINUTES_URL_MAX
from participate.moderation.admin_queries import list_audit_actions, list_audit_object_kinds
from participate.moderation.audit_labels import describe_action, describe_kind
from participate.moderation.editing import EditableField
from participate.moderation.models import (
    REASON_TEXT_MAX,
    REPORT_DETAILS_MAX,
    REPORT_REASON_LABELS,
    ReportReason,
)
from participate.moderation.periods import Period
from participate.moderation.queries import list_reasons
from participate.moderation.users import REASON_MAX
from participate.workflow.models import ModeratedMixin
from participate.workflow.states import Action

# Longest period for statistics and the council report: longer ones are slow and unreadable.
PERIOD_MAX_DAYS = 5 * 366


# The decisions the generic route takes; anything else (the answer) has its own route.
DESK_ACTIONS = (
    Action.APPROVE,
    Action.REJECT,
    Action.REQUEST_CHANGES,
    Action.HIDE,
    Action.UNHIDE,
    Action.CLOSE,
)


def reason_choices() -> list[tuple[int, str]]:
    """The active standard reasons, in the page's language."""
    lang = current_lang()
    return [(reason.id, reason.text(lang).text) for reason in list_reasons(active_only=True)]


class DecisionForm(FlaskForm):
    """A decision on `item`: the actions its workflow allows from its status now."""

    action = RadioField(_l("Decision"), validators=[required()])
    reasons = MultiCheckboxField(
        _l("Standard reasons"),
        coerce=int,
        description=_l("The author reads them in their own language."),
    )
    reason = TextAreaField(
        _l("Reason or note to the author"),
        filters=[strip],
        validators=[max_length(4000)],
        description=_l(
            "A reason is required when you reject, return for changes, hide or restore: choose "
            "a standard reason, write your own, or both. The author sees it in the e-mail and "
            "on the page."
        ),
    )

    def __init__(self, *args: Any, item: ModeratedMixin, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            (action.value, action.label)
            for action in DESK_ACTIONS
            if item.workflow.can(item.status, action)
        ]
        self.reasons.choices = reason_choices()


class AnswerForm(FlaskForm):
    body_fi = TextAreaField(_l("Answer in Finnish"), validators=[max_length(ANSWER_MAX)])
    body_sv = TextAreaField(_l("Answer in Swedish"), validators=[max_length(ANSWER_MAX)])
    body_en = TextAreaField(_l("Answer in English"), validators=[max_length(ANSWER_MAX)])
    decision_maker = StringField(
        _l("Decision-maker"),
        filters=[strip],
        validators=[required(), max_length(DECISION_MAKER_MAX)],
        description=_l(
            "In Finnish. For example: Kaupunginhallitus, Kaupunkisuunnittelulautakunta."
        ),
    )
    decision_maker_sv = StringField(
        _l("Decision-maker in Swedish (optional)"),
        filters=[strip],
        validators=[max_length(DECISION_MAKER_MAX)],
        description=_l(
            "For example: Stadsstyrelsen. Swedish pages show the Finnish name if empty."
        ),
    )
    decision_maker_en = StringField(
        _l("Decision-maker in English (optional)"),
        filters=[strip],
        validators=[max_length(DECISION_MAKER_MAX)],
        description=_l("For example: City Board. English pages show the Finnish name if empty."),
    )
    decided_on = DateField(_l("Date of the decision"), validators=[required()])

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if not any(
            (field.data or "").strip() for field in (self.body_fi, self.body_sv, self.body_en)
        ):
            self.body_fi.errors.append(_l("Write the answer in at least one language."))
            valid = False
        return valid


class BulkDecisionForm(FlaskForm):
    """Several submissions from the queue; choices of `items` are the queue's entry keys."""

    items = SelectMultipleField(_l("Submissions"))
    action = RadioField(
        _l("Decision for the chosen submissions"),
        choices=[
            (Action.APPROVE.value, _l("Approve and publish")),
            (Action.REJECT.value, _l("Reject")),
        ],
        validators=[required()],
    )
    reasons = MultiCheckboxField(
        _l("Standard reasons"),
        coerce=int,
        description=_l("Required when you reject. The authors read them in their own language."),
    )
    reason = TextAreaField(
        _l("Note to the authors (optional)"), filters=[strip], validators=[max_length(4000)]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons.choices = reason_choices()
        # What was posted is checked against the queue by the view (decide_many).
        self.items.choices = [(value, value) for value in self.items.data or []]


def edit_form(fields: tuple[EditableField, ...], obj: Any = None) -> FlaskForm:
    """A form with the kind's editable texts (see editing.EDITORS) and the note to the author."""

    class EditForm(FlaskForm):
        reason = TextAreaField(
            _l("What you changed and why"),
            filters=[strip],
            validators=[required(), NotBlank(), max_length(4000)],
            description=_l("The author gets this note by e-mail. It is kept in the audit log."),
        )

    for editable in fields:
        field_class = TextAreaField if editable.multiline else StringField
        setattr(
            EditForm,
            editable.name,
            field_class(
                editable.label, filters=[strip], validators=[max_length(editable.max_length)]
            ),
        )
    return EditForm(obj=obj)


class CloseReportsForm(FlaskForm):
    close_note = TextAreaField(
        _l("Note for the audit log (optional)"), filters=[strip], validators=[max_length(2000)]
    )


class ReasonForm(FlaskForm):
    text_fi = TextAreaField(
        _l("Reason in Finnish"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(REASON_TEXT_MAX)],
    )
    text_sv = TextAreaField(
        _l("Reason in Swedish"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(REASON_TEXT_MAX)],
    )
    text_en = TextAreaField(
        _l("Reason in English"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(REASON_TEXT_MAX)],
    )
    position = IntegerField(
        _l("Order in the list"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message=_l("Enter a number from 0 to 100000.")),
        ],
        description=_l("Smaller numbers come first."),
    )
    is_active = BooleanField(_l("In use: offered when deciding"), default=True)


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=[(reason.value, REPORT_REASON_LABELS[reason]) for reason in ReportReason],
        validators=[required()],
    )
    details = TextAreaField(
        _l("Tell us more"),
        filters=[strip],
        validators=[max_length(REPORT_DETAILS_MAX)],
        description=_l("Required if you chose “Something else”. Do not write personal data."),
    )


class PeriodForm(FlaskForm):
    """A reporting period from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("First day"), validators=[required()])
    # No format hint: the browser's date picker shows the format it wants (issue #12).
    end = DateField(_l("Last day"), validators=[required()])

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.start.data > self.end.data:
            self.end.errors.append(_l("The last day must be on or after the first day."))
            valid = False
        elif valid and (self.end.data - self.start.data).days > PERIOD_MAX_DAYS:
            self.end.errors.append(_l("Choose a period of at most five years."))
            valid = False
        elif valid and self.start.data < date(2000, 1, 1):
            self.start.errors.append(_l("Choose a day in 2000 or later."))
            valid = False
        return valid

    @property
    def period(self) -> Period:
        return Period(self.start.data, self.end.data)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(
        _l("Who"),
        filters=[strip],
        validators=[max_length(200)],
        description=_l("Part of a name or an e-mail address."),
    )
    action = SelectField(_l("Action"), default="", validate_choice=True)
    object_kind = SelectField(_l("Object"), default="", validate_choice=True)
    object_id = IntegerField(
        _l("Object number"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number, 1 or more."))],
    )
    q = StringField(
        _l("Search the texts"),
        filters=[strip],
        validators=[max_length(200)],
        description=_l("Searches titles, reasons and the texts before and after."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("", _l("All actions")),
            *((action, describe_action(action)) for action in list_audit_actions()),
        ]
        self.object_kind.choices = [
            ("", _l("All objects")),
            *((kind, describe_kind(kind)) for kind in list_audit_object_kinds()),
        ]


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail address"), filters=[strip], validators=[max_length(200)])
    role = SelectField(
        _l("Role"),
        choices=[("", _l("All roles")), *((role.value, ROLE_LABELS[role]) for role in Role)],
        default="",
        validate_choice=True,
    )
    blocked = SelectField(
        _l("Blocked"),
        choices=[("", _l("All accounts")), ("yes", _l("Blocked only")), ("no", _l("Not blocked"))],
        default="",
        validate_choice=True,
    )


class RoleForm(FlaskForm):
    role = RadioField(
        _l("Role"),
        choices=[(role.value, ROLE_LABELS[role]) for role in Role],
        validators=[required()],
    )
    role_reason = TextAreaField(
        _l("Reason (optional)"),
        filters=[strip],
        validators=[max_length(REASON_MAX)],
        description=_l("Kept in the audit log."),
    )


class BlockForm(FlaskForm):
    block_reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[max_length(REASON_MAX)],
        description=_l("Kept in the audit log. Required when you block an account."),
    )


class CouncilDecisionForm(FlaskForm):
    """The council took a filed initiative up (Local Government Act 410/2015 s. 23)."""

    decided_on = DateField(
        _l("Date of the council meeting"),
        validators=[required()],
    )
    minutes_url = StringField(
        _l("Link to the minutes"),
        filters=[strip],
        validators=[required(), max_length(MINUTES_URL_MAX)],
        description=_l("The web address of the meeting's minutes, starting with https://."),
    )
