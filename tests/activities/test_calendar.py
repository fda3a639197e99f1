"""The .ics file: valid iCalendar that a calendar shows at the right local time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from participate.extensions import db
from tests import factories

HELSINKI = ZoneInfo("Europe/Helsinki")


def event_of(body: bytes):
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize(
    ("starts_utc", "local"),
    [
        # Winter (EET, UTC+2) and summer (EEST, UTC+3).
        (datetime(2027, 1, 12, 16, 0, tzinfo=UTC), (2027, 1, 12, 18, 0)),
        (datetime(2027, 6, 15, 15, 30, tzinfo=UTC), (2027, 6, 15, 18, 30)),
    ],
)
def test_ics_parses_with_the_right_local_time(app, client, starts_utc, local):
    with app.app_context():
        activity = factories.create_activity(
            starts_at=starts_utc, ends_at=starts_utc.replace(hour=starts_utc.hour + 2)
        )
    response = client.get(f"/sv/activities/{activity.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar, event = event_of(response.get_data())
    start = event.decoded("dtstart")
    assert start.utcoffset() is not None
    assert start.astimezone(HELSINKI).timetuple()[:5] == local
    assert start.astimezone(UTC) == starts_utc
    assert event["dtstart"].params["TZID"] == "Europe/Helsinki"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert str(event["summary"]) == "Städtalko i Hagalund"
    assert str(event["location"]) == "Tapiolan keskuspuisto, Tapiontori 1"
    assert f"/sv/activities/{activity.id}" in str(event["url"])
    assert str(event["uid"]).startswith(f"activity-{activity.id}@")
    assert str(event["status"]) == "CONFIRMED"
    assert "mailto:talkoot@example.fi" in str(event["organizer"])
    # Lines are folded and end in CRLF as RFC 5545 requires.
    assert b"\r\n" in response.get_data()
    assert all(len(line) <= 75 for line in response.get_data().split(b"\r\n"))


def test_cancelled_activity_is_marked_cancelled(app, client):
    with app.app_context():
        activity = factories.create_activity(is_cancelled=True, cancellation_note="Sataa")
    _, event = event_of(client.get(f"/fi/activities/{activity.id}.ics").get_data())
    assert str(event["status"]) == "CANCELLED"


def test_unpublished_activity_has_no_calendar_file(app, client):
    with app.app_context():
        activity = factories.create_activity(status="submitted")
    assert client.get(f"/fi/activities/{activity.id}.ics").status_code == 404
    assert client.get("/fi/activities/999999.ics").status_code == 404
    assert db is not None


def test_the_place_is_in_the_calendars_language(app, client):
    with app.app_context():
        activity = factories.create_activity(
            place="Tapiolan kirjasto", place_sv="Hagalunds bibliotek", place_en=""
        )
    for lang, place in (("sv", "Hagalunds bibliotek"), ("fi", "Tapiolan kirjasto")):
        _, event = event_of(client.get(f"/{lang}/activities/{activity.id}.ics").get_data())
        assert str(event["location"]) == place, lang
    # No English place: the Finnish one, as the activity's page shows.
    _, event = event_of(client.get(f"/en/activities/{activity.id}.ics").get_data())
    assert str(event["location"]) == "Tapiolan kirjasto"
