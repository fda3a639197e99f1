"""Dates, times and numbers for people: Babel, Europe/Helsinki, the patterns readers expect.

CLDR writes Swedish short dates as 2026-12-06; Finland-Swedish readers expect 6.12.2026,
so fi and sv use explicit patterns (glossary: `6.12.2026 klo 18.00`, `6.12.2026 kl. 18.00`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask import Flask
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
)
from flask_babel import lazy_gettext as _l

from participate.i18n.locale import TIMEZONE

DATE_PATTERNS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMMM yyyy"}
TIME_PATTERNS = {"fi": "H.mm", "sv": "H.mm", "en": "HH:mm"}
DATETIME_JOINERS = {"fi": "klo", "sv": "kl.", "en": "at"}
# The names of the site's languages, in the reader's language ("Finnish", "suomi", "finska").
LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in DATE_PATTERNS else "fi"


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return (
        format_date(value, DATE_PATTERNS[_lang()])
        if not isinstance(value, datetime)
        else format_datetime(value, DATE_PATTERNS[_lang()])
    )


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_time(value, TIME_PATTERNS[_lang()])


def local_datetime(value: datetime | None) -> str:
    """`6.12.2026 klo 18.00`, `6.12.2026 kl. 18.00`, `6 December 2026 at 18:00`."""
    if value is None:
        return ""
    lang = _lang()
    pattern = f"{DATE_PATTERNS[lang]} '{DATETIME_JOINERS[lang]}' {TIME_PATTERNS[lang]}"
    return format_datetime(value, pattern)


def local_time_range(start: datetime | None, end: datetime | None) -> str:
    r"""One style of time range everywhere (pages and e-mails), with an en dash:
    `6.12.2026 klo 18.00\u201320.00` on one day, `6.12.2026 klo 18.00 \u2013 7.12.2026 klo 10.00`
    across days; only the start when there is no end."""
    if start is None:
        return ""
    if end is None:
        return local_datetime(start)
    if local_date(start) == local_date(end):
        return f"{local_datetime(start)}\u2013{local_time(end)}"
    return f"{local_datetime(start)} \u2013 {local_datetime(end)}"


def iso_datetime(value: datetime | None) -> str:
    """Machine-readable value for `<time datetime=…>`, whole seconds.

    HTML allows at most three fractional digits of a second; the database keeps six, and
    nobody needs them on a page: `2026-12-06T18:00:00+00:00`.
    """
    return value.isoformat(timespec="seconds") if value else ""


def language_list(codes: Iterable[str], lang: str) -> str:
    """Language codes as one phrase in `lang`: ["fi", "sv"] → "Finnish and Swedish",
    "suomi ja ruotsi", "finska och svenska" (CLDR list patterns)."""
    with force_locale(lang):
        return format_list([str(LANGUAGE_NAMES.get(code, code)) for code in codes], locale=lang)


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date=local_date,
        time=local_time,
        datetime=local_datetime,
        timerange=local_time_range,
        isodatetime=iso_datetime,
        number=number,
    )


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time in Helsinki (as entered) to UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """UTC to a naive Helsinki wall-clock time, for `<input type=datetime-local>`."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
