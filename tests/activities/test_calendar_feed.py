"""The subscribable calendar (/<lang>/activities/calendar.ics) stays bounded as activities
accumulate: a horizon, a cap, one query, and a rendered body reused for a minute
(issue #11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from participate.activities import queries
from participate.caching import BodyCache, CachedBody, etag_of
from tests import factories


def _uids(body: bytes) -> list[str]:
    return [str(event["uid"]) for event in Calendar.from_ical(body).walk("VEVENT")]


def _uid(activity) -> str:
    return f"activity-{activity.id}@participate.test"


def test_only_what_is_on_within_the_horizon(app, client):
    with app.app_context():
        ongoing = factories.create_activity(
            starts_in=timedelta(days=-2), duration=timedelta(days=3)
        )
        soon = factories.create_activity(starts_in=timedelta(days=1))
        last_day = factories.create_activity(
            starts_in=timedelta(days=queries.CALENDAR_DAYS, hours=-1)
        )
        factories.create_activity(starts_in=timedelta(days=queries.CALENDAR_DAYS, hours=1))
        factories.create_activity(starts_in=timedelta(days=-3))  # over
    assert _uids(client.get("/fi/activities/calendar.ics").data) == [
        _uid(ongoing),
        _uid(soon),
        _uid(last_day),
    ]


def test_the_cap_keeps_the_soonest_ending(app):
    with app.app_context():
        long_one = factories.create_activity(
            starts_in=timedelta(days=1), duration=timedelta(days=20)
        )
        first = factories.create_activity(starts_in=timedelta(days=3))
        second = factories.create_activity(starts_in=timedelta(days=2))
        fourth = factories.create_activity(starts_in=timedelta(days=5))
        listed = queries.list_for_calendar(limit=3)
        # The three ending soonest, listed by start; the 20-day one ends last and is left out.
        assert [a.id for a in listed] == [second.id, first.id, fourth.id]
        assert long_one.id not in [a.id for a in listed]


def test_one_query_and_no_district_load(app, count_queries):
    with app.app_context():
        for days in range(1, 6):
            factories.create_activity(starts_in=timedelta(days=days))
        factories.create_activity(district="suur-leppavaara")
        with count_queries() as statements:
            everything = queries.list_for_calendar()
            [a.title("fi").text for a in everything]  # what an event reads
        assert len(everything) == 6
        assert len(statements) == 1
        district_id = everything[-1].district_id
        assert {a.district_id for a in queries.list_for_calendar(district_id)} == {district_id}


def test_rendered_once_a_minute_per_language_and_district(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_CACHE_SECONDS", 60)
    cache: BodyCache = app.extensions["feed_cache"]
    cache.clear()
    with app.app_context():
        first = factories.create_activity()
    try:
        fi = client.get("/fi/activities/calendar.ics")
        renders = cache.renders
        again = client.get("/fi/activities/calendar.ics")
        assert cache.renders == renders  # served from the cache
        assert again.data == fi.data
        assert again.headers["ETag"] == fi.headers["ETag"] == f'"{etag_of(fi.data)}"'
        assert (
            client.get(
                "/fi/activities/calendar.ics", headers={"If-None-Match": fi.headers["ETag"]}
            ).status_code
            == 304
        )
        client.get("/sv/activities/calendar.ics")
        client.get("/fi/activities/calendar.ics?district=suur-tapiola")
        assert cache.renders == renders + 2  # a body per language and district
        with app.app_context():
            second = factories.create_activity(starts_in=timedelta(days=2))
        # Within the minute the cached file is served; a shared cache may keep it as long.
        assert _uids(client.get("/fi/activities/calendar.ics").data) == [_uid(first)]
        cache.clear()
        assert _uids(client.get("/fi/activities/calendar.ics").data) == [
            _uid(second),  # starts sooner
            _uid(first),
        ]
    finally:
        cache.clear()


def test_body_cache_expires_and_is_bounded():
    now = [100.0]
    cache = BodyCache(size=2)

    def get(key: str, body: bytes, seconds: float = 60):
        return cache.get(key, lambda: CachedBody.of(body), seconds=seconds, clock=lambda: now[0])

    assert get("a", b"1").body == b"1"
    assert get("a", b"2").body == b"1"  # fresh: not rendered again
    now[0] += 61
    assert get("a", b"3").body == b"3"  # expired
    get("b", b"x")
    get("c", b"y")
    assert len(cache) == 2  # the least recently used went
    assert get("a", b"4").body == b"4"
    assert get("z", b"0", seconds=0).body == b"0"
    assert get("z", b"5", seconds=0).body == b"5"  # 0 s: never kept
    assert cache.renders == 7


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_calendar_is_valid_with_no_activity_in_the_horizon(app, client, lang):
    with app.app_context():
        factories.create_activity(starts_in=timedelta(days=queries.CALENDAR_DAYS + 10))
    body = client.get(f"/{lang}/activities/calendar.ics").data
    calendar = Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")
