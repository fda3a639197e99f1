"""Dates typed as text (`participate.inputs.parse_date`, `participate.forms.TextDateField`):
the activity filters' one-box dates, on the page and in the API alike."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from participate.activities.forms import FilterForm
from participate.inputs import parse_date

DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(DATES)
def test_finnish_and_iso_forms_of_every_date(day: date) -> None:
    assert parse_date(f"{day.day}.{day.month}.{day.year}") == day
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year}") == day
    assert parse_date(f" {day.isoformat()} ") == day


@given(st.text(max_size=20))
def test_any_text_is_a_date_or_none_and_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, date)
    if result is not None:  # only ASCII digits, dots and dashes around spaces
        assert set(text.strip()) <= set("0123456789.-")


@pytest.mark.parametrize(
    "text",
    [
        "31.2.2026",
        "1.13.2026",
        "0.1.2026",
        "1.12.26",
        "2026-1-5",
        "\uff11.\uff11\uff12.\uff12\uff10\uff12\uff16",  # full-width digits
        "1/12/2026",
        "1.12.2026.",
        "12.0999",
        "1.1.0999",
        "",
        "tomorrow",
    ],
)
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_the_filter_form_reads_both_forms_and_shows_back_what_was_typed(app) -> None:
    with app.test_request_context("/fi/activities/"):
        form = FilterForm(MultiDict({"date_from": "1.12.2026", "date_to": "2026-12-31"}))
        form.district.choices = [("", "")]
        form.language.choices = [("", "")]
        assert form.validate(), form.errors
        assert form.date_from.data == date(2026, 12, 1)
        assert form.date_to.data == date(2026, 12, 31)
        assert 'value="1.12.2026"' in str(form.date_from())
        assert 'type="text"' in str(form.date_from())

        bad = FilterForm(MultiDict({"date_from": "31.2.2026"}))
        bad.district.choices = [("", "")]
        bad.language.choices = [("", "")]
        assert not bad.validate()
        assert bad.date_from.errors
