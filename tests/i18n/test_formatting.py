"""Dates and times as Finnish and Swedish readers expect them, valid in `<time datetime>`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import flask_babel
from flask import Flask
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from participate.i18n.formatting import (
    DATE_PATTERNS,
    DATETIME_JOINERS,
    TIME_PATTERNS,
    iso_datetime,
    local_date,
    local_datetime,
    local_duration,
    local_time,
    number,
)

# HTML's valid global date and time string: at most three digits after the seconds' dot.
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$")


@given(st.datetimes(timezones=st.just(UTC)))
def test_time_datetime_values_are_valid_html(value: datetime) -> None:
    assert HTML_DATETIME.match(iso_datetime(value)), iso_datetime(value)


def test_times_have_no_leading_zero_in_finnish_and_swedish(app: Flask) -> None:
    morning = datetime(2026, 12, 6, 7, 5, tzinfo=UTC)  # 9.05 in Helsinki
    with app.test_request_context("/"):
        with force_locale("fi"):
            assert local_datetime(morning) == "6.12.2026 klo 9.05"
        with force_locale("sv"):
            assert local_datetime(morning) == "6.12.2026 kl. 9.05"
            assert local_time(morning) == "9.05"


# Babel itself is the reference: the filters call it with the request's locale (read once,
# participate.i18n.catalog) and Helsinki time, and whole numbers take a short way of their
# own. Each must write exactly what Flask-Babel's own helpers write for the same locale.
LANGS = st.sampled_from(["fi", "sv", "en"])
# From 1970 to 2037: Flask-Babel converts with pytz, whose tables end in 2037 (it puts 1.4.2038 at
# 2.00 in Helsinki, an hour off; zoneinfo, which the filters use, knows the rule) and which
# rounds the local mean time of 1921 to another minute than zoneinfo.
# Naive ones too: SQLite gives them back so, meaning UTC.
EARLIEST, LATEST = datetime(1970, 1, 1), datetime(2037, 12, 31)  # noqa: DTZ001 (bounds of naive values)
MOMENTS = st.datetimes(EARLIEST, LATEST, timezones=st.just(UTC)) | st.datetimes(EARLIEST, LATEST)


@given(lang=LANGS, value=st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_are_written_as_babel_writes_them(app: Flask, lang: str, value: int) -> None:
    with app.test_request_context("/"), force_locale(lang):
        assert number(value) == flask_babel.format_decimal(value)


@given(lang=LANGS, value=st.floats(min_value=-1e12, max_value=1e12))
def test_other_numbers_are_written_by_babel(app: Flask, lang: str, value: float) -> None:
    with app.test_request_context("/"), force_locale(lang):
        assert number(value) == flask_babel.format_decimal(value)


@given(lang=LANGS, value=MOMENTS)
def test_dates_and_times_are_helsinki_time_as_flask_babel_writes_it(
    app: Flask, lang: str, value: datetime
) -> None:
    date_pattern, time_pattern = DATE_PATTERNS[lang], TIME_PATTERNS[lang]
    with app.test_request_context("/"), force_locale(lang):
        assert local_date(value) == flask_babel.format_datetime(value, date_pattern)
        assert local_time(value) == flask_babel.format_time(value, time_pattern)
        assert local_datetime(value) == flask_babel.format_datetime(
            value, f"{date_pattern} '{DATETIME_JOINERS[lang]}' {time_pattern}"
        )


def test_durations_are_in_the_readers_language(app: Flask) -> None:
    with app.test_request_context("/"):
        with force_locale("fi"):
            assert local_duration(timedelta(days=3, hours=2)) == "3 päivää"
        with force_locale("sv"):
            assert local_duration(timedelta(days=3, hours=2)) == "3 dygn"
        with force_locale("en"):
            assert local_duration(timedelta(hours=5)) == "5 hours"


@given(lang=LANGS, seconds=st.integers(min_value=0, max_value=10 * 365 * 86_400))
def test_durations_are_written_as_flask_babel_writes_them(
    app: Flask, lang: str, seconds: int
) -> None:
    value = timedelta(seconds=seconds)
    with app.test_request_context("/"), force_locale(lang):
        assert local_duration(value) == flask_babel.format_timedelta(
            value, threshold=1.1, add_direction=False
        )
