"""Activity forms: propose/edit, sign up, the organiser's message and cancellation, the list
filters. Times are entered in Helsinki time and stored in UTC (`to_utc`, `to_local`)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FloatField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from participate.activities.models import (
    ORGANISER_LABELS,
    SIGNUP_LIMITS,
    TEXT_LIMITS,
    OrganiserKind,
)
from participate.activities.queries import ActivityFilters
from participate.activities.services import MAX_GROUP_SIZE, SPOKEN_LANGUAGES, ActivityDetails
from participate.districts.queries import list_districts
from participate.forms import (
    MultiCheckboxField,
    NotBlank,
    PlainForm,
    TextDateField,
    email_address,
    max_length,
    optional_int,
    required,
    strip,
)
from participate.i18n.content import current_lang
from participate.i18n.formatting import to_local, to_utc
from participate.i18n.locale import LANGS, TIMEZONE
from participate.text import language_name

HELSINKI = ZoneInfo(TIMEZONE)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# Espoo and a margin around it: a point far outside is a typing mistake.
LAT_RANGE = (59.9, 60.5)
LON_RANGE = (24.3, 25.1)


def limit(name: str) -> Length:
    """The length check of an activity field, from the one table (models.TEXT_LIMITS)."""
    return max_length(TEXT_LIMITS[name])


def signup_limit(name: str) -> Length:
    """The length check of a sign-up field, from models.SIGNUP_LIMITS (also `maxlength`)."""
    return max_length(SIGNUP_LIMITS[name])


def spoken_language_choices() -> list[tuple[str, str]]:
    """The languages an activity can list, named in the page's language."""
    return [(code, language_name(code)) for code in SPOKEN_LANGUAGES]


