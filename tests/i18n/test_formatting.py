"""Dates and times as Finnish and Swedish readers expect them, valid in `<time datetime>`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from participate.i18n.formatting import iso_datetime, local_datetime, local_time

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
