"""The one API convention (docs/api.md): error shape, list envelope, paging bounds, shapes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participate.api.paging import MAX_PER_PAGE, parse_whole
from tests import factories

LISTS = ("/api/v1/initiatives", "/api/v1/activities", "/api/v1/councillors")


def _assert_error(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_has_the_one_envelope(client, url):
    body = client.get(url).get_json()
    assert set(body) == {"items", "count", "next", "previous"}
    assert isinstance(body["items"], list)
    assert isinstance(body["count"], int)


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=-1", "per_page"),
        ("per_page=1e3", "per_page"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=%201", "page"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_paging_out_of_bounds_is_a_400_naming_the_parameter(client, url, query, field):
    error = _assert_error(client.get(f"{url}?{query}"), 400, "bad_request")
    assert set(error["fields"]) == {field}


def test_all_bad_parameters_are_named_at_once(client):
    error = _assert_error(
        client.get("/api/v1/activities?district=atlantis&per_page=500&page=x"), 400, "bad_request"
    )
    assert set(error["fields"]) == {"district", "per_page", "page"}


def test_404_405_and_unknown_paths_have_the_one_shape(client):
    assert _assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")["fields"] == {}
    _assert_error(client.get("/api/v1/activities/123456"), 404, "not_found")
    _assert_error(client.get("/api/v1/initiatives/123456"), 404, "not_found")
    response = client.post("/api/v1/initiatives")
    _assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_500_has_the_one_shape(app, client, monkeypatch):
    from participate.councillors import queries

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "list_councillors", broken)
    monkeypatch.setitem(app.config, "RENDER_500_IN_TESTS", True)
    error = _assert_error(client.get("/api/v1/councillors"), 500, "server_error")
    assert "fire" not in error["message"]


def test_429_has_the_one_shape_and_keeps_retry_after(app):
    from werkzeug.exceptions import TooManyRequests

    from participate.api import errors

    with app.test_request_context("/api/v1/councillors", headers={"Accept-Language": "en"}):
        response = errors.error_response(TooManyRequests(retry_after=30))
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_messages_follow_accept_language(client, lang):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": f"{lang},en;q=0.1"})
    assert response.headers["Content-Language"] == lang
    messages = {
        other: client.get("/api/v1/nothing-here", headers={"Accept-Language": other}).get_json()[
            "error"
        ]["message"]
        for other in ("fi", "sv", "en")
    }
    assert response.get_json()["error"]["message"] == messages[lang]
    assert len(set(messages.values())) == 3, messages  # really translated
    assert "Accept-Language" in response.headers["Vary"]


def test_api_sets_no_cookie(client):
    client.get("/sv/")  # the site's language cookie does not change what the API says
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert "Set-Cookie" not in client.get("/api/v1/councillors").headers


def test_a_district_is_the_same_object_everywhere(app, client):
    with app.app_context():
        factories.create_councillor(district="suur-tapiola")
        factories.create_activity(district="suur-tapiola")
        factories.create_initiative(district_slug="suur-tapiola")
    seen = [
        client.get("/api/v1/councillors").get_json()["items"][0]["district"],
        client.get("/api/v1/activities").get_json()["items"][0]["district"],
        client.get("/api/v1/initiatives").get_json()["items"][0]["district"],
        client.get("/api/v1/districts/lookup?postal_code=02100").get_json()["district"],
    ]
    geo = client.get("/api/v1/districts").get_json()["features"]
    props = next(f["properties"] for f in geo if f["id"] == "suur-tapiola")
    seen.append({key: props[key] for key in ("slug", "code", "name")})
    assert all(d == seen[0] for d in seen), seen
    assert set(seen[0]["name"]) == {"fi", "sv", "en"}


def test_localised_fields_always_have_three_keys(app, client):
    with app.app_context():
        factories.create_activity(place_sv="Hagalunds centralpark")
    item = client.get("/api/v1/activities").get_json()["items"][0]
    for field in ("title", "description", "accessibility", "place"):
        assert set(item[field]) == {"fi", "sv", "en"}
    assert item["place"]["sv"] == "Hagalunds centralpark"
    assert item["place"]["fi"]
    assert item["place"]["en"] is None  # not written: null, never the Finnish text


def test_an_answers_decision_maker_is_localised_text(app, client):
    from participate.extensions import db
    from participate.initiatives.models import InitiativeAnswer

    with app.app_context():
        initiative = factories.create_initiative(status="answered")
        db.session.add(
            InitiativeAnswer(
                initiative_id=initiative.id,
                body_fi="Vastaus.",
                decision_maker="Kaupunginhallitus",
                decision_maker_sv="Stadsstyrelsen",
                decided_on=date(2026, 11, 30),
            )
        )
        db.session.commit()
    for url in (f"/api/v1/initiatives/{initiative.id}", "/api/v1/initiatives"):
        body = client.get(url).get_json()
        item = body["items"][0] if "items" in body else body
        assert item["answer"]["decision_maker"] == {
            "fi": "Kaupunginhallitus",
            "sv": "Stadsstyrelsen",
            "en": None,
        }


def test_paging_links_walk_the_whole_list(app, client):
    with app.app_context():
        for _ in range(5):
            factories.create_councillor()
    seen, url = [], "/api/v1/councillors?per_page=2"
    while url:
        body = client.get(url).get_json()
        assert body["count"] == 5
        seen += [c["id"] for c in body["items"]]
        url = body["next"]
        assert url is None or url.startswith("http://")
    assert len(seen) == len(set(seen)) == 5
    past_end = client.get("/api/v1/councillors?per_page=2&page=9").get_json()
    assert past_end["items"] == []
    assert past_end["next"] is None


@given(st.text(max_size=12))
def test_parse_whole_accepts_exactly_ascii_digits_in_range(raw):
    value = parse_whole(raw, low=1, high=MAX_PER_PAGE)
    is_digits = raw.isascii() and raw.isdigit() and 0 < len(raw) <= 9
    if value is None:
        assert not is_digits or not 1 <= int(raw) <= MAX_PER_PAGE
    else:
        assert is_digits
        assert int(raw) == value
        assert 1 <= value <= MAX_PER_PAGE
