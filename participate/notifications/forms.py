"""The notification settings form: one radio group per kind of event, and the language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, RadioField

from participate.forms import PlainForm, required
from participate.i18n.locale import LANG_NAMES, LANGS
from participate.notifications.kinds import EVENT_KINDS
from participate.notifications.models import Frequency

FREQUENCY_CHOICES = [
    (Frequency.IMMEDIATELY.value, _l("Immediately")),
    (Frequency.DAILY.value, _l("In a daily digest")),
    (Frequency.WEEKLY.value, _l("In a weekly digest")),
    (Frequency.NEVER.value, _l("Never")),
]


def _kinds_form() -> type[Form]:
    fields: dict[str, Any] = {
        kind: RadioField(label, choices=FREQUENCY_CHOICES, validators=[required()])
        for kind, (label, _line) in EVENT_KINDS.items()
    }
    return type("KindsForm", (PlainForm,), fields)


class NotificationSettingsForm(FlaskForm):
    kinds = FormField(_kinds_form(), label=_l("What you hear about"), separator="-")
    language = RadioField(
        _l("Language for e-mails"),
        choices=[(code, LANG_NAMES[code]) for code in LANGS],
        validators=[required()],
    )
