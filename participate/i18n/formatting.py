"""Dates, times and numbers for people: Babel, Europe/Helsinki, the patterns readers expect.

CLDR writes Swedish short dates as 2026-12-06; Finland-Swedish readers expect 6.12.2026,
so fi and sv use explicit patterns (glossary: `6.12.2026 klo 18.00`, `6.12.2026 kl. 18.00`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.lists import format_list
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from participate.i18n.catalog import locale
from participate.i18n.locale import DEFAULT_LANG, TIMEZONE

DATE_PATTERNS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMMM yyyy"}
TIME_PATTERNS = {"fi": "H.mm", "sv": "H.mm", "en": "HH:mm"}
DATETIME_JOINERS = {"fi": "klo", "sv": "kl.", "en": "at"}
# The names of the site's languages, in the reader's language ("Finnish", "suomi", "finska").
LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}
DATETIME_PATTERNS = {
    lang: f"{DATE_PATTERNS[lang]} '{DATETIME_JOINERS[lang]}' {TIME_PATTERNS[lang]}"
    for lang in DATE_PATTERNS
}
HELSINKI = ZoneInfo(TIMEZONE)
_FALLBACK_LOCALE = Locale.parse(DEFAULT_LANG)

# Babel directly, with the request's locale from participate.i18n.catalog: Flask-Babel's
# format_* functions find the locale and the time zone again on every call (a desk page
# formats a few hundred dates and numbers). Times are always shown in Helsinki time; a
# naive datetime (SQLite gives them) is UTC, as Babel and Flask-Babel take it.


def _locale() -> tuple[Locale, str]:
    """The request's locale (Finnish outside a request) and its pattern language."""
    chosen = locale() or _FALLBACK_LOCALE
    return chosen, chosen.language if chosen.language in DATE_PATTERNS else DEFAULT_LANG


def local_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    chosen, lang = _locale()
    if isinstance(value, datetime):
        value = _in_helsinki(value).date()
    return babel_dates.format_date(value, DATE_PATTERNS[lang], locale=chosen)


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    chosen, lang = _locale()
    return babel_dates.format_time(_in_helsinki(value), TIME_PATTERNS[lang], locale=chosen)


def local_datetime(value: datetime | None) -> str:
    """`6.12.2026 klo 18.00`, `6.12.2026 kl. 18.00`, `6 December 2026 at 18:00`."""
    if value is None:
        return ""
    chosen, lang = _locale()
    return babel_dates.format_datetime(_in_helsinki(value), DATETIME_PATTERNS[lang], locale=chosen)


def local_month(year: int, month: int) -> str:
    """A month and its year as a heading: "joulukuu 2026", "december 2026", "December 2026"."""
    chosen, _lang = _locale()
    return babel_dates.format_date(date(year, month, 1), "LLLL yyyy", locale=chosen)


def local_duration(value: timedelta) -> str:
    """A duration in words, rounded to its largest unit: "3 päivää", "3 dagar", "3 days"."""
    chosen, _lang = _locale()
    return babel_dates.format_timedelta(value, threshold=1.1, add_direction=False, locale=chosen)


def _in_helsinki(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(HELSINKI)


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
    """A number as the reader's language writes it: `12 345` (fi, sv: a no-break space),
    `12,345` (en). Whole numbers, most of what pages show (counts in tables of a few hundred
    rows), take a short way with the locale's group separator: the same text as Babel's
    `format_decimal` (tests/i18n/test_formatting.py compares the two), in a tenth of the time."""
    if value is None:
        return ""
    chosen = locale() or _FALLBACK_LOCALE
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", _group_symbol(chosen.language, chosen.territory))
    return babel_numbers.format_decimal(value, locale=chosen)


@functools.cache
def _group_symbol(language: str, territory: str | None) -> str:
    return babel_numbers.get_group_symbol(Locale(language, territory))


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
