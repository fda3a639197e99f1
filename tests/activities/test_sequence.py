"""The .ics files carry Activity.sequence as SEQUENCE and a UID that depends neither on the
request's host nor on the language (the sequence itself is raised by the activity services,
tests/activities/test_services.py)."""

from __future__ import annotations

from icalendar import Calendar

from participate.activities.models import Activity
from participate.extensions import db
from tests import factories


def test_ics_has_sequence_and_a_uid_from_base_url(app, client):
    with app.app_context():
        activity = factories.create_activity()
        db.session.get(Activity, activity.id).sequence = 3
        db.session.commit()
    uids = set()
    for lang, host in (("fi", "localhost"), ("sv", "evil.example"), ("en", "localhost")):
        for url in (f"/{lang}/activities/{activity.id}.ics", f"/{lang}/activities/calendar.ics"):
            body = client.get(url, headers={"Host": host}).data
            (event,) = Calendar.from_ical(body).walk("VEVENT")
            assert int(event["sequence"]) == 3
            uids.add(str(event["uid"]))
    assert uids == {f"activity-{activity.id}@participate.test"}
