"""Activities as iCalendar (RFC 5545): one activity for "Add to calendar", and the
subscribable calendar of all upcoming activities (or one major district's).

Times are written as local Helsinki times with TZID=Europe/Helsinki and a VTIMEZONE
component, so a calendar shows the time the organiser meant even across a daylight saving
change, and calendars that ignore the VTIMEZONE still know the zone by its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vGeo

from participate.activities.models import Activity
from participate.db import utcnow
from participate.i18n.locale import TIMEZONE
from participate.theme import current_theme

HELSINKI = ZoneInfo(TIMEZONE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _calendar(*, name: str | None = None) -> Calendar:
    calendar = Calendar()
    # RFC 5545 PRODID: who made the calendar (the theme's organisation), never a fixed city.
    calendar.add("prodid", f"-//{current_theme().organisation_name('en')}//Participate//FI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        # Not in RFC 5545 but read by Apple, Google and Microsoft calendars.
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TIMEZONE)
        # RFC 7986: how often a subscribed calendar should be fetched again.
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def uid(activity: Activity, host: str) -> str:
    """The event's UID (RFC 5545 §3.8.4.7): the same in every language and from every
    request, since `host` is the host name of BASE_URL, never the request's."""
    return f"activity-{activity.id}@{host}"


def activity_event(activity: Activity, *, lang: str, url: str, host: str, now: datetime) -> Event:
    """One VEVENT. SEQUENCE is `activity.sequence`, raised on each change of time, place or
    status, so a calendar replaces its copy when the file or the subscription is read again."""
    event = Event()
    event.add("uid", uid(activity, host))
    event.add("sequence", activity.sequence or 0)
    # DTSTAMP of a published object is when this version was made (RFC 5545 §3.8.7.2): the
    # last change, not the request time, so the same data gives the same bytes and ETag.
    event.add("dtstamp", activity.updated_at or now)
    event.add("dtstart", activity.starts_at.astimezone(HELSINKI))
    event.add("dtend", activity.ends_at.astimezone(HELSINKI))
    event.add("summary", activity.title(lang).text)
    description = activity.description(lang).text
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("location", activity.place_text(lang).text)
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
    return event


def activity_calendar(
    activity: Activity, *, lang: str, url: str, host: str, now: datetime | None = None
) -> bytes:
    """One activity as a file for "Add to calendar"."""
    calendar = _calendar()
    calendar.add_component(
        activity_event(activity, lang=lang, url=url, host=host, now=now or utcnow())
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def activities_calendar(
    activities: Iterable[Activity],
    *,
    lang: str,
    name: str,
    url_of: Callable[[Activity], str],
    host: str,
    now: datetime | None = None,
) -> bytes:
    """A subscribable calendar of many activities (`url_of(activity)` is each page's URL).

    With no activity it is still a valid calendar (a VCALENDAR needs one component:
    the VTIMEZONE is added explicitly then)."""
    calendar = _calendar(name=name)
    now = now or utcnow()
    for activity in activities:
        calendar.add_component(
            activity_event(activity, lang=lang, url=url_of(activity), host=host, now=now)
        )
    if calendar.subcomponents:
        calendar.add_missing_timezones()
    else:
        calendar.add_component(Timezone.from_tzid(TIMEZONE))
    return calendar.to_ical()
