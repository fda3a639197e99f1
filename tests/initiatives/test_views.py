"""Initiative pages: browse, read, write (bad input, CSRF), support, visibility, query counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.workflow.states import Status
from tests import factories, pages

LANGS = ("fi", "sv", "en")
TAPIOLA = ("60.1756", "24.8058")
HELSINKI = ("60.1699", "24.9384")


def _count(app, model=Initiative):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _reload(app, initiative_id):
    with app.app_context():
        item = db.session.get(Initiative, initiative_id)
        db.session.expunge(item)
        return item


# Browse and read ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_list_detail_and_map_in_every_language(app, client, lang):
    with app.app_context():
        theme = factories.create_theme()
        initiative = factories.create_initiative(
            theme=theme, language="sv", lat=60.1756, lon=24.8058, goals=(11,)
        )
        factories.create_initiative(theme=theme, status="answered", district_slug=None)
    soup = pages.get(client, f"/{lang}/initiatives/")
    titles = [a.get_text(strip=True) for a in soup.select(".initiative-card h3 a")]
    assert "Fler bänkar vid Esboviken" in titles
    link = soup.select_one(f'a[href="/{lang}/initiatives/{initiative.id}"]')
    assert link["lang"] == "sv"

    soup = pages.get(client, f"/{lang}/initiatives/{initiative.id}")
    assert soup.h1["lang"] == "sv"
    assert soup.select_one(".initiative-body")["lang"] == "sv"
    assert soup.select_one("#initiative-map")["data-lat"] == "60.1756"
    assert soup.select_one("progress#support-progress")["max"] == "20"
    assert soup.select_one('label[for="support-progress"]')

    soup = pages.get(client, f"/{lang}/initiatives/map")
    assert len(soup.select(".map-list li")) == 1
    assert soup.select_one("script#initiative-points") is None  # no points inlined
    points_url = soup.select_one("#initiatives-map")["data-points-url"]
    assert points_url == f"/{lang}/initiatives/map.geojson"
    response = client.get(points_url)
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    assert collection["truncated"] is False
    (feature,) = collection["features"]
    assert feature["id"] == initiative.id
    assert feature["geometry"] == {"type": "Point", "coordinates": [24.8058, 60.1756]}
    assert feature["properties"]["url"] == f"/{lang}/initiatives/{initiative.id}"
    assert feature["properties"]["lang"] == "sv"


def test_map_points_are_bounded_and_follow_the_viewport(app, client, monkeypatch):
    monkeypatch.setattr("participate.initiatives.queries.MAP_POINTS_MAX", 2)
    with app.app_context():
        theme = factories.create_theme()
        east = [factories.create_initiative(theme=theme, lat=60.2, lon=24.9).id for _ in range(2)]
        west = factories.create_initiative(theme=theme, lat=60.2, lon=24.5).id
    collection = client.get("/fi/initiatives/map.geojson").get_json()
    assert len(collection["features"]) == 2
    assert collection["truncated"] is True
    inside = client.get("/fi/initiatives/map.geojson?bbox=24.4,60.1,24.6,60.3").get_json()
    assert [f["id"] for f in inside["features"]] == [west]
    assert inside["truncated"] is False
    filtered = client.get(f"/fi/initiatives/map.geojson?theme={theme.slug}&bbox=24.8,60,25,60.4")
    assert sorted(f["id"] for f in filtered.get_json()["features"]) == sorted(east)
    for bad in ("1,2,3", "a,b,c,d", "25,60,24,61", "24,61,25,60", "24,-91,25,60"):
        assert client.get(f"/fi/initiatives/map.geojson?bbox={bad}").status_code == 400, bad


def test_detail_shows_answer_history_and_link_text(app, client):
    with app.app_context():
        initiative = factories.create_initiative(status="answered")
        from participate.initiatives.models import InitiativeAnswer

        factories.persist(
            InitiativeAnswer(
                initiative_id=initiative.id,
                body_fi="Kaupunki rakentaa suojatien.",
                decision_maker="Kaupunkiympäristölautakunta",
                decided_on=factories.utcnow().date(),
            )
        )
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    answer = soup.select_one("#answer")
    assert "Kaupunki rakentaa suojatien." in answer.get_text()
    assert answer.select_one(".answer-body")["lang"] == "fi"
    assert "Only available in Finnish" in pages.text(answer)
    link = soup.select_one(".initiative-body a")
    assert link["rel"] == ["nofollow", "ugc", "noopener"]
    assert "Support is closed" in pages.text(soup)


def test_filters_search_and_sort(app, client):
    with app.app_context():
        traffic = factories.create_theme(slug="crossings")
        parks = factories.create_theme(slug="benches")
        body = "Teksti."
        factories.create_initiative(
            theme=traffic, title="Suojatie Tapiolaan", body=body, support_count=1
        )
        factories.create_initiative(
            theme=parks,
            title="Penkkejä puistoon",
            body=body,
            district_slug="suur-leppavaara",
            support_count=9,
            goals=(3,),
            status="answered",
        )
        factories.create_initiative(
            theme=parks, title="Koko kaupungin asia", body=body, district_slug=None
        )
        factories.create_initiative(theme=parks, title="Salainen luonnos", status="draft")

    def titles(query):
        soup = pages.get(client, f"/fi/initiatives/?{query}")
        return [a.get_text(strip=True) for a in soup.select(".initiative-card h3 a")]

    assert "Salainen luonnos" not in titles("")
    assert titles("theme=crossings") == ["Suojatie Tapiolaan"]
    assert titles("district=suur-leppavaara") == ["Penkkejä puistoon"]
    assert titles("district=city") == ["Koko kaupungin asia"]
    assert titles("status=answered") == ["Penkkejä puistoon"]
    assert titles("sdg=3") == ["Penkkejä puistoon"]
    assert titles("q=suojatie") == ["Suojatie Tapiolaan"]
    assert titles("q=PUISTOON") == ["Penkkejä puistoon"]
    assert titles("q=100%25") == []
    assert titles("sort=supported")[0] == "Penkkejä puistoon"
    # Unknown values are ignored, not errors, on the HTML list; drafts never appear.
    assert len(titles("status=draft&theme=nope&sdg=99&sort=x")) == 3


def test_pagination_links(app, client):
    with app.app_context():
        theme = factories.create_theme()
        for number in range(23):
            factories.create_initiative(theme=theme, title=f"Aloite {number}")
    soup = pages.get(client, "/en/initiatives/?theme=" + theme.slug)
    assert len(soup.select(".initiative-card")) == 20
    nav = soup.select_one("nav.pagination-nav")
    assert nav["aria-label"]
    assert nav.select_one('[aria-current="page"]').get_text(strip=True).endswith("1")
    next_link = nav.select_one('a[rel="next"]')["href"]
    assert f"theme={theme.slug}" in next_link
    assert "page=2" in next_link
    soup = pages.get(client, next_link)
    assert len(soup.select(".initiative-card")) == 3
    pages.get(client, "/en/initiatives/?page=99", status=404)  # past the end: not found


def test_list_is_bounded_and_says_so(app, client, monkeypatch):
    """Past paging.MAX_LISTED_ROWS the list stops, says so and points to the filters."""
    monkeypatch.setattr("participate.paging.MAX_LISTED_ROWS", 20)
    with app.app_context():
        theme = factories.create_theme()
        for number in range(21):
            factories.create_initiative(theme=theme, title=f"Aloite {number}")
    soup = pages.get(client, "/en/initiatives/")
    assert soup.select_one("#results-title").get_text(strip=True) == (
        "More than 20 initiatives found"
    )
    assert "search with a word" in soup.select_one("#results-capped").get_text()
    assert soup.select_one('nav.pagination-nav a[rel="next"]') is None
    soup = pages.get(client, "/en/initiatives/?page=2")
    assert soup.select(".initiative-card") == []
    assert soup.select_one("#results-capped") is not None
    soup = pages.get(client, "/en/initiatives/?q=Aloite%2020")
    assert soup.select_one("#results-capped") is None


@pytest.mark.parametrize(
    "url", ["/fi/initiatives/", "/fi/initiatives/map", "/fi/initiatives/?sort=supported&q=Esbo"]
)
def test_list_pages_do_not_grow_queries(app, client, count_queries, url):
    def make(count):
        with app.app_context():
            theme = factories.create_theme()
            for _ in range(count):
                factories.create_initiative(
                    theme=theme,
                    language="sv",
                    lat=60.1756,
                    lon=24.8058,
                    author=factories.create_user(),
                )

    make(3)
    with count_queries() as few:
        client.get(url)
    make(17)
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), many


def test_my_initiatives_do_not_grow_queries(app, client, login_as, count_queries):
    user = login_as()
    with app.app_context():
        for _ in range(3):
            factories.create_initiative(author=user, status="draft")
    with count_queries() as few:
        client.get("/fi/initiatives/mine")
    with app.app_context():
        for _ in range(10):
            factories.create_initiative(author=user)
            factories.create_support(factories.create_initiative(), user)
    with count_queries() as many:
        soup = pages.get(client, "/fi/initiatives/mine")
    assert len(many) == len(few)
    assert len(soup.select("tbody tr")) == 13


def test_my_initiatives_link_what_i_support_when_i_wrote_none(app, client, login_as):
    user = login_as()
    with app.app_context():
        supported = factories.create_initiative(title="Tuettu aloite")
        factories.create_support(supported, user)
        supported_id = supported.id
    soup = pages.get(client, "/fi/initiatives/mine")
    links = [a["href"] for a in soup.select("main ul a")]
    assert f"/fi/initiatives/{supported_id}" in links


# Visibility: 404 rather than 403, so hidden things do not leak ---------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested", "rejected"])
def test_non_public_initiatives_are_404_for_others(app, client, login_as, status):
    with app.app_context():
        initiative = factories.create_initiative(status=status)
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == 404
    login_as()
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == 404
    assert client.get(f"/fi/initiatives/{initiative.id}/edit").status_code == 404
    assert client.post(f"/fi/initiatives/{initiative.id}/support").status_code == 404


def test_hidden_initiatives_are_gone_for_others(app, client, login_as):
    """Hidden ones were public (their address was shared): 410 with the reason, not 404."""
    with app.app_context():
        initiative = factories.create_initiative(status="hidden")
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == 410
    login_as()
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == 410
    assert client.get(f"/fi/initiatives/{initiative.id}/edit").status_code == 410
    assert client.post(f"/fi/initiatives/{initiative.id}/support").status_code == 410


@pytest.mark.parametrize(
    ("status", "moderator_sees"),
    [("draft", False), ("submitted", True), ("rejected", True), ("hidden", True)],
)
def test_author_and_moderators(app, client, login_as, status, moderator_sees):
    author = login_as()
    with app.app_context():
        initiative = factories.create_initiative(status=status, author=author)
    soup = pages.get(client, f"/fi/initiatives/{initiative.id}")
    assert soup.select_one("#visibility-title")
    login_as("moderator")
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == (
        200 if moderator_sees else 404
    )


def test_new_requires_sign_in(client):
    response = client.get("/fi/initiatives/new")
    assert response.status_code == 302
    assert "/fi/account/login" in response.headers["Location"]


# Write -------------------------------------------------------------------------------------


def _form(theme_id, **overrides):
    data = {
        "title": "Suojatie koulun eteen",
        "body": "Autot ajavat kovaa.\n\nEhdotan suojatietä.",
        "language": "fi",
        "theme": str(theme_id),
        "district": "suur-tapiola",
        "lat": "",
        "lon": "",
        "author_display": "name",
        "intent": "save",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("lang", LANGS)
def test_form_page_in_every_language(app, client, login_as, lang):
    login_as()
    with app.app_context():
        factories.create_theme()
    soup = pages.get(client, f"/{lang}/initiatives/new")
    form = soup.select_one("form#initiative-form")
    assert form.has_attr("novalidate")
    assert soup.select_one(f'input[name="language"][value="{lang}"]').has_attr("checked")
    assert len(soup.select('input[name="goals"]')) == 17
    assert {b["value"] for b in soup.select('button[name="intent"]')} == {
        "preview",
        "save",
        "submit",
    }
    picker = soup.select_one("#point-picker")
    assert picker.has_attr("hidden")
    assert picker["data-district-url"].endswith("/district-at")
    assert soup.select_one('script[src="/static/vendor/leaflet/leaflet.js"]')


BAD_INPUT = [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 151}, "title"),
    ({"body": ""}, "body"),
    ({"body": "x" * 10_001}, "body"),
    ({"theme": ""}, "theme"),
    ({"theme": "999999"}, "theme"),
    ({"theme": "abc"}, "theme"),
    ({"district": "atlantis"}, "district"),
    ({"district": ""}, "district"),  # no district and no point
    ({"district": "", "lat": HELSINKI[0], "lon": HELSINKI[1]}, "lat"),  # outside Espoo
    ({"lat": "70.1", "lon": "24.8"}, "lat"),
    ({"lat": "sixty", "lon": "24.8"}, "lat"),
    ({"lat": TAPIOLA[0], "lon": ""}, "lon"),
    ({"goals": "18"}, "goals"),
    ({"language": "de"}, "language"),
    ({"author_display": "nobody"}, "author_display"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUT)
def test_bad_input_is_refused_and_kept(app, client, login_as, overrides, field):
    login_as()
    with app.app_context():
        theme = factories.create_theme()
    data = _form(theme.id, **overrides)
    response = client.post("/en/initiatives/new", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert soup.select_one(".error-summary")
    error = soup.select_one(f"#{field}-error") or soup.select_one(f"#{field}-0")
    assert error is not None, f"no error shown for {field}"
    assert soup.select_one("#title")["value"] == data["title"].strip() or field == "title"
    assert data["body"][:20] in soup.select_one("#body").get_text()
    assert _count(app) == 0


def test_csrf_is_required(app, client, login_as, csrf_enabled):
    login_as()
    with app.app_context():
        theme = factories.create_theme()
    response = client.post("/fi/initiatives/new", data=_form(theme.id))
    assert response.status_code == 400
    assert _count(app) == 0


def test_preview_saves_nothing(app, client, login_as):
    login_as()
    with app.app_context():
        theme = factories.create_theme()
    response = client.post(
        "/fi/initiatives/new",
        data=_form(theme.id, intent="preview", body="Katso https://www.espoo.fi <b>x</b>"),
    )
    assert response.status_code == 200
    soup = pages.check_page(response.get_data(as_text=True), "fi", csrf=False)
    preview = soup.select_one("#preview .initiative-body")
    assert preview.select_one('a[href="https://www.espoo.fi"]')
    assert "<b>x</b>" in preview.get_text()
    assert _count(app) == 0


def test_save_draft_then_edit_and_send(app, client, login_as, outbox):
    user = login_as(language="sv")
    with app.app_context():
        theme = factories.create_theme()
    response = client.post(
        "/fi/initiatives/new",
        data=_form(theme.id, district="", lat=TAPIOLA[0], lon=TAPIOLA[1], goals=["3", "11"]),
    )
    assert response.status_code == 302
    with app.app_context():
        initiative = db.session.scalar(sa.select(Initiative))
        assert initiative.status == Status.DRAFT
        assert initiative.district_id == factories.district("suur-tapiola").id
        assert initiative.goals == [3, 11]
        initiative_id = initiative.id
    assert response.headers["Location"] == f"/fi/initiatives/{initiative_id}/edit"
    soup = pages.get(client, f"/fi/initiatives/{initiative_id}/edit")
    assert soup.select_one("#lat")["value"] == "60.175600"
    assert soup.select_one('input[name="goals"][value="11"]').has_attr("checked")

    response = client.post(
        f"/fi/initiatives/{initiative_id}/edit",
        data=_form(theme.id, title="Parempi otsikko", intent="submit", district="city"),
    )
    assert response.headers["Location"] == f"/fi/initiatives/{initiative_id}"
    item = _reload(app, initiative_id)
    assert item.status == Status.SUBMITTED
    assert item.title == "Parempi otsikko"
    assert item.district_id is None
    assert [m.template for m in outbox(to=user.email)] == ["initiatives/submitted"]
    # Sent: no more edits.
    response = client.get(f"/fi/initiatives/{initiative_id}/edit")
    assert response.status_code == 302


def test_unverified_author_keeps_the_draft(app, client, login_as):
    login_as(verified=False)
    with app.app_context():
        theme = factories.create_theme()
    response = client.post("/en/initiatives/new", data=_form(theme.id, intent="submit"))
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(sa.select(Initiative))
        assert draft.status == Status.DRAFT
    assert response.headers["Location"] == f"/en/initiatives/{draft.id}/edit"
    soup = pages.get(client, response.headers["Location"])
    assert "Verify your e-mail address before you send" in pages.text(soup.select_one(".flashes"))


def test_district_at_point(client):
    response = client.get("/sv/initiatives/district-at?lat=60.1756&lon=24.8058")
    assert response.json == {"district": "suur-tapiola", "name": "Stor-Hagalund"}
    assert (
        client.get(f"/fi/initiatives/district-at?lat={HELSINKI[0]}&lon={HELSINKI[1]}").json[
            "district"
        ]
        is None
    )
    assert client.get("/fi/initiatives/district-at?lat=x").status_code == 400


def test_submissions_are_rate_limited(app, client, login_as):
    login_as()
    with app.app_context():
        theme = factories.create_theme()
    statuses = [
        client.post("/fi/initiatives/new", data=_form(theme.id, intent="preview")).status_code
        for _ in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


# Support -----------------------------------------------------------------------------------


def test_support_and_withdraw_over_http(app, client, login_as):
    login_as()
    with app.app_context():
        initiative = factories.create_initiative()
    url = f"/en/initiatives/{initiative.id}/support"
    response = client.post(url, data={"intent": "support"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/initiatives/{initiative.id}#support")
    client.post(url, data={"intent": "support"})  # twice: refused, still one
    assert _reload(app, initiative.id).support_count == 1
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    assert "You have already supported this initiative." in pages.text(soup)
    assert soup.select_one('button[value="withdraw"]')
    client.post(url, data={"intent": "withdraw"})
    assert _reload(app, initiative.id).support_count == 0


def test_support_needs_a_verified_account(app, client, login_as):
    with app.app_context():
        initiative = factories.create_initiative()
    url = f"/en/initiatives/{initiative.id}/support"
    response = client.post(url, data={"intent": "support"})
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    login_as(verified=False)
    client.post(url, data={"intent": "support"})
    assert _reload(app, initiative.id).support_count == 0
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    assert "Verify your e-mail address first" in pages.text(soup)


def test_support_csrf(app, client, login_as, csrf_enabled):
    login_as()
    with app.app_context():
        initiative = factories.create_initiative()
    response = client.post(f"/fi/initiatives/{initiative.id}/support", data={"intent": "support"})
    assert response.status_code == 400
    assert _reload(app, initiative.id).support_count == 0


def test_profile_links_to_my_initiatives(client, login_as):
    login_as()
    soup = pages.get(client, "/fi/account/profile")
    assert soup.select_one('a[href="/fi/initiatives/mine"]')


def test_search_finds_inflected_words_and_survives_operators(app, client):
    with app.app_context():
        factories.create_initiative(title="Kirjaston aukioloajat pidemmiksi", body="Teksti.")
        factories.create_initiative(title="Längre öppettider på biblioteket", language="sv")
        factories.create_initiative(title="Uusi koirapuisto", body="Ei liity hakuun.")

    def titles(q):
        soup = pages.get(client, f"/fi/initiatives/?q={q}")
        return sorted(a.get_text(strip=True) for a in soup.select(".initiative-card h3 a"))

    assert titles("kirjasto") == ["Kirjaston aukioloajat pidemmiksi"]
    assert titles("Bibliotek") == ["Längre öppettider på biblioteket"]
    assert titles("kirjasto aukiolo") == ["Kirjaston aukioloajat pidemmiksi"]
    assert titles("kirjasto koira") == []
    for hostile in ["%26%20%7C%20!", "':*", "%25_", "a%27b"]:
        pages.get(client, f"/fi/initiatives/?q={hostile}")


@pytest.mark.parametrize("path", ["/fi/initiatives/", "/fi/activities/", "/fi/activities/archive"])
def test_a_page_past_the_end_is_not_found(client, path):
    """Like any site: page 999 of a short list is a missing page, not "26 found" + "none"."""
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(f"{path}?page=2").status_code == 404
    assert client.get(f"{path}?page=999").status_code == 404
