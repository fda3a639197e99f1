"""/api/v1/districts, /api/v1/councillors and /api/v1/districts/lookup."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def council(app):
    with app.app_context():
        factories.create_councillor(first_name="Aino", party="KOK", district="suur-tapiola")
        factories.create_councillor(first_name="Björn", party="RKP", district="suur-tapiola")
        factories.create_councillor(first_name="Priya", party="KOK", district="suur-leppavaara")


def test_districts_are_a_geojson_feature_collection(client):
    response = client.get("/api/v1/districts")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    data = response.get_json(force=True)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 7
    tapiola = next(f for f in data["features"] if f["id"] == "suur-tapiola")
    assert tapiola["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    props = tapiola["properties"]
    assert props["name"] == {"fi": "Suur-Tapiola", "sv": "Stor-Hagalund", "en": "Greater Tapiola"}
    assert props["slug"] == "suur-tapiola"
    assert isinstance(props["code"], int)
    assert props["councillors"].endswith("/api/v1/councillors?district=suur-tapiola")


def test_councillors_public_data_only(client, council):
    data = client.get("/api/v1/councillors").get_json()
    assert data["count"] == 3
    assert (data["next"], data["previous"]) == (None, None)
    first = data["items"][0]
    assert set(first) == {
        "id",
        "first_name",
        "last_name",
        "party",
        "district",
        "email",
        "phone",
        "photo_url",
        "languages",
        "committees",
        "term",
        "role",
    }
    assert first["party"]["code"] in {"KOK", "RKP"}
    assert set(first["party"]["name"]) == {"fi", "sv", "en"}
    assert set(first["district"]) == {"slug", "code", "name"}
    assert set(first["committees"]) == {"fi", "sv", "en"}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("district=suur-tapiola", {"Aino", "Björn"}),
        ("party=KOK", {"Aino", "Priya"}),
        ("party=kok&district=suur-tapiola", {"Aino"}),
        ("district=pohjois-espoo", set()),
    ],
)
def test_councillors_filters(client, council, query, names):
    data = client.get(f"/api/v1/councillors?{query}").get_json()
    assert {c["first_name"] for c in data["items"]} == names


@pytest.mark.parametrize(
    ("query", "field"), [("district=atlantis", "district"), ("party=NOPE", "party")]
)
def test_councillors_bad_filter_is_400(client, council, query, field):
    response = client.get(f"/api/v1/councillors?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "bad_request"
    assert set(body["error"]["fields"]) == {field}
    assert body["error"]["message"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("lat=60.1756&lon=24.8050", "suur-tapiola"),
        ("lat=60.2180&lon=24.8110", "suur-leppavaara"),
        ("postal_code=02100", "suur-tapiola"),
        ("postal_code=%2002100%20", "suur-tapiola"),
    ],
)
def test_lookup_finds_the_district(client, query, slug):
    response = client.get(f"/api/v1/districts/lookup?{query}")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["district"]["slug"] == slug
    assert set(data["district"]) == {"slug", "code", "name"}
    assert data["district"]["name"]["sv"]


def test_lookup_split_postal_code_lists_alternatives(client):
    data = client.get("/api/v1/districts/lookup?postal_code=02750").get_json()
    assert data["district"]["slug"] == "vanha-espoo"
    assert data["postal_code"]["is_split"] is True
    assert {d["slug"] for d in data["alternatives"]} == {
        "suur-matinkyla",
        "suur-tapiola",
        "suur-leppavaara",
    }


@pytest.mark.parametrize(
    "query",
    [
        "postal_code=abc",
        "postal_code=0210",
        "postal_code=",
        "lat=abc&lon=24.8",
        "lat=60.2",
        "lon=24.8",
        "lat=nan&lon=24.8",
        "lat=inf&lon=24.8",
        "lat=91&lon=24.8",
        "lat=60.2&lon=181",
        "",
    ],
)
def test_lookup_malformed_input_is_400_with_a_clear_message(client, query):
    response = client.get(f"/api/v1/districts/lookup?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "bad_request"
    assert len(body["error"]["message"]) > 10


@pytest.mark.parametrize(
    "query", ["postal_code=00100", "lat=60.1699&lon=24.9384", "lat=60.2141&lon=24.7095"]
)  # Helsinki; Kauniainen (a hole)
def test_lookup_outside_the_city_is_404(client, query):
    response = client.get(f"/api/v1/districts/lookup?{query}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_lookup_message_follows_accept_language_not_the_cookie(client):
    client.get("/sv/councillors/")  # sets the language cookie, which the API ignores
    body = client.get(
        "/api/v1/districts/lookup?postal_code=abc", headers={"Accept-Language": "en"}
    ).get_json()
    assert "five digits" in body["error"]["message"]
    assert "five digits" in body["error"]["fields"]["postal_code"]


def test_api_is_read_only_and_needs_no_csrf(client, csrf_enabled):
    assert client.get("/api/v1/districts/lookup?postal_code=02100").status_code == 200
    assert client.post("/api/v1/councillors").status_code == 405
