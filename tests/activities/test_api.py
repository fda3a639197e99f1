"""/api/v1/activities: upcoming activities with places left, no personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests import factories


def make(app, **kwargs):
    with app.app_context():
        return factories.create_activity(**kwargs)


def test_lists_upcoming_published_activities_with_places_left(app, client):
    upcoming = make(app, capacity=5)
    make(app, starts_in=timedelta(days=-3))
    make(app, status="submitted")
    with app.app_context():
        factories.create_signup(upcoming, people=2, email="secret@example.fi", name="Salainen")
        factories.create_signup(upcoming, status="waiting", email="w@example.fi")
    response = client.get("/api/v1/activities")
    assert response.status_code == 200
    body = response.get_json()
    assert body["count"] == 1
    assert body["next"] is None
    assert body["previous"] is None
    item = body["items"][0]
    assert item["id"] == upcoming.id
    assert item["places_left"] == 3
    assert item["is_full"] is False
    assert item["waiting_list_groups"] == 1
    assert item["title"]["sv"] == "Städtalko i Hagalund"
    assert item["district"]["slug"] == "suur-tapiola"
    assert item["languages"] == ["fi", "sv"]
    assert item["signup"]["is_open"] is True
    assert item["starts_at"].endswith("+00:00")
    assert item["ics"].endswith(f"/activities/{upcoming.id}.ics")
    text = json.dumps(body)
    assert "secret@example.fi" not in text
    assert "Salainen" not in text


def test_filters_and_single_item(app, client):
    tapiola = make(app, languages=("fi",))
    leppavaara = make(app, district="suur-leppavaara", languages=("en",), capacity=1)
    with app.app_context():
        factories.create_signup(leppavaara)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/activities?{query}")
        assert response.status_code == 200, response.get_json()
        return [a["id"] for a in response.get_json()["items"]]

    assert ids("district=suur-leppavaara") == [leppavaara.id]
    assert ids("language=fi") == [tapiola.id]
    assert ids("has_places=1") == [tapiola.id]
    assert ids("has_places=0") == [tapiola.id, leppavaara.id]
    assert client.get(f"/api/v1/activities/{tapiola.id}").get_json()["id"] == tapiola.id
    assert client.get("/api/v1/activities/999999").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("district=atlantis", "district"),
        ("language=tlh", "language"),
        ("from=yesterday", "from"),
        ("from=2027-02-01&to=2027-01-01", "to"),
        ("per_page=1000", "per_page"),
        ("cursor=e30", "cursor"),
    ],
)
def test_bad_parameters_get_a_json_400_in_the_requested_language(client, translated, query, field):
    response = client.get(f"/api/v1/activities?{query}", headers={"Accept-Language": "sv"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "bad_request"
    assert set(body["error"]["fields"]) == {field}
    assert body["error"]["message"] == body["error"]["fields"][field]
    assert response.headers["Content-Language"] == "sv"


def test_api_costs_the_same_queries_for_3_and_20_activities(app, client, count_queries):
    def create(n):
        with app.app_context():
            for i in range(n):
                activity = factories.create_activity(starts_in=timedelta(days=1 + i))
                factories.create_signup(activity)

    create(3)
    with count_queries() as small:
        assert len(client.get("/api/v1/activities").get_json()["items"]) == 3
    create(17)
    with count_queries() as large:
        assert len(client.get("/api/v1/activities").get_json()["items"]) == 20
    assert len(small) == len(large)


def test_keyset_pages_walk_forwards_and_back(app, client):
    with app.app_context():
        made = [factories.create_activity(starts_in=timedelta(days=1 + i)).id for i in range(5)]
    first = client.get("/api/v1/activities?per_page=2&district=suur-tapiola").get_json()
    assert [a["id"] for a in first["items"]] == made[:2]
    assert first["count"] == 5
    assert first["previous"] is None
    assert "district=suur-tapiola" in first["next"]
    assert first["next"].startswith("http")
    second = client.get(first["next"]).get_json()
    assert [a["id"] for a in second["items"]] == made[2:4]
    third = client.get(second["next"]).get_json()
    assert [a["id"] for a in third["items"]] == made[4:]
    assert third["next"] is None
    back = client.get(third["previous"]).get_json()
    assert [a["id"] for a in back["items"]] == made[2:4]
    back = client.get(back["previous"]).get_json()
    assert [a["id"] for a in back["items"]] == made[:2]
    assert back["previous"] is None
