"""The district map: Folium rendering, escaping, and a cache that knows when it is stale.

Rendering (tens of milliseconds) happens once per language and data version; a request then
costs one primary-key query for the version token. The token is a row in `cache_versions` that an
`after_flush` hook replaces whenever a councillor, party or district is added, changed or
removed, in the same transaction, so every worker process and machine sees the change.

Safety: Folium's GeoJsonPopup/GeoJsonTooltip insert property values with
innerHTML, and some Folium elements put text inside JavaScript template literals. Every value
passes through `map_text()` first; the markup around the values is ours.

Size: over 400 lines because building the map, escaping every value that reaches Folium and
caching the rendered parts per language are one safety-critical path; split, the escaping would
sit apart from the code that needs it.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import folium
import shapely
import sqlalchemy as sa
from branca.element import Figure
from flask import Flask, current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from folium.elements import MacroElement
from folium.features import GeoJsonPopup, GeoJsonTooltip
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape
from shapely.geometry import mapping, shape
from sqlalchemy.orm import Session

from participate.caching import TimedCache
from participate.councillors.models import CacheVersion, Councillor, Party
from participate.councillors.queries import (
    MAP_CACHE_NAME,
    DistrictCouncillors,
    cache_token,
    group_by_district,
    list_councillors,
    list_districts_with_geometry,
)
from participate.districts.models import District
from participate.maps import asset_tags

# Display geometry: coverage simplification keeps shared borders identical (no slivers), and
# 4 decimals (≈11 m north-south) is finer than a pixel at the zoom levels we show.
SIMPLIFY_TOLERANCE = 0.0003
COORDINATE_DECIMALS = 4
CACHE_SIZE = 16

# Seven fills that tell the districts apart, also for the common colour-vision deficiencies
# (the Okabe-Ito palette), with dark borders; indexed by district code 1-7.
DISTRICT_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
BORDER_COLOUR = "#1b1b1b"

_JS_SPECIALS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def map_text(value: object) -> str:
    """Text made safe for every place Folium puts it: HTML, JSON in a script, JS templates.

    HTML-escapes & < > " ', and turns the backtick, dollar sign and backslash into character
    references, so a value can neither open a tag nor a `${…}` substitution nor an escape.
    The browser shows the references as the original characters.
    """
    return str(escape(str(value))).translate(_JS_SPECIALS)


# Why: map_text() output is HTML, so building popups from it keeps every value inert.
def _html(template: str, **values: object) -> str:
    return template.format(**{key: map_text(value) for key, value in values.items()})


@dataclass(frozen=True)
class MapParts:
    """A rendered map, split for embedding in our own layout."""

    head: str  # <script src>/<link> tags for Leaflet, our own URLs; no inline style
    html: str  # the map container
    script: str  # inline JavaScript: the template wraps it in <script nonce=…>
    size: int


def round_coordinates(coordinates: Any, decimals: int = COORDINATE_DECIMALS) -> Any:
    if coordinates and isinstance(coordinates[0], int | float):
        return [round(float(c), decimals) for c in coordinates]
    return [round_coordinates(part, decimals) for part in coordinates]


def display_geometries(districts: list[District]) -> list[dict[str, Any]]:
    """Simplified, rounded GeoJSON geometries for the map, in the order of `districts`."""
    shapes = [shape(json.loads(d.geometry)) for d in districts]
    simplified = shapely.coverage_simplify(shapes, SIMPLIFY_TOLERANCE)
    result = []
    for original, simple in zip(shapes, simplified, strict=True):
        geometry = simple if not simple.is_empty else original
        result.append(
            {
                "type": geometry.geom_type,
                "coordinates": round_coordinates(mapping(geometry)["coordinates"]),
            }
        )
    return result


def mainland_bounds(geometries: list[dict[str, Any]]) -> list[list[float]]:
    """[[south, west], [north, east]] of each district's largest part: the far islets of
    Suur-Espoonlahti would otherwise shrink the whole city to a corner of the map."""
    parts = []
    for geometry in geometries:
        polygon = shape(geometry)
        if polygon.geom_type == "MultiPolygon":
            polygon = max(polygon.geoms, key=lambda part: part.area)
        parts.append(polygon)
    west, south, east, north = shapely.total_bounds(parts)
    return [[float(south), float(west)], [float(north), float(east)]]


def popup_html(entry: DistrictCouncillors, lang: str) -> str:
    district = entry.district
    items = "".join(
        _html(
            '<li data-party="{code}">{name} <span class="map-party">({party})</span></li>',
            code=c.party.code,
            name=c.full_name,
            party=c.party.abbr(lang),
        )
        for c in entry.councillors
    )
    body = (
        f'<ul class="map-popup-list">{items}</ul>'
        if items
        else _html('<p class="map-popup-none">{text}</p>', text=_("No councillors listed yet."))
    )
    return (
        _html('<p class="map-popup-title">{name}</p>', name=district.name(lang))
        + body
        + _html(
            '<p class="map-popup-filtered" hidden>{text}</p>',
            text=_("No councillors of the chosen party in this district."),
        )
        + _html(
            '<p><a href="{url}">{text}</a></p>',
            url=url_for("councillors.district", lang_code=lang, slug=district.slug),
            text=_("Open the district page"),
        )
    )


class _Registry(MacroElement):
    """Hands the Leaflet objects and the city's bounds to static/js/councillors.js, and adds
    a translated zoom. `bounds` is [[south, west], [north, east]] in degrees (WGS 84), or
    None without districts; the script fits them again whenever the map changes size."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({
            zoomInTitle: {{ this.zoom_in|tojson }},
            zoomOutTitle: {{ this.zoom_out|tojson }}
        }).addTo({{ this._parent.get_name() }});
        window.participateMap = {
            map: {{ this._parent.get_name() }},
            districts: {{ this.layer.get_name() }},
            bounds: {{ this.bounds|tojson }}
        };
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer: folium.GeoJson,
        zoom_in: str,
        zoom_out: str,
        bounds: list[list[float]] | None,
    ) -> None:
        super().__init__()
        self._name = "ParticipateRegistry"
        self.layer = layer
        self.bounds = bounds
        self.zoom_in = map_text(zoom_in)
        self.zoom_out = map_text(zoom_out)


