"""An activity as an iCalendar file (RFC 5545) for "Add to calendar".

Times are written as local Helsinki times with TZID=Europe/Helsinki and a VTIMEZONE
component, so a calendar shows the time the organiser meant even across a daylight saving
change, and calendars that ignore the VTIMEZONE still know the zone by its name.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vGeo

from participate.activities.models import Activity
from participate.db import utcnow
from participate.i18n.locale import TIMEZONE

HELSINKI = ZoneInfo(TIMEZONE)
PRODID = "-//City of Espoo//Participate//FI"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def activity_calendar(
    activity: Activity, *, lang: str, url: str, host: str, now: datetime | None = None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", f"activity-{activity.id}@{host}")
    event.add("dtstamp", now or utcnow())
    # Bumped on every change of time, place, capacity or status: importers update their copy.
    event.add("sequence", activity.sequence)
    event.add("dtstart", activity.starts_at.astimezone(HELSINKI))
    event.add("dtend", activity.ends_at.astimezone(HELSINKI))
    event.add("summary", activity.title(lang).text)
    description = activity.description(lang).text
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("location", activity.place)
    if activity.lat is not None and activity.lon is not None:
        event.add("geo", vGeo((activity.lat, activity.lon)))
    event.add("url", url)
    if EMAIL.match(activity.organiser_contact):
        # ORGANIZER is a calendar address (mailto:), so only when the contact is an e-mail.
        organiser = vCalAddress(f"mailto:{activity.organiser_contact}")
        organiser.params["CN"] = activity.organiser_name
        event.add("organizer", organiser)
    event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
    event.add("last-modified", activity.updated_at)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
