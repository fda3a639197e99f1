"""Forms: find your district, filter by party (GET, no CSRF), and the admins' councillor form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    Form,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Optional

from participate.councillors import queries, services
from participate.councillors.models import (
    ROLE_LABELS,
    SERVICE_LANGUAGE_LABELS,
    SERVICE_LANGUAGES,
    Party,
)
from participate.districts.queries import normalise_postal_code
from participate.forms import (
    MultiCheckboxField,
    NotBlank,
    PlainForm,
    email_address,
    max_length,
    optional_int,
    required,
    strip,
)
from participate.i18n.content import current_lang


def _postal_code(form: Form, field: Field) -> None:
    """The API's reading of a postal code (districts.queries.normalise_postal_code)."""
    normalised = normalise_postal_code(field.data or "")
    if normalised is None:
        raise ValidationError(_l("Enter a postal code of five digits, for example 02100."))
    field.data = normalised


class FindDistrictForm(PlainForm):
    """`?postal_code=02100` on the map page: a GET form, so no CSRF token."""

    postal_code = StringField(
        _l("Postal code"),
        filters=[strip],
        validators=[required(), _postal_code],
        description=_l("Five digits, for example 02100."),
    )


class PartyFilterForm(PlainForm):
    party = SelectField(_l("Party"), validate_choice=True)

    def __init__(self, *args: Any, parties: list[Party], lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translators: the first choice of the party filter.
        self.party.choices = [("", _l("All parties")), *((p.code, p.name(lang)) for p in parties)]


def _phone(form: Form, field: Field) -> None:
    if field.data and services.phone_problem(field.data):
        raise ValidationError(_l("Enter a phone number with digits, for example +358 9 816 0000."))


def _photo_url(form: Form, field: Field) -> None:
    if field.data and services.photo_url_problem(field.data):
        raise ValidationError(_l("Enter an address that starts with https://."))


def _term(form: Form, field: Field) -> None:
    if field.data and services.term_problem(field.data):
        raise ValidationError(_l("Enter the term as two years, for example 2025-2029."))


def _at_least_one(form: Form, field: Field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one language."))


def _choice_required(form: Form, field: Field) -> None:
    if field.data is None:
        raise ValidationError(_l("Choose one."))


class CouncillorForm(FlaskForm):
    first_name = StringField(
        _l("First name"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(services.NAME_MAX)],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(services.NAME_MAX)],
    )
    party = SelectField(
        _l("Party"), coerce=optional_int, validate_choice=True, validators=[_choice_required]
    )
    district = SelectField(
        _l("Major district"),
        coerce=optional_int,
        validate_choice=True,
        validators=[_choice_required],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.party.choices = [
            (None, _l("Choose a party")),
            *((p.id, p.name(lang)) for p in queries.list_parties()),
        ]
        self.district.choices = [
            (None, _l("Choose a major district")),
            *((d.id, d.name(lang)) for d in queries.list_district_summaries()),
        ]

    role = RadioField(
        _l("Role"),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[required()],
    )
    term = StringField(
        _l("Term"),
        filters=[strip],
        validators=[required(), _term],
        description=_l("For example 2025-2029."),
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[required(), email_address(), max_length(services.EMAIL_MAX)],
        description=_l("Shown to residents. Used to match councillors when a file is imported."),
    )
    phone = StringField(
        _l("Phone number (optional)"),
        filters=[strip],
        validators=[Optional(), _phone, max_length(30)],
    )
    photo_url = StringField(
        _l("Photo address (optional)"),
        filters=[strip],
        validators=[Optional(), _photo_url],
        description=_l("An https:// address of a photo on the city's website."),
    )
    languages = MultiCheckboxField(
        _l("Languages the councillor serves residents in"),
        choices=[(code, SERVICE_LANGUAGE_LABELS[code]) for code in SERVICE_LANGUAGES],
        validators=[_at_least_one],
    )
    committees_fi = TextAreaField(
        _l("Committees in Finnish (optional)"),
        filters=[strip],
        validators=[max_length(services.COMMITTEES_MAX)],
    )
    committees_sv = TextAreaField(
        _l("Committees in Swedish (optional)"),
        filters=[strip],
        validators=[max_length(services.COMMITTEES_MAX)],
    )
    committees_en = TextAreaField(
        _l("Committees in English (optional)"),
        filters=[strip],
        validators=[max_length(services.COMMITTEES_MAX)],
    )

    def to_data(self) -> services.CouncillorData:
        return services.CouncillorData(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            party_id=self.party.data,
            district_id=self.district.data,
            email=self.email.data,
            term=self.term.data,
            role=services.CouncillorRole(self.role.data),
            languages=tuple(c for c in SERVICE_LANGUAGES if c in (self.languages.data or [])),
            phone=self.phone.data or None,
            photo_url=self.photo_url.data or None,
            committees_fi=self.committees_fi.data or "",
            committees_sv=self.committees_sv.data or "",
            committees_en=self.committees_en.data or "",
        )

    def fill_from(self, data: services.CouncillorData) -> None:
        values: dict[str, Any] = {
            "first_name": data.first_name,
            "last_name": data.last_name,
            "party": data.party_id,
            "district": data.district_id,
            "email": data.email,
            "term": data.term,
            "role": data.role.value,
            "languages": list(data.languages),
            "phone": data.phone or "",
            "photo_url": data.photo_url or "",
            "committees_fi": data.committees_fi,
            "committees_sv": data.committees_sv,
            "committees_en": data.committees_en,
        }
        for name, value in values.items():
            getattr(self, name).data = value
