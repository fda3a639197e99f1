"""Open data: the JSON API, the Atom feed and the CSV export, and what they never reveal."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import pytest

from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
NOT_PUBLIC = ("draft", "submitted", "changes_requested", "rejected", "hidden")


@pytest.fixture
def data(app):
    """Public and non-public initiatives, with supporters whose names must not leak."""
    with app.app_context():
        theme = factories.create_theme(name_fi="Liikenne", name_sv="Trafik", name_en="Traffic")
        author = factories.create_user(display_name="Aino Aloitteentekijä", email="aino@example.fi")
        public = factories.create_initiative(
            author=author, theme=theme, lat=60.1756, lon=24.8058, goals=(3, 11)
        )
        answered = factories.create_initiative(theme=theme, status="answered", language="sv")
        secret = {
            status: factories.create_initiative(
                theme=theme, status=status, title=f"SECRET {status}"
            )
            for status in NOT_PUBLIC
        }
        supporter = factories.create_user(display_name="Salla Kannattaja", email="salla@example.fi")
        factories.create_support(public, supporter)
    return {"public": public, "answered": answered, "secret": secret, "theme": theme}


def _assert_private(text):
    for leak in ("SECRET", "aino@example.fi", "salla@example.fi", "Salla Kannattaja", "password"):
        assert leak not in text


def test_api_list(client, data):
    response = client.get("/api/v1/initiatives")
    assert response.status_code == 200
    body = response.json
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {data["public"].id, data["answered"].id}
    item = next(i for i in body["items"] if i["id"] == data["public"].id)
    assert item["point"] == {"lat": 60.1756, "lon": 24.8058}
    assert item["sdg_goals"] == [3, 11]
    assert item["theme"]["name"] == {"fi": "Liikenne", "sv": "Trafik", "en": "Traffic"}
    assert item["district"]["slug"] == "suur-tapiola"
    assert item["district"]["name"]["sv"] == "Stor-Hagalund"
    assert item["author"] == "Aino Aloitteentekijä"
    assert item["support_count"] == 1
    assert item["url"].endswith(f"/fi/initiatives/{data['public'].id}")
    _assert_private(response.get_data(as_text=True))


def test_api_filters_pagination_and_errors(client, data):
    assert client.get("/api/v1/initiatives?status=answered").json["count"] == 1
    assert client.get("/api/v1/initiatives?sdg=11").json["count"] == 1
    assert client.get(f"/api/v1/initiatives?theme={data['theme'].slug}").json["count"] == 2
    page = client.get("/api/v1/initiatives?per_page=1&lang=sv").json
    assert page["count"] == 2
    assert len(page["items"]) == 1
    assert "cursor=" in page["next"]
    assert "lang=sv" in page["next"]
    assert "per_page=1" in page["next"]
    assert page["next"].startswith("http")
    assert page["previous"] is None
    second = client.get(page["next"]).json
    assert second["next"] is None
    assert {second["items"][0]["id"], page["items"][0]["id"]} == {
        data["public"].id,
        data["answered"].id,
    }
    back = client.get(second["previous"]).json
    assert [i["id"] for i in back["items"]] == [i["id"] for i in page["items"]]
    assert back["previous"] is None
    # A numbered page still works (OFFSET, bounded like the HTML list).
    numbered = client.get("/api/v1/initiatives?per_page=1&page=2").json
    assert [i["id"] for i in numbered["items"]] == [i["id"] for i in second["items"]]
    assert "page=1" in numbered["previous"]
    for bad, field in (
        ("per_page=1000", "per_page"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
        ("cursor=nonsense", "cursor"),
        ("cursor=eyJrIjpbMV0sImIiOjB9", "cursor"),  # one key value for a two-column order
    ):
        response = client.get(f"/api/v1/initiatives?{bad}")
        assert response.status_code == 400, bad
        assert set(response.json["error"]["fields"]) == {field}
    for bad in (
        "status=draft",
        "status=hidden",
        "sdg=18",
        "theme=nope",
        "district=atlantis",
        "sort=x",
    ):
        response = client.get(f"/api/v1/initiatives?{bad}")
        assert response.status_code == 400, bad
        assert response.json["error"]["code"] == "bad_request"
        assert len(response.json["error"]["fields"]) == 1


def test_api_detail_and_privacy(client, data):
    response = client.get(f"/api/v1/initiatives/{data['public'].id}")
    assert response.status_code == 200
    assert response.json["title"] == data["public"].title
    for initiative in data["secret"].values():
        response = client.get(f"/api/v1/initiatives/{initiative.id}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
        assert response.json["error"]["fields"] == {}
    assert client.get("/api/v1/initiatives/999999").status_code == 404


def test_api_author_without_name(app, client):
    with app.app_context():
        author = factories.create_user(display_name="Piilo Nimi", home_district="suur-leppavaara")
        item = factories.create_initiative(author=author, author_display="district")
    body = client.get(f"/api/v1/initiatives/{item.id}?lang=en").json
    assert body["author"] == "A resident of Greater Leppävaara"
    assert "Piilo" not in str(body)


def test_api_list_does_not_grow_queries(app, client, count_queries):
    def make(count):
        with app.app_context():
            theme = factories.create_theme()
            for number in range(count):
                initiative = factories.create_initiative(
                    theme=theme, status="answered" if number % 2 else "published"
                )
                factories.create_support(initiative)

    make(3)
    with count_queries() as few:
        client.get("/api/v1/initiatives")
    make(17)
    with count_queries() as many:
        assert len(client.get("/api/v1/initiatives").json["items"]) == 20
    assert len(many) == len(few)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_atom_feed_is_valid_and_public_only(client, data, lang):
    response = client.get(f"/{lang}/initiatives/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    text = response.get_data(as_text=True)
    _assert_private(text)
    feed = ET.fromstring(response.data)  # noqa: S314 (our own response)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    # RFC 4287: a feed has id, title, updated, an author (here on the feed) and a self link.
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    assert (
        feed.find(f"{ATOM}link[@rel='self']").get("href").endswith(f"/{lang}/initiatives/feed.atom")
    )
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for tag in ("id", "title", "updated", "link", "content"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        assert f"/{lang}/initiatives/" in entry.find(f"{ATOM}link").get("href")
    languages = {
        e.find(f"{ATOM}content").get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries
    }
    assert languages == {"fi", "sv"}


def test_csv_export(client, data):
    response = client.get("/en/initiatives/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    text = response.data.decode("utf-8-sig")
    _assert_private(text)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    public = next(r for r in rows if r["id"] == str(data["public"].id))
    assert public["theme"] == "Traffic"
    assert public["district"] == "Greater Tapiola"
    assert public["sdg_goals"] == "3 11"
    assert public["support_count"] == "1"
    filtered = client.get("/en/initiatives/export.csv?status=answered").data.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(filtered), delimiter=";"))) == 1


def test_csv_neutralises_formulas(app, client):
    with app.app_context():
        factories.create_initiative(title='=HYPERLINK("http://evil.example")', body="+1")
    text = client.get("/fi/initiatives/export.csv").data.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["title"].startswith("'=")
    assert row["body"] == "'+1"