class _InitialView(MacroElement):
    """The city's mainland in view before any layer is added, without animation, as
    static/js/councillors.js fits it (above the attribution): Folium's own centre and zoom
    would draw every layer and request every tile twice, once per zoom (Lighthouse: the
    longest tasks of the page). `bounds` is [[south, west], [north, east]] in degrees."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var attribution = map.getContainer().querySelector(".leaflet-control-attribution");
            map.fitBounds({{ this.bounds|tojson }}, {
                paddingTopLeft: [8, 8],
                paddingBottomRight: [8, (attribution ? attribution.offsetHeight : 0) + 8],
                animate: false
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "ParticipateInitialView"
        self.bounds = bounds


class _Label(MacroElement):
    """A district's name on the map: a marker made with its DivIcon at once. (folium.Marker
    makes it with Leaflet's default icon and then swaps the icon, which fetches the three
    default marker images for nothing.) `html` is markup built with map_text()."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.marker({{ this.location|tojson }}, {
            icon: L.divIcon({html: {{ this.html|tojson }}, className: "district-label"}),
            keyboard: false,
            interactive: false
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, location: list[float], html: str) -> None:
        super().__init__()
        self._name = "ParticipateLabel"
        self.location = location
        self.html = html


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    return {
        "color": BORDER_COLOUR,
        "weight": 2,
        "opacity": 0.9,
        "fillColor": feature["properties"]["colour"],
        "fillOpacity": 0.35,
    }


def build_map(lang: str) -> MapParts:
    """Render the map for one language (call inside a request or app context)."""
    settings = current_app.config["SETTINGS"]
    districts = list_districts_with_geometry()
    entries = group_by_district(districts, list_councillors())
    geometries = display_geometries(districts) if districts else []
    with force_locale(lang):
        features = []
        for entry, geometry in zip(entries, geometries, strict=True):
            district = entry.district
            count = len(entry.councillors)
            features.append(
                {
                    "type": "Feature",
                    "id": district.slug,
                    "geometry": geometry,
                    "properties": {
                        "slug": district.slug,
                        "code": district.code,
                        "colour": DISTRICT_COLOURS[(district.code - 1) % len(DISTRICT_COLOURS)],
                        "tooltip": map_text(
                            ngettext(
                                "%(district)s: %(num)d councillor",
                                "%(district)s: %(num)d councillors",
                                count,
                                district=district.name(lang),
                            )
                        ),
                        "popup": popup_html(entry, lang),
                    },
                }
            )
        collection = {"type": "FeatureCollection", "features": features}
        fmap = folium.Map(
            location=[60.21, 24.66],
            zoom_start=11,
            tiles=None,
            zoom_control=False,
            zoom_snap=0.25,
        )
        # On the instance, not the class: add_js_link would change every map in the process.
        fmap.default_js = [("leaflet", leaflet_url("leaflet.js"))]
        fmap.default_css = [("leaflet_css", leaflet_url("leaflet.css"))]
        bounds = mainland_bounds(geometries) if features else None
        if bounds:
            _InitialView(bounds).add_to(fmap)  # first: layers and tiles drawn once
        folium.TileLayer(
            tiles=settings.tile_url,
            attr=settings.tile_attribution,  # trusted configuration HTML
            max_zoom=18,
        ).add_to(fmap)
        layer = folium.GeoJson(
            collection,
            name="districts",
            style_function=_style,
            tooltip=GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
            popup=GeoJsonPopup(fields=["popup"], labels=False, localize=False),
            # The boundaries' licence is credited once, under the map (data_attribution()):
            # inside the map it would be said twice and cover the southern coast.
        )
        layer.add_to(fmap)
        for entry in entries:
            d = entry.district
            _Label(
                [d.label_lat, d.label_lon],
                _html('<span class="district-label-text">{name}</span>', name=d.name(lang)),
            ).add_to(fmap)
        # static/js/councillors.js fits these bounds above the attribution, at once and on
        # every resize; a Folium fit_bounds here would animate and make Leaflet ignore it.
        _Registry(layer, _("Zoom in"), _("Zoom out"), bounds).add_to(fmap)
        return _split(fmap)


