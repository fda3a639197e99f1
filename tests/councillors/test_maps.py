"""The Folium map: escaping, assets, size, and the cache and when it goes stale."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from participate.councillors import loaders, maps, services
from participate.councillors.models import Councillor, Party
from participate.districts.models import District
from participate.extensions import db
from tests import factories

# --- map_text: the one escaping function for everything that reaches Folium ----------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Aino Aaltonen", "Aino Aaltonen"),
        ("Suur-Leppävaara", "Suur-Leppävaara"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("${alert(1)}", "&#36;{alert(1)}"),
        ("`x`", "&#96;x&#96;"),
        ("a\\u003cb", "a&#92;u003cb"),
        ("\"quoted\" & 'single'", "&#34;quoted&#34; &amp; &#39;single&#39;"),
        ("</script><script>", "&lt;/script&gt;&lt;script&gt;"),
        (Markup("<b>trusted?</b>"), "&lt;b&gt;trusted?&lt;/b&gt;"),  # never trusted here
        (42, "42"),
    ],
)
def test_map_text(value, expected):
    assert maps.map_text(value) == expected


def test_map_text_leaves_nothing_that_opens_markup_or_code():
    nasty = "<>&\"'`$\\{}"
    escaped = maps.map_text(nasty)
    for char in "<>\"'`$\\":
        assert char not in escaped


def test_popup_markup_is_ours_and_values_are_text(app):
    with app.app_context():
        factories.create_councillor(first_name="<b>Bold</b>", last_name="`${x}`")
    with app.test_request_context("/fi/councillors/"):
        district = db.session.scalar(sa.select(District).where(District.slug == "suur-tapiola"))
        [entry] = list(maps.group_by_district([district], maps.list_councillors()))
        html = maps.popup_html(entry, "fi")
    assert "&lt;b&gt;Bold&lt;/b&gt; &#96;&#36;{x}&#96;" in html
    assert "<b>" not in html
    assert "${" not in html
    assert html.startswith('<p class="map-popup-title">')


# --- rendering ------------------------------------------------------------------------------


def render(app, lang="fi") -> maps.MapParts:
    with app.test_request_context(f"/{lang}/councillors/"):
        return maps.build_map(lang)


def test_map_uses_only_our_assets_and_no_folium_header(app):
    parts = render(app)
    assert re.findall(r'(?:src|href)="([^"]+)"', parts.head) == [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
    ]
    assert '<script defer src="/static/vendor/leaflet/leaflet.js">' in parts.head
    whole = parts.head + parts.html + parts.script
    assert "<style" not in whole
    assert "<meta" not in whole
    assert "$(document)" not in whole
    assert "jQuery" not in whole
    assert "window.participateMap" in parts.script
    assert 'class="folium-map"' in parts.html


def test_leaflet_files_are_served_by_the_app(client):
    for name in ("leaflet.js", "leaflet.css", "images/layers.png"):
        response = client.get(f"/static/vendor/leaflet/{name}")
        assert response.status_code == 200, name
        response.close()
    assert client.get("/static/vendor/leaflet/../../__init__.py").status_code == 404


def test_map_is_small_with_rounded_coordinates(app):
    parts = render(app)
    assert parts.size < 60_000
    data = json.loads(re.search(r"_add\((\{\"features\".*?\})\);\n", parts.script, re.S).group(1))
    assert len(data["features"]) == 7
    coordinates = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in data["features"]]))
    assert max(len(c.split(".")[1]) for c in coordinates) <= 5


def test_tile_url_and_attributions_come_from_configuration(app):
    parts = render(app, "en")
    assert '"/static/test-tiles/{z}/{x}/{y}.png"' in parts.script
    assert "Test tiles" in parts.script
    # the boundaries' licence is under the map (test_views), not a second time inside it
    assert "HSY / Seutukartta" not in parts.script


@pytest.mark.parametrize(
    ("lang", "name"), [("fi", "Suur-Tapiola"), ("sv", "Stor-Hagalund"), ("en", "Greater Tapiola")]
)
def test_labels_in_the_language_of_the_page(app, lang, name):
    script = render(app, lang).script
    assert f'class=\\"district-label-text\\"\\u003e{name}\\u003c' in script


# --- cache ----------------------------------------------------------------------------------


def test_cache_renders_once_per_language_and_version(app, client):
    cache = app.extensions["councillors_map_cache"]
    cache.clear()
    before = cache.renders
    for _ in range(3):
        client.get("/fi/councillors/")
    client.get("/sv/councillors/")
    assert cache.renders - before == 2


def councillor_names_on_map(client, lang="fi") -> str:
    return (
        client.get(f"/{lang}/councillors/")
        .get_data(as_text=True)
        .split('<script type="module" nonce')[1]
    )


def test_cache_is_invalidated_by_every_change(app, client):
    client.get("/fi/councillors/")
    with app.app_context():
        councillor = factories.create_councillor(first_name="Uusi", last_name="Valtuutettu")
    assert "Uusi Valtuutettu" in councillor_names_on_map(client)

    with app.app_context():
        row = db.session.get(Councillor, councillor.id)
        party_id = row.party_id
        services.update_councillor(
            row,
            services.CouncillorData(**{**services.data_of(row).__dict__, "first_name": "Muutettu"}),
        )
        db.session.commit()
    assert "Muutettu Valtuutettu" in councillor_names_on_map(client)

    with app.app_context():
        party = db.session.get(Party, party_id)
        party.abbr_fi = "Kokoomus!"
        db.session.commit()
    assert "(Kokoomus!)" in councillor_names_on_map(client)

    with app.app_context():
        services.delete_councillor(db.session.get(Councillor, councillor.id))
        db.session.commit()
    assert "Muutettu Valtuutettu" not in councillor_names_on_map(client)


def test_cache_is_invalidated_when_a_district_changes(app, client):
    client.get("/en/councillors/")
    with app.app_context():
        district = db.session.scalar(sa.select(District).where(District.slug == "suur-tapiola"))
        original = district.name_en
        district.name_en = "Tapiola Renamed"
        db.session.commit()
    try:
        assert "Tapiola Renamed" in councillor_names_on_map(client, "en")
    finally:
        with app.app_context():
            district = db.session.scalar(sa.select(District).where(District.slug == "suur-tapiola"))
            district.name_en = original
            db.session.commit()
    assert "Tapiola Renamed" not in councillor_names_on_map(client, "en")


def test_reloading_the_same_files_keeps_the_cache(app, runner, client):
    runner.invoke(args=["councillors", "load-parties"])
    client.get("/fi/councillors/")
    cache = app.extensions["councillors_map_cache"]
    renders = cache.renders
    with app.app_context():
        token = maps.cache_token()
        loaders.load_parties()  # nothing changes
        db.session.commit()
        assert maps.cache_token() == token
    client.get("/fi/councillors/")
    assert cache.renders == renders


def test_a_rolled_back_change_keeps_the_token(app):
    with app.app_context():
        token = maps.cache_token()
        db.session.add(
            Party(code="TEST", name_fi="a", name_sv="b", name_en="c", abbr_fi="d", abbr_sv="e")
        )
        db.session.flush()
        assert maps.cache_token() != token  # visible inside the transaction
        db.session.rollback()
        assert maps.cache_token() == token


def test_version_token_is_shared_through_the_database(app):
    """Another worker process sees the same token: it is a row, not process memory."""
    with app.app_context():
        factories.create_councillor()
        token = maps.cache_token()
        with db.engine.connect() as other:
            row = other.execute(
                sa.text("SELECT token FROM cache_versions WHERE name = :n"),
                {"n": maps.MAP_CACHE_NAME},
            ).scalar_one()
    assert row == token
