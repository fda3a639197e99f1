"""Conditional requests, caching headers and CORS on the open data (API, feeds, calendars,
GeoJSON); no cookie on anonymous pages read in the browser's language."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from tests import factories

ORIGIN = {"Origin": "https://example.org"}


@pytest.fixture
def activity(app):
    with app.app_context():
        return factories.create_activity()


@pytest.fixture
def initiative(app):
    with app.app_context():
        return factories.create_initiative(status="published")


def _urls(activity_id, initiative_id=None):
    return [
        ("/api/v1/activities", 60),
        (f"/api/v1/activities/{activity_id}", 60),
        ("/api/v1/councillors?district=suur-tapiola", 60),
        ("/api/v1/districts", 86400),
        ("/api/v1/openapi.json", 86400),
        ("/fi/initiatives/feed.atom", 60),
        (f"/sv/activities/{activity_id}.ics", 300),
        ("/en/activities/calendar.ics", 60),
        ("/fi/activities/calendar.ics?district=suur-tapiola", 60),
        ("/fi/initiatives/map.geojson", 60),
        ("/api/v1/initiatives", 60),
        ("/api/v1/districts/lookup?lat=60.1756&lon=24.8050", 60),
        *([(f"/api/v1/initiatives/{initiative_id}", 60)] if initiative_id else []),
    ]


# What other systems poll: the API and every feed (Atom, iCalendar, GeoJSON).
POLLED = re.compile(r"^/api/|\.(atom|ics|geojson)$")


def test_every_feed_and_api_route_is_checked_here(app):
    """A new feed or API route must be added to _urls, so it is checked to answer 304."""
    adapter = app.url_map.bind("participate.test")
    checked = {adapter.match(url.split("?")[0])[0] for url, _ in _urls(1, 1)}
    polled = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and POLLED.search(rule.rule)
    }
    assert polled - checked == set()


def test_etag_304_and_cache_control(client, activity, initiative):
    for url, max_age in _urls(activity.id, initiative.id):
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first.headers["ETag"]
        assert not etag.startswith("W/"), url  # strong
        assert first.headers["Cache-Control"] == f"public, max-age={max_age}", url
        assert client.get(url).headers["ETag"] == etag, url  # same data, same bytes
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.data == b""
        changed = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert changed.status_code == 200, url


def test_etag_changes_when_the_data_changes(app, client, activity):
    from participate.activities.models import Activity
    from participate.extensions import db

    url = f"/fi/activities/{activity.id}.ics"
    etag = client.get(url).headers["ETag"]
    with app.app_context():
        db.session.get(Activity, activity.id).place = "Sello"
        db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Last-Modified" in response.headers


def test_errors_are_not_cached_as_200(client):
    response = client.get("/api/v1/activities?per_page=0")
    assert response.status_code == 400
    assert "ETag" not in response.headers


def test_cors_on_open_data_only(client, activity):
    for url, _ in _urls(activity.id):
        if url.endswith(".geojson"):
            continue  # the site's own map's data, not offered to other sites
        response = client.get(url, headers=ORIGIN)
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    for url in (
        "/fi/",
        "/fi/account/login",
        "/fi/initiatives/export.csv",
        f"/fi/activities/{activity.id}",
        f"/fi/activities/{activity.id}/participants.csv",
        "/fi/account/my-data/download",
    ):
        assert "Access-Control-Allow-Origin" not in client.get(url, headers=ORIGIN).headers, url


def test_cors_preflight_allows_revalidation(client):
    response = client.options(
        "/api/v1/activities",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]


def test_no_cookie_for_anonymous_pages_in_the_browsers_language(client):
    for url in ("/fi/", "/fi/initiatives/", "/fi/activities/", "/fi/open-data", "/fi/privacy"):
        response = client.get(url, headers={"Accept-Language": "fi-FI,fi;q=0.9"})
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
    feed = client.get("/sv/initiatives/feed.atom", headers={"Accept-Language": "fi"})
    assert "Set-Cookie" not in feed.headers
    # Reading in another language than the browser's is a choice, and is remembered.
    chosen = client.get("/sv/", headers={"Accept-Language": "fi"})
    assert "lang=sv" in chosen.headers["Set-Cookie"]


def test_subscribable_calendar_lists_upcoming_activities(app, client):
    from datetime import timedelta

    with app.app_context():
        tapiola = factories.create_activity()
        leppavaara = factories.create_activity(district="suur-leppavaara")
        cancelled = factories.create_activity(is_cancelled=True)
        factories.create_activity(starts_in=timedelta(days=-5))  # over
        factories.create_activity(status="submitted")  # not public
    everything = Calendar.from_ical(client.get("/sv/activities/calendar.ics").data)
    events = {str(e["uid"]): e for e in everything.walk("VEVENT")}
    assert set(events) == {
        f"activity-{a.id}@participate.test" for a in (tapiola, leppavaara, cancelled)
    }
    assert str(events[f"activity-{cancelled.id}@participate.test"]["status"]) == "CANCELLED"
    assert str(everything["x-wr-calname"])
    district = Calendar.from_ical(
        client.get("/fi/activities/calendar.ics?district=suur-leppavaara").data
    )
    assert [str(e["uid"]) for e in district.walk("VEVENT")] == [
        f"activity-{leppavaara.id}@participate.test"
    ]
    assert "Suur-Leppävaara" in str(district["x-wr-calname"])
    assert client.get("/fi/activities/calendar.ics?district=atlantis").status_code == 404


def test_empty_calendar_is_still_valid(client):
    body = client.get("/fi/activities/calendar.ics").data
    calendar = Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")


def test_atom_ids_are_tag_uris_shared_by_the_three_languages(app, client):
    import xml.etree.ElementTree as ET

    with app.app_context():
        initiative = factories.create_initiative()
    ids = {}
    for lang, host in (("fi", "localhost"), ("sv", "evil.example"), ("en", "localhost")):
        feed = ET.fromstring(  # noqa: S314 (our own response)
            client.get(f"/{lang}/initiatives/feed.atom", headers={"Host": host}).data
        )
        ids[lang] = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}id")][1:]
    assert (
        ids["fi"]
        == ids["sv"]
        == ids["en"]
        == [f"tag:participate.test,2026:initiative/{initiative.id}"]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/{lang}/activities/calendar.ics",
        "/{lang}/initiatives/feed.atom",
        "/{lang}/initiatives/map.geojson",
        "/{lang}/initiatives/map.geojson?bbox=24.5,60.1,24.9,60.3",
    ],
)
def test_polled_feeds_are_rendered_once_a_minute_per_language(
    app, client, monkeypatch, count_queries, activity, url
):
    """participate.caching.cached_body: within FEED_CACHE_SECONDS a feed (and the map's
    points, which every map page asks for) is served from the worker's cache without a
    query; each language has its own body."""
    with app.app_context():
        factories.create_initiative(status="published", lat=60.2, lon=24.7)
    monkeypatch.setitem(app.config, "FEED_CACHE_SECONDS", 60)
    cache = app.extensions["map_cache" if "map.geojson" in url else "feed_cache"]
    cache.clear()
    try:
        first = client.get(url.format(lang="fi"))
        renders = cache.renders
        with count_queries() as statements:
            again = client.get(url.format(lang="fi"))
        assert statements == []
        assert (again.data, again.headers["ETag"]) == (first.data, first.headers["ETag"])
        assert cache.renders == renders
        swedish = client.get(url.format(lang="sv"))
        assert cache.renders == renders + 1
        assert swedish.data != first.data
    finally:
        cache.clear()


@pytest.fixture
def compressed(monkeypatch) -> list[int]:
    """The sizes of the bodies Flask-Compress compresses from now on, one entry each."""
    from flask_compress import flask_compress

    sizes: list[int] = []
    real = flask_compress._compress_data

    def counting(app_, data, algorithm):
        sizes.append(len(data))
        return real(app_, data, algorithm)

    monkeypatch.setattr(flask_compress, "_compress_data", counting)
    return sizes


def test_a_cached_feed_is_compressed_once_per_coding(
    app, client, monkeypatch, activity, compressed
):
    """Flask-Compress keeps the compressed forms of a cached_body by its ETag
    (participate.web.compression.CompressedBodies); other responses are compressed afresh."""
    import gzip

    monkeypatch.setitem(app.config, "FEED_CACHE_SECONDS", 60)
    app.extensions["feed_cache"].clear()
    try:
        plain = client.get("/fi/activities/calendar.ics").data
        for _ in range(3):
            response = client.get(
                "/fi/activities/calendar.ics", headers={"Accept-Encoding": "gzip"}
            )
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.data) == plain
            assert response.headers["ETag"].endswith(':gzip"')
        client.get("/fi/activities/calendar.ics", headers={"Accept-Encoding": "br"})
        assert compressed == [len(plain), len(plain)]  # once for gzip, once for br
        for _ in range(2):
            client.get("/api/v1/activities", headers={"Accept-Encoding": "gzip"})
        assert len(compressed) == 4  # not a cached body: compressed each time
    finally:
        app.extensions["feed_cache"].clear()


def test_map_viewports_never_push_a_feed_out_of_its_cache(
    app, client, monkeypatch, count_queries, compressed
):
    """The map's points have caches of their own, for the bodies and for their compressed
    forms: panning the map (a new `bbox`, a new body each time) fills those, and the feed
    polled meanwhile is neither rendered nor compressed again."""
    from participate.web.compression import compress

    monkeypatch.setitem(app.config, "FEED_CACHE_SECONDS", 60)
    # Fewer compressed forms kept per cache than viewports visited, to need few initiatives.
    monkeypatch.setattr(compress.cache, "size", 4)
    steps = 10
    with app.app_context():
        for step in range(steps):  # one initiative in each viewport: every body differs
            factories.create_initiative(status="published", lat=60.2, lon=24.0 + step / 100)
    monkeypatch.setitem(app.config, "COMPRESS_MIN_SIZE", 0)  # one point is a short body
    gzip = {"Accept-Encoding": "gzip"}
    for name in ("feed_cache", "map_cache"):
        app.extensions[name].clear()
    compress.cache.clear()
    try:
        client.get("/fi/initiatives/feed.atom", headers=gzip)
        assert len(compressed) == 1
        for step in range(steps):
            west = 24.0 + step / 100 - 0.004
            client.get(
                f"/fi/initiatives/map.geojson?bbox={west},60.1,{west + 0.008},60.3", headers=gzip
            )
        assert len(compressed) == 1 + steps
        with count_queries() as statements:
            client.get("/fi/initiatives/feed.atom", headers=gzip)
        assert statements == []
        assert len(compressed) == 1 + steps  # its gzip form was still kept
    finally:
        for name in ("feed_cache", "map_cache"):
            app.extensions[name].clear()


def test_map_points_links_follow_each_requests_script_root(app, client, monkeypatch):
    """The points' links are relative, so they depend on the script root (which a proxy's
    X-Forwarded-Prefix sets under PROXY_FIX): one request's prefix never reaches the cached
    body another request gets."""
    monkeypatch.setitem(app.config, "FEED_CACHE_SECONDS", 60)
    with app.app_context():
        initiative = factories.create_initiative(status="published", lat=60.2, lon=24.7)
    app.extensions["map_cache"].clear()
    try:
        prefixed = client.get("/fi/initiatives/map.geojson", base_url="http://localhost/x")
        plain = client.get("/fi/initiatives/map.geojson")
        urls = [r.get_json()["features"][0]["properties"]["url"] for r in (prefixed, plain)]
        assert urls == [f"/x/fi/initiatives/{initiative.id}", f"/fi/initiatives/{initiative.id}"]
    finally:
        app.extensions["map_cache"].clear()
