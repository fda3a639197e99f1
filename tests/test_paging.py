"""participate.paging: cursors survive a round trip, and nothing else decodes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation import audit
from participate.paging import Cursor, InvalidCursor, decode_cursor
from tests import factories, pages

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


def test_deep_pages_find_their_keys_first_and_match_plain_offset_paging(app, count_queries):
    """A page after the first loads only its own rows: the keys of rows offset…offset+n come
    from a subquery of the order alone (WHERE id IN (SELECT id … LIMIT … OFFSET …)), so the
    eager joins run for the page's rows, not for every skipped one. The pages are exactly
    those of plain OFFSET paging, ties in the order included, and each is one statement."""
    from datetime import timedelta

    from participate.extensions import db
    from participate.initiatives import queries
    from participate.paging import bounded_paginate
    from tests import factories

    with app.test_request_context("/fi/"):
        made = [factories.create_initiative(title=f"Aloite {n}") for n in range(7)]
        same = made[0].published_at
        for number, initiative in enumerate(made):  # three share a moment: id decides
            moment = same if number < 3 else same - timedelta(days=number)
            db.session.get(Initiative, initiative.id).published_at = moment
        db.session.commit()
        select = queries.public_select(queries.Filters())
        everything = [row.id for row in db.session.scalars(select)]
        assert len(everything) == 7
        for page in (1, 2, 3):
            with count_queries() as statements:
                found = bounded_paginate(select, page=page, per_page=3)
            assert [row.id for row in found.items] == everything[(page - 1) * 3 : page * 3]
            rows = statements[0]
            assert ("OFFSET" in rows and " IN (SELECT" in rows) == (page > 1), rows


# Every search box's results go to paging.SEARCH_LISTED_ROWS, and the same list without a
# word to MAX_LISTED_ROWS: a search's count re-reads the text of each candidate row, so
# its bound is smaller (issue #11). The page then says "more than N" and how to narrow it.
SEARCHES = [
    ("/en/initiatives/", "Kirjasto", "#results-capped", "add a word to the search"),
    ("/en/admin/users", "Virtanen", "#users-capped", "More than 3 accounts"),
    ("/en/admin/audit", "Kirjasto", "#audit-capped", "More than 3 entries"),
]


@pytest.mark.parametrize(("url", "word", "capped", "says"), SEARCHES)
def test_every_search_lists_fewer_results_than_its_unsearched_list(
    app, client, login_as, monkeypatch, url, word, capped, says
):
    monkeypatch.setattr("participate.paging.SEARCH_LISTED_ROWS", 3)
    monkeypatch.setattr("participate.paging.MAX_LISTED_ROWS", 20)
    login_as("admin", display_name="Antti Ylläpitäjä")
    with app.app_context():
        theme = factories.create_theme()
        for number in range(5):
            initiative = factories.create_initiative(theme=theme, title=f"{word} {number}")
            factories.create_user(display_name=f"{word} {number}")
            audit.record(
                actor=None,
                action="initiative.approve",
                object_kind="initiative",
                object_id=initiative.id,
                object_title=f"{word} {number}",
            )
        db.session.commit()
    searched = pages.get(client, f"{url}?q={word.lower()}")
    assert says in searched.select_one(capped).get_text(" ", strip=True)
    assert "3" in searched.select_one(capped).get_text()
    listed = pages.get(client, url)
    assert listed.select_one(capped) is None
