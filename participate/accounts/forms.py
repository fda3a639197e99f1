"""Account forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import EqualTo

from participate.districts.queries import list_districts
from participate.forms import NotBlank, email_address, max_length, optional_int, required, strip
from participate.i18n.content import current_lang
from participate.i18n.locale import LANG_NAMES, LANGS

LANGUAGE_CHOICES = [(code, LANG_NAMES[code]) for code in LANGS]


def home_district_choices() -> list[tuple[int | None, str]]:
    """The major districts in the page's language, after "No district chosen"."""
    lang = current_lang()
    return [(None, _l("No district chosen")), *((d.id, d.name(lang)) for d in list_districts())]


def _confirm() -> EqualTo:
    return EqualTo("password", message=_l("The passwords do not match."))


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Name"),
        validators=[required(), NotBlank(), max_length(80)],
        description=_l("Shown with what you write, if you choose to. A first name is enough."),
    )
    email = EmailField(
        _l("E-mail address"), validators=[required(), email_address()], filters=[strip]
    )
    password = PasswordField(
        _l("Password"),
        validators=[required()],
        description=_l("At least 10 characters. A few words in a row make a good password."),
    )
    password_confirm = PasswordField(_l("Password again"), validators=[required(), _confirm()])
    language = RadioField(
        _l("Language for e-mails"), choices=LANGUAGE_CHOICES, validators=[required()]
    )
    home_district = SelectField(
        _l("Home district (optional)"),
        coerce=optional_int,
        validate_choice=True,
        description=_l("We use it to suggest matters near you. You can leave it empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.home_district.choices = home_district_choices()


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[required(), email_address()], filters=[strip]
    )
    password = PasswordField(_l("Password"), validators=[required()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[required(), email_address()], filters=[strip]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[required()],
        description=_l("At least 10 characters. A few words in a row make a good password."),
    )
    password_confirm = PasswordField(_l("New password again"), validators=[required(), _confirm()])


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[required(), NotBlank(), max_length(80)])
    language = RadioField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[required()])
    home_district = SelectField(
        _l("Home district (optional)"), coerce=optional_int, validate_choice=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.home_district.choices = home_district_choices()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[required()])
    password = PasswordField(
        _l("New password"),
        validators=[required()],
        description=_l("At least 10 characters. A few words in a row make a good password."),
    )
    password_confirm = PasswordField(_l("New password again"), validators=[required(), _confirm()])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[required()])
