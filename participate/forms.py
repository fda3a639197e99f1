"""Shared form pieces: validators with plain-language, translated messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import DateField, Field, Form, ValidationError
from wtforms.validators import Email, InputRequired, Length
from wtforms.widgets import TextInput

from participate.inputs import parse_date


class PlainForm(Form):
    """Base for every form that is not a FlaskForm (GET filters, forms inside a `FormField`):
    no CSRF token of its own, and WTForms' own messages ("Not a valid choice") in the page's
    language as in a FlaskForm. A bare `wtforms.Form` would answer in English."""

    class Meta:
        def get_translations(self, form: Form) -> Any:
            return wtforms_translations


def required() -> InputRequired:
    return InputRequired(message=_l("Fill in this field."))


def max_length(count: int) -> Length:
    return Length(max=count, message=_l("Use at most %(count)s characters.", count=count))


def email_address() -> Email:
    # Email() never looks up DNS (no check_deliverability), which suits a closed network.
    return Email(message=_l("Enter an e-mail address in the form name@example.fi."))


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def optional_int(value: Any) -> int | None:
    """Coerce for select fields whose first choice is "none"."""
    if value in (None, "", "None"):
        return None
    return int(value)


class NotBlank:
    """Rejects input that is only whitespace (InputRequired accepts "   ")."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and not field.data.strip():
            raise ValidationError(_l("Fill in this field."))


def show_domain_error(form: Form, error: Any) -> None:
    """Attach a DomainError to its field, or to the form as a whole."""
    field = getattr(form, error.field, None) if getattr(error, "field", None) else None
    if field is not None:
        field.errors = [*field.errors, error.message] if field.errors else [error.message]
    else:
        form.form_errors.append(error.message)


class TextDateField(DateField):
    """A date typed in one text box (one Tab stop; a browser's date input takes three or
    four): ``1.12.2026`` or ``2026-12-01`` (`participate.inputs.parse_date`). Shown as
    ``d.m.yyyy``; what the person typed is shown back as typed. `data` is a `date` or None;
    text that is not a date leaves None and the error "Not a valid date value." (forms
    replace it with their own message)."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = " ".join(str(value) for value in valuelist).strip()
        if not raw:
            self.data = None
            return
        self.data = parse_date(raw)
        if self.data is None:
            raise ValueError(self.gettext("Not a valid date value."))

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(str(value) for value in self.raw_data)
        if self.data:
            return f"{self.data.day}.{self.data.month}.{self.data.year}"
        return ""