class ActivityForm(FlaskForm):
    title_fi = StringField(_l("Title in Finnish"), filters=[strip], validators=[limit("title_fi")])
    description_fi = TextAreaField(
        _l("Description in Finnish"), filters=[strip], validators=[limit("description_fi")]
    )
    accessibility_fi = TextAreaField(
        _l("Accessibility in Finnish"),
        filters=[strip],
        validators=[limit("accessibility_fi")],
        description=_l("For example: step-free entrance, accessible toilet, induction loop."),
    )
    title_sv = StringField(_l("Title in Swedish"), filters=[strip], validators=[limit("title_sv")])
    description_sv = TextAreaField(
        _l("Description in Swedish"), filters=[strip], validators=[limit("description_sv")]
    )
    accessibility_sv = TextAreaField(
        _l("Accessibility in Swedish"), filters=[strip], validators=[limit("accessibility_sv")]
    )
    title_en = StringField(_l("Title in English"), filters=[strip], validators=[limit("title_en")])
    description_en = TextAreaField(
        _l("Description in English"), filters=[strip], validators=[limit("description_en")]
    )
    accessibility_en = TextAreaField(
        _l("Accessibility in English"), filters=[strip], validators=[limit("accessibility_en")]
    )

    organiser_kind = RadioField(
        _l("Organiser"),
        choices=[(kind.value, ORGANISER_LABELS[kind]) for kind in OrganiserKind],
        default=OrganiserKind.RESIDENTS.value,
        validators=[required()],
    )
    organiser_name = StringField(
        _l("Name of the organiser"),
        filters=[strip],
        validators=[required(), NotBlank(), limit("organiser_name")],
        description=_l("A city unit or a group of residents, e.g. Tapiola residents' association."),
    )
    organiser_contact = StringField(
        _l("Contact for questions (optional)"),
        filters=[strip],
        validators=[limit("organiser_contact")],
        description=_l("An e-mail address or telephone number. It is shown on the activity page."),
    )
    district = SelectField(_l("Major district"), coerce=optional_int, validators=[required()])
    place = StringField(
        _l("Place"),
        filters=[strip],
        validators=[required(), NotBlank(), limit("place")],
        description=_l(
            "Address and, if needed, the room: e.g. Tapiolan kirjasto, Kauppamiehentie 6."
        ),
    )
    place_sv = StringField(
        _l("Place in Swedish (optional)"),
        filters=[strip],
        validators=[limit("place_sv")],
        description=_l("Swedish pages show the place above if this is empty."),
    )
    place_en = StringField(
        _l("Place in English (optional)"),
        filters=[strip],
        validators=[limit("place_en")],
        description=_l("English pages show the place above if this is empty."),
    )
    lat = FloatField(
        _l("Latitude (optional)"),
        validators=[
            Optional(),
            NumberRange(*LAT_RANGE, message=_l("Give a point inside the city.")),
        ],
        description=_l("To show the place on the map, e.g. 60.1756."),
    )
    lon = FloatField(
        _l("Longitude (optional)"),
        validators=[
            Optional(),
            NumberRange(*LON_RANGE, message=_l("Give a point inside the city.")),
        ],
        description=_l("For example 24.8053."),
    )
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=DATETIME_FORMAT,
        validators=[required()],
        description=_l("Date and time in Finnish time, e.g. 6.12.2026 18.00."),
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[required()])
    capacity = IntegerField(
        _l("Number of places (optional)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter at least 1."))],
        description=_l("Leave empty if there is no limit."),
    )
    max_group_size = IntegerField(
        _l("Largest group per sign-up"),
        default=1,
        validators=[
            required(),
            NumberRange(
                1,
                MAX_GROUP_SIZE,
                message=_l("Enter a number from 1 to %(max)s.", max=MAX_GROUP_SIZE),
            ),
        ],
        description=_l("How many people one person may sign up at once, themselves included."),
    )
    signup_opens_at = DateTimeLocalField(
        _l("Sign-up opens (optional)"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Leave empty to open sign-up as soon as the activity is published."),
    )
    signup_closes_at = DateTimeLocalField(
        _l("Sign-up closes (optional)"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Leave empty to take sign-ups until the activity starts."),
    )
    languages = MultiCheckboxField(_l("Languages spoken at the activity"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.district.choices = [
            (None, _l("Choose a district")),
            *((d.id, d.name(lang)) for d in list_districts()),
        ]
        self.languages.choices = spoken_language_choices()

    def details(self) -> ActivityDetails:
        return ActivityDetails(
            title={lang: self[f"title_{lang}"].data or "" for lang in LANGS},
            description={lang: self[f"description_{lang}"].data or "" for lang in LANGS},
            accessibility={lang: self[f"accessibility_{lang}"].data or "" for lang in LANGS},
            organiser_kind=OrganiserKind(self.organiser_kind.data),
            organiser_name=self.organiser_name.data or "",
            organiser_contact=self.organiser_contact.data or "",
            district_id=self.district.data,
            place=self.place.data or "",
            place_translations={lang: self[f"place_{lang}"].data or "" for lang in ("sv", "en")},
            lat=self.lat.data,
            lon=self.lon.data,
            starts_at=to_utc(self.starts_at.data),  # type: ignore[arg-type]
            ends_at=to_utc(self.ends_at.data),  # type: ignore[arg-type]
            capacity=self.capacity.data,
            signup_opens_at=to_utc(self.signup_opens_at.data),
            signup_closes_at=to_utc(self.signup_closes_at.data),
            max_group_size=self.max_group_size.data or 1,
            languages=list(self.languages.data or []),
        )

    def fill_from(self, activity: Any) -> None:
        """Prefill from an activity (GET of the edit page), times in Helsinki time."""
        for lang in LANGS:
            for name in ("title", "description", "accessibility"):
                self[f"{name}_{lang}"].data = getattr(activity, f"{name}_{lang}")
        self.organiser_kind.data = activity.organiser_kind.value
        self.organiser_name.data = activity.organiser_name
        self.organiser_contact.data = activity.organiser_contact
        self.district.data = activity.district_id
        self.place.data = activity.place
        self.place_sv.data, self.place_en.data = activity.place_sv, activity.place_en
        self.lat.data, self.lon.data = activity.lat, activity.lon
        self.starts_at.data = to_local(activity.starts_at)
        self.ends_at.data = to_local(activity.ends_at)
        self.capacity.data = activity.capacity
        self.max_group_size.data = activity.max_group_size
        self.signup_opens_at.data = to_local(activity.signup_opens_at)
        self.signup_closes_at.data = to_local(activity.signup_closes_at)
        self.languages.data = activity.languages


# The browser sends these when a date or number cannot be read: say it in the page's language.
DATETIME_ERROR = _l("Enter the date and time, e.g. 6.12.2026 18.00.")
DATE_ERROR = _l("Enter a date, e.g. 6.12.2026.")
NUMBER_ERROR = _l("Enter a whole number.")
DECIMAL_ERROR = _l("Enter a number, e.g. 60.1756.")


CHOICE_ERROR = _l("Choose one of the options in the list.")


def _has_unknown_choice(f: Any) -> bool:
    known = {str(choice[0]) for choice in f.choices or ()}
    return any(value and str(value) not in known for value in f.raw_data)


def translate_type_errors(form: Form) -> None:
    """Replace WTForms' own parse errors ("Not a valid integer value.", "Not a valid
    choice.") with ours, which say what to do in the page's language."""
    for f in form:
        if not f.errors or not f.raw_data:
            continue
        if isinstance(f, SelectField | SelectMultipleField) and _has_unknown_choice(f):
            f.errors = [CHOICE_ERROR]
        elif isinstance(f, DateTimeLocalField) and f.data is None:
            f.errors = [DATETIME_ERROR]
        elif isinstance(f, DateField) and f.data is None:
            f.errors = [DATE_ERROR]
        elif isinstance(f, IntegerField) and f.data is None:
            f.errors = [NUMBER_ERROR]
        elif isinstance(f, FloatField) and f.data is None:
            f.errors = [DECIMAL_ERROR]


class SignupForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip], validators=[required(), NotBlank(), signup_limit("name")]
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[required(), email_address(), signup_limit("email")],
        description=_l("We send the confirmation and a link for cancelling here."),
    )
    phone = TelField(
        _l("Telephone number (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            signup_limit("phone"),
            Regexp(
                r"^\+?[0-9 ()-]{5,30}$",
                message=_l("Enter a telephone number, e.g. 040 123 4567."),
            ),
        ],
        description=_l("Only if the organiser may call you about changes."),
    )
    people = IntegerField(_l("Number of people"), default=1, validators=[required()])
    accessibility_needs = TextAreaField(
        _l("Accessibility needs (optional)"),
        filters=[strip],
        validators=[signup_limit("accessibility_needs")],
        description=_l(
            "For example: wheelchair, interpreter, induction loop. Only the organiser sees this."
        ),
    )
    consent = BooleanField(
        _l("I agree that my details are used to handle this sign-up."),
        validators=[InputRequired(_l("Tick the box to accept how we handle your details."))],
    )


class CancelSignupForm(FlaskForm):
    pass


class ResendLinkForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        filters=[strip],
        validators=[required(), email_address(), signup_limit("email")],
    )


class MessageForm(FlaskForm):
    subject = StringField(
        _l("Subject"), filters=[strip], validators=[required(), NotBlank(), max_length(150)]
    )
    body = TextAreaField(_l("Message"), filters=[strip], validators=[required(), NotBlank()])
    include_waiting = BooleanField(_l("Send it also to the people on the waiting list"))


class CancelActivityForm(FlaskForm):
    note = TextAreaField(
        _l("Why is the activity cancelled?"),
        filters=[strip],
        validators=[required(), NotBlank(), limit("cancellation_note")],
        description=_l("Everyone who signed up gets this note by e-mail and sees it on the page."),
    )


class FilterForm(PlainForm):
    """The list filters, read from the query string (GET, no CSRF)."""

    district = SelectField(_l("Major district"), default="", validate_choice=True)
    # One text box per date (one Tab stop each; a date input takes three or four).
    date_from = TextDateField(
        _l("From"), validators=[Optional()], description=_l("For example 1.12.2026")
    )
    date_to = TextDateField(
        _l("To"), validators=[Optional()], description=_l("For example 1.12.2026")
    )
    language = SelectField(_l("Language spoken"), default="", validate_choice=True)
    has_places = BooleanField(
        _l("Only activities with free places"), false_values=(False, "false", "0", "")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.district.choices = [
            ("", _l("All districts")),
            *((d.slug, d.name(lang)) for d in list_districts()),
        ]
        self.language.choices = [("", _l("Any language")), *spoken_language_choices()]

    def filters(self, *, archive: bool = False) -> ActivityFilters:
        """What the (validated) form asks the list for."""
        return ActivityFilters(
            district=self.district.data or None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            language=self.language.data or None,
            has_places=bool(self.has_places.data),
            archive=archive,
        )

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))
