"""Maps of activities (Folium/Leaflet), as parts to place in our own page layout.

Leaflet is served by the app itself (the shared static route for XStatic-Leaflet); Folium's
default CDN links are replaced on the map instance. Only the links, the map's `<div>` and its
script are used: the map's own header (a viewport that blocks zooming, `html, body` styles)
is left out (it would fail accessibility checks). The page wraps the script in `<script nonce=…>`.

Safety: Folium puts tooltip text inside a JavaScript template literal and Leaflet inserts
tooltips and popups as HTML, so every value is HTML-escaped and the backtick, `$` and
backslash become character references (`map_text`). Popups are bound with a JSON string
(`htmlsafe_json_dumps`), not through `folium.Popup`, which would also need jQuery.

A rendered map is cached per language and content, so a busy list page does not render
Folium on every request; the cache key is the data itself, so it is never stale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import folium
from branca.element import Figure
from flask import current_app, url_for
from folium.elements import MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from participate.activities.models import Activity
from participate.activities.queries import ActivityRow
from participate.caching import TimedCache
from participate.i18n.formatting import local_datetime
from participate.maps import asset_tags

CENTRE = (60.205, 24.655)  # Espoo
CACHE_SIZE = 64
# The endpoints that serve XStatic-Leaflet (the councillors map added the route).
LEAFLET_ENDPOINTS = ("leaflet.asset", "vendor.leaflet")
_JS_SPECIALS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def map_text(value: object) -> str:
    """Inert in HTML, in JSON inside a script and in a JavaScript template literal."""
    return str(escape(str(value))).translate(_JS_SPECIALS)


def leaflet_url(filename: str) -> str:
    for endpoint in LEAFLET_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, filename=filename)
    raise RuntimeError("no route serves Leaflet (XStatic-Leaflet)")


@dataclass(frozen=True)
class MapParts:
    head: Markup  # <link>/<script src> for Leaflet, same origin
    html: Markup  # the map's <div class="folium-map">
    script: Markup  # inline JavaScript; the template wraps it in <script nonce=…>


MARKER_SIZE = 28  # CSS px, the marker's width and height (static/css/activities.css)


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    title: str
    when: str
    place: str
    url: str


class _Popup(MacroElement):
    """`marker.bindPopup(<html as a JSON string>)`: no jQuery, no template literal."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup({{ this.html_json }});"
        "{% endmacro %}"
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "ActivityPopup"
        self.html_json = htmlsafe_json_dumps(html)


def same_place_groups(points: tuple[Point, ...]) -> list[tuple[Point, ...]]:
    """The points grouped by place, to 4 decimals of a degree (about 11 m north-south), in
    the order each place first appears; the points of a group keep their order."""
    groups: dict[tuple[float, float], list[Point]] = {}
    for point in points:
        groups.setdefault((round(point.lat, 4), round(point.lon, 4)), []).append(point)
    return [tuple(group) for group in groups.values()]


def _render(points: tuple[Point, ...], zoom: int) -> MapParts:
    settings = current_app.config["SETTINGS"]
    fmap = folium.Map(location=CENTRE, zoom_start=zoom, tiles=None, control_scale=True)
    # On the instance: add_js_link would change the class-wide list for every map.
    fmap.default_js = [("leaflet", leaflet_url("leaflet.js"))]
    fmap.default_css = [("leaflet_css", leaflet_url("leaflet.css"))]
    folium.TileLayer(tiles=settings.tile_url, attr=settings.tile_attribution).add_to(fmap)
    for group in same_place_groups(points):
        first = group[0]
        # Activities at one place share one marker (overlapping markers would hide each
        # other); its popup lists them all. A 28 px round DivIcon (WCAG 2.2 target size,
        # 2.5.8: at least 24x24 CSS px) instead of Leaflet's 25x41 pin image; its
        # accessible name is the activities' titles.
        titles = "; ".join(point.title for point in group)
        marker = folium.Marker(
            [first.lat, first.lon],
            tooltip=map_text(titles),
            icon=folium.DivIcon(
                html=f'<span class="visually-hidden">{map_text(titles)}</span>',
                icon_size=(MARKER_SIZE, MARKER_SIZE),
                icon_anchor=(MARKER_SIZE // 2, MARKER_SIZE // 2),
                class_name="activity-marker",
            ),
        )
        popup = "".join(
            f'<p class="map-popup-item"><a href="{map_text(point.url)}">{map_text(point.title)}'
            f"</a><br>{map_text(point.when)}<br>{map_text(point.place)}</p>"
            for point in group
        )
        _Popup(popup).add_to(marker)
        marker.add_to(fmap)
    if len(points) > 1:
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom=15)
    elif points:
        fmap.location = [points[0].lat, points[0].lon]
    root = cast(Figure, fmap.get_root())
    root.render()
    return MapParts(
        head=Markup(asset_tags(root)),  # noqa: S704 (deferred, our own URLs: participate/maps.py)
        html=Markup(root.html.render()),  # noqa: S704 (the map's empty div)
        script=Markup(root.script.render()),  # noqa: S704 (every value went through map_text)
    )


# Rendered maps by their points, zoom, tiles and Leaflet's URL (the hashed name once a
# static build is in place): the same points render the same map, so no time limit.
_cache = TimedCache[MapParts](CACHE_SIZE)


def _cached(points: tuple[Point, ...], zoom: int) -> MapParts:
    key = (points, zoom, current_app.config["SETTINGS"].tile_url, leaflet_url("leaflet.js"))
    return _cache.get(key, lambda: _render(points, zoom), seconds=math.inf)


def _point(activity: Activity, lang: str) -> Point | None:
    if activity.lat is None or activity.lon is None:
        return None
    return Point(
        lat=activity.lat,
        lon=activity.lon,
        title=activity.title(lang).text,
        when=local_datetime(activity.starts_at),
        place=activity.place_text(lang).text,
        url=url_for("activities.detail", lang_code=lang, activity_id=activity.id),
    )


def activities_map(rows: Iterable[ActivityRow], *, lang: str) -> MapParts | None:
    """The list's map: one marker per activity that has a point; None when none has."""
    points = tuple(p for p in (_point(row.activity, lang) for row in rows) if p is not None)
    return _cached(points, zoom=11) if points else None


def activity_map(activity: Activity, *, lang: str) -> MapParts | None:
    point = _point(activity, lang)
    return _cached((point,), zoom=15) if point else None
