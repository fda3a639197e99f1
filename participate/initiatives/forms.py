"""The initiative form (write, preview, save, send) and the list's filter form."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from participate.districts.queries import list_districts
from participate.forms import (
    MultiCheckboxField,
    NotBlank,
    PlainForm,
    max_length,
    optional_int,
    required,
    strip,
)
from participate.i18n.content import current_lang
from participate.i18n.locale import LANG_AUTONYMS, LANGS
from participate.initiatives.lifecycle import INITIATIVE_LIFECYCLE
from participate.initiatives.models import BODY_MAX, SDG_GOALS, TITLE_MAX, WHOLE_CITY, AuthorDisplay
from participate.initiatives.queries import list_themes
from participate.initiatives.services import FROM_POINT

# Espoo lies within these bounds; anything further is surely a typing mistake.
LAT_RANGE = (59.0, 61.0)
LON_RANGE = (23.5, 26.0)


def parse_coordinate(value: str | None) -> float | None:
    """ "60,18" (Finnish decimal comma) and "60.18" both work; "" is no value."""
    if value is None or not str(value).strip():
        return None
    return float(str(value).strip().replace(",", ".").replace("\u2212", "-"))


class InitiativeForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[required(), NotBlank(), max_length(TITLE_MAX)],
        description=_l("A short sentence that says what you propose."),
    )
    body = TextAreaField(
        _l("Your initiative"),
        validators=[required(), NotBlank(), max_length(BODY_MAX)],
        description=_l(
            "What should the city do, where, and why? Leave an empty line between paragraphs. "
            "Web addresses become links."
        ),
    )
    theme = SelectField(_l("Theme"), coerce=optional_int, validate_choice=False)
    district = SelectField(
        _l("Major district"),
        validate_choice=False,
        description=_l("The district the initiative concerns. A point on the map fills it in."),
    )
    lat = StringField(_l("Latitude"), filters=[strip])
    lon = StringField(_l("Longitude"), filters=[strip])
    goals = MultiCheckboxField(
        _l("UN Sustainable Development Goals (optional)"),
        coerce=int,
        validate_choice=False,
        description=_l("Choose the goals your initiative furthers, if any."),
    )
    language = RadioField(
        _l("Language of your text"),
        choices=[(code, LANG_AUTONYMS[code]) for code in LANGS],
        validators=[required()],
    )
    author_display = RadioField(
        _l("How you are shown to others"),
        validators=[required()],
    )

    def __init__(self, *args: Any, author: Any, **kwargs: Any) -> None:
        """`author`: the writing resident (a User): their name and home district are
        the two ways of being shown."""
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.theme.choices = [
            (None, _l("Choose a theme")),
            *((t.id, t.name(lang).text) for t in list_themes()),
        ]
        self.district.choices = [
            (FROM_POINT, _l("Choose, or mark a point on the map")),
            (WHOLE_CITY, _l("Whole city")),
            *((d.slug, d.name(lang)) for d in list_districts()),
        ]
        self.goals.choices = [(number, f"{number}. {name}") for number, name in SDG_GOALS.items()]
        home = author.home_district
        self.author_display.choices = author_display_choices(
            author.display_name, home.name(lang) if home else None
        )

    def validate_theme(self, field: Any) -> None:
        valid = {value for value, _label in field.choices if value is not None}
        if field.data is None:
            raise ValidationError(_l("Choose a theme."))
        if field.data not in valid:
            raise ValidationError(_l("Choose a theme from the list."))

    def validate_district(self, field: Any) -> None:
        valid = {value for value, _label in field.choices}
        if field.data not in valid:
            raise ValidationError(_l("Choose a major district from the list."))

    def validate_goals(self, field: Any) -> None:
        valid = {value for value, _label in field.choices}
        if any(goal not in valid for goal in field.data or ()):
            raise ValidationError(_l("Choose goals from the list."))

    def validate_lat(self, field: Any) -> None:
        self._coordinate(field, LAT_RANGE)

    def validate_lon(self, field: Any) -> None:
        self._coordinate(field, LON_RANGE)

    def _coordinate(self, field: Any, bounds: tuple[float, float]) -> None:
        try:
            value = parse_coordinate(field.data)
        except ValueError:
            raise ValidationError(_l("Write a number, for example 60.2055.")) from None
        if value is not None and not bounds[0] <= value <= bounds[1]:
            raise ValidationError(
                _l("The point is outside the city. Choose a point inside it, or none.")
            )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.lat.errors and not self.lon.errors:
            has_lat, has_lon = bool(self.lat.data), bool(self.lon.data)
            if has_lat != has_lon:
                missing = self.lon if has_lat else self.lat
                missing.errors.append(_l("Give both latitude and longitude, or neither."))
                valid = False
            if not has_lat and self.district.data == FROM_POINT and not self.district.errors:
                self.district.errors.append(
                    _l("Choose a major district or the whole city, or mark a point on the map.")
                )
                valid = False
        return valid

    @property
    def point(self) -> tuple[float | None, float | None]:
        return parse_coordinate(self.lat.data), parse_coordinate(self.lon.data)


class SupportForm(FlaskForm):
    """Support or withdraw: only the CSRF token; the button says which."""


class FilterForm(PlainForm):
    """The list's filters: a GET form, so no CSRF token (it changes nothing)."""

    q = SearchField(_l("Search"), filters=[strip])
    district = SelectField(_l("Major district"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    sdg = SelectField(_l("UN goal"), validate_choice=False)
    sort = SelectField(
        _l("Order"),
        choices=[("newest", _l("Newest first")), ("supported", _l("Most supported first"))],
        validate_choice=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = current_lang()
        self.district.choices = [
            ("", _l("All districts")),
            (WHOLE_CITY, _l("Whole city")),
            *((d.slug, d.name(lang)) for d in list_districts()),
        ]
        self.theme.choices = [
            ("", _l("All themes")),
            *((t.slug, t.name(lang).text) for t in list_themes()),
        ]
        self.status.choices = [
            ("", _l("All public statuses")),
            *((status.value, status.label) for status in INITIATIVE_LIFECYCLE.public_in_order()),
        ]
        self.sdg.choices = [
            ("", _l("All goals")),
            *((str(number), f"{number}. {name}") for number, name in SDG_GOALS.items()),
        ]


def author_display_choices(name: str, district_name: str | None) -> list[tuple[str, str]]:
    from flask_babel import gettext as _

    resident = (
        _("A resident of %(district)s", district=district_name)
        if district_name
        else _("A resident")
    )
    return [
        (AuthorDisplay.NAME.value, _("My name: %(name)s", name=name)),
        (AuthorDisplay.DISTRICT.value, _("Without my name: “%(label)s”", label=resident)),
    ]
