"""participate.paging: cursors survive a round trip, and nothing else decodes."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from participate.initiatives.models import Initiative
from participate.paging import Cursor, InvalidCursor, decode_cursor

COLUMNS = (Initiative.support_count, Initiative.published_at, Initiative.id)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis adds the zone)
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(count=ints, moment=moments, row_id=ints, backwards=st.booleans())
def test_cursor_round_trip(count, moment, row_id, backwards):
    cursor = Cursor((count, moment, row_id), backwards=backwards)
    assert decode_cursor(cursor.encode(), COLUMNS) == cursor


@given(st.text(max_size=200))
def test_any_other_text_is_an_invalid_cursor_or_a_typed_one(text):
    try:
        cursor = decode_cursor(text, COLUMNS)
    except InvalidCursor:
        return
    count, moment, row_id = cursor.values
    assert isinstance(count, int)
    assert isinstance(moment, datetime)
    assert moment.tzinfo is not None
    assert isinstance(row_id, int)


def test_wrong_shapes_and_types_are_refused():
    def encoded(values, backwards=0):
        import base64
        import json

        raw = json.dumps({"k": values, "b": backwards}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    good = [3, "2026-11-01T10:00:00+00:00", 7]
    assert decode_cursor(encoded(good), COLUMNS).values[0] == 3
    for bad in (
        encoded(good[:2]),  # too few values
        encoded(["3", good[1], 7]),  # a string for an integer
        encoded([True, good[1], 7]),  # a boolean for an integer
        encoded([3, "2026-11-01T10:00:00", 7]),  # no offset
        encoded([3, "yesterday", 7]),
        encoded(good, backwards=2),
        "not base64!",
    ):
        try:
            decode_cursor(bad, COLUMNS)
        except InvalidCursor:
            continue
        raise AssertionError(bad)
    assert isinstance(sa.tuple_(*COLUMNS), sa.Tuple)
