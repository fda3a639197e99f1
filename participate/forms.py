"""Shared form pieces: validators with plain-language, translated messages, and the one
mechanism every view and admin page uses to handle a submission (`handle_form`,
`handle_action`): validate → call one service → commit or roll back → flash → redirect, or
show the page again with status 400."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, flash, make_response, redirect, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import DateField, Field, Form, SelectMultipleField, ValidationError
from wtforms.validators import Email, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from participate.errors import DomainError
from participate.extensions import db
from participate.inputs import parse_date

T = TypeVar("T")


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice as a list of checkboxes (one Tab stop and label each), not a
    multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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


def show_domain_error(form: Form, error: DomainError) -> None:
    """Attach a DomainError to its field (`error.field`, which the service sets), or to the
    form as a whole when it names no field of this form. The one place that maps domain
    errors to fields: the error summary then links to that field (issue #12)."""
    field = form[error.field] if error.field and error.field in form else None
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


# Handling a submission -----------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """What a successful submission answers: flash `message` (when there is one) under
    `category`, then redirect to `url` (POST/redirect/GET)."""

    url: str
    message: Any = None
    category: str = "success"


Outcome = Done | ResponseReturnValue


def _answer(outcome: Outcome) -> ResponseReturnValue:
    if isinstance(outcome, Done):
        if outcome.message:
            flash(str(outcome.message), outcome.category)
        return redirect(outcome.url)
    return outcome


def handle_action(
    action: Callable[[], T],
    *,
    done: Callable[[T], Outcome],
    failed: Callable[[DomainError], ResponseReturnValue] | None = None,
) -> ResponseReturnValue:
    """Call one service (`action`) and commit once (the shape of Indico's `RH.process`).

    On success the transaction is committed first, then `done(result)` answers: a `Done`
    flashes and redirects, anything else (a page, a response) is returned as it is; `done` may
    also sign someone in or out, which only happens once the change is stored.
    On a `DomainError` the transaction is rolled back (nothing half-written stays in the
    session) and `failed(error)` answers; without `failed` the error propagates.
    Any other exception propagates to the 500 handler, which rolls back too.
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if failed is None:
            raise
        return failed(error)
    db.session.commit()
    return _answer(done(result))


def handle_form(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    done: Callable[[T], Outcome],
    template: str | None = None,
    page: Callable[[], ResponseReturnValue] | None = None,
    back: str | None = None,
    problems: Iterable[DomainError | None] = (),
    **context: Any,
) -> ResponseReturnValue:
    """Handle one form the same way on every page.

    - Not submitted (GET): the page, status 200.
    - Submitted: validate (CSRF and fields); `problems` are domain rules the view asks before
      the service (shown together with the form's own errors, so every mistake shows at once).
      If all is well, `handle_action(action, done=done)`: commit, then `done(result)`.
    - Invalid input, or the service raised a `DomainError`: the error goes on its field or
      the form (`show_domain_error`), and the page is shown again with status 400. The form
      still holds what the person typed, and the error summary takes the focus.

    The page is `render_template(template, form=form, **context)`, or `page()` when the page
    is built by the view (several forms, a status of its own). With `back` (a button that
    has no page of its own: support, follow, delete), invalid input is a plain 400 and a
    domain error is flashed on the page at `back`.
    """
    valid = form.validate_on_submit()
    if form.is_submitted():
        for problem in problems:
            if problem is not None:
                show_domain_error(form, problem)
                valid = False

    if back is not None:
        if not valid:
            abort(400)
        return handle_action(
            action, done=done, failed=lambda error: _answer(Done(back, error.message, "error"))
        )

    def again(status: int) -> ResponseReturnValue:
        if page is not None:
            response = make_response(page())
        elif template is not None:
            response = make_response(render_template(template, form=form, **context))
        else:
            raise TypeError("handle_form needs a template, a page or a back URL")
        if status != 200:
            response.status_code = status
        return response

    def failed(error: DomainError) -> ResponseReturnValue:
        show_domain_error(form, error)
        return again(400)

    if valid:
        return handle_action(action, done=done, failed=failed)
    return again(400 if form.is_submitted() else 200)