def data_attribution() -> str:
    # Translators: the licence note for the district boundaries under the map; keep the
    # source and licence names as they are.
    return _(
        "District boundaries: %(source)s, municipalities of the Helsinki region, %(licence)s",
        source="HSY / Seutukartta",
        licence="CC BY 4.0",
    )


def _split(fmap: folium.Map) -> MapParts:
    """Render the root, keep only Leaflet's own links from the header, never Folium's.

    Leaflet's script is deferred; the page runs `script` as an inline module after it
    (participate/maps.py).

    The map's header sets `html, body {height: 100%}` and a viewport that blocks zooming,
    which a page of ours must not have; Folium's table styles are replaced by
    static/css/councillors.css.
    """
    root = cast(Figure, fmap.get_root())
    root.render()
    head = asset_tags(root)  # deferred, our own URLs only
    html = root.html.render()
    script = compact_script(root.script.render())
    return MapParts(head=head, html=html, script=script, size=len(head) + len(html) + len(script))


def leaflet_url(filename: str) -> str:
    # With a static build this is the hashed, immutable copy (participate/web/assets.py).
    return url_for("vendor.leaflet", filename=filename)


_DECODER = json.JSONDecoder()


def compact_script(script: str) -> str:
    """Folium's script without its indentation, and the embedded GeoJSON without spaces.

    Re-encoded with Jinja's htmlsafe_json_dumps (< > & ' as \\u escapes), as Folium does,
    so the data still cannot close the <script> element. A third of the map's bytes.
    """
    parts, position = [], 0
    while (found := script.find("_add({", position)) != -1:
        start = found + len("_add(")
        data, end = _DECODER.raw_decode(script, start)
        parts += [script[position:start], htmlsafe_json_dumps(data, separators=(",", ":"))]
        position = end
    parts.append(script[position:])
    return "\n".join(line.strip() for line in "".join(parts).splitlines() if line.strip())


# --- cache -----------------------------------------------------------------------------


class MapCache(TimedCache[MapParts]):
    """Rendered maps by (language, version token), a few at a time, per app. A map is kept
    until its token changes (a councillor, party or district edited): no time limit."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)

    @property
    def renders(self) -> int:
        return self.misses

    def rendered(self, lang: str, build: Callable[[str], MapParts] = build_map) -> MapParts:
        key = (lang, cache_token(MAP_CACHE_NAME))
        return self.get(key, lambda: build(lang), seconds=math.inf)


def map_cache() -> MapCache:
    return current_app.extensions["councillors_map_cache"]


def cached_map(lang: str) -> MapParts:
    return map_cache().rendered(lang)


# --- invalidation ----------------------------------------------------------------------

WATCHED = (Councillor, Party, District)


def _changed(session: Session) -> bool:
    if any(isinstance(obj, WATCHED) for obj in (*session.new, *session.deleted)):
        return True
    return any(
        isinstance(obj, WATCHED) and session.is_modified(obj, include_collections=False)
        for obj in session.dirty
    )


def bump(connection: sa.Connection, name: str = MAP_CACHE_NAME) -> str:
    """Give `name` a new token; the caches keyed on the old one are stale from the commit on."""
    token = uuid.uuid4().hex
    table = cast(sa.Table, CacheVersion.__table__)
    result = connection.execute(sa.update(table).where(table.c.name == name).values(token=token))
    if result.rowcount == 0:  # the migration inserts the row; tests empty the table
        connection.execute(sa.insert(table).values(name=name, token=token))
    return token


def _after_flush(session: Session, flush_context: Any) -> None:
    if _changed(session):
        bump(session.connection())


def init_app(app: Flask) -> None:
    app.extensions["councillors_map_cache"] = MapCache()
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)
