"""The map page, the district pages and "find my district", in every language."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests import factories, pages

LANGS = ("fi", "sv", "en")
TAPIOLA = {"fi": "Suur-Tapiola", "sv": "Stor-Hagalund", "en": "Greater Tapiola"}
LEPPAVAARA = {"fi": "Suur-Leppävaara", "sv": "Stor-Alberga", "en": "Greater Leppävaara"}
XSS_NAMES = ("<img src=x onerror=alert(1)>", "${alert(1)}")


@pytest.fixture
def council(app):
    """A small council: three in Suur-Tapiola (one deputy), one in Suur-Leppävaara."""
    with app.app_context():
        return [
            factories.create_councillor(
                first_name="Aino", last_name="Aaltonen", party="KOK", district="suur-tapiola"
            ),
            factories.create_councillor(
                first_name="Björn",
                last_name="Ekholm",
                party="RKP",
                district="suur-tapiola",
                languages="sv;fi",
            ),
            factories.create_councillor(
                first_name="Priya",
                last_name="Nair",
                party="VIHR",
                district="suur-leppavaara",
                languages="en;fi",
            ),
            factories.create_councillor(
                first_name="Mikko",
                last_name="Korhonen",
                party="SDP",
                district="suur-tapiola",
                role="deputy",
            ),
        ]


def entry(soup, slug):
    return soup.select_one(f'.district-entry[data-district="{slug}"]')


def panel(soup):
    return soup.select_one("#district-panel")


@pytest.mark.parametrize("lang", LANGS)
def test_map_page_lists_every_district_with_its_councillors(client, council, lang):
    soup = pages.get(client, f"/{lang}/councillors/")
    assert len(soup.select(".district-entry")) == 7
    tapiola = pages.text(entry(soup, "suur-tapiola"))
    assert "Aino Aaltonen" in tapiola
    assert "Björn Ekholm" in tapiola
    assert "Mikko Korhonen" in tapiola
    assert "Priya Nair" not in tapiola
    assert entry(soup, "suur-tapiola").select_one(f'a[href="mailto:{council[0].email}"]')
    assert "Priya Nair" in pages.text(entry(soup, "suur-leppavaara"))
    # every district links to its own page and can be chosen for the panel without the map
    for item in soup.select(".district-entry"):
        slug = item["data-district"]
        assert item.select_one(f'h3 a[href="/{lang}/councillors/{slug}"]')
        assert item.select_one(f'a[data-select-district="{slug}"]')["href"].startswith(
            f"/{lang}/councillors/?district={slug}"
        )


@pytest.mark.parametrize("lang", LANGS)
def test_map_is_embedded_with_our_own_assets(client, lang):
    response = client.get(f"/{lang}/councillors/")
    soup = pages.check_page(response.get_data(as_text=True), lang)
    assert soup.select_one(".map-frame .folium-map")
    sources = [s["src"] for s in soup.find_all("script", src=True)]
    sheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert any(s.startswith("/static/vendor/leaflet/leaflet.js") for s in sources)
    assert any(s.startswith("/static/vendor/leaflet/leaflet.css") for s in sheets)
    assert "/static/js/councillors.js" in sources
    for url in sources + sheets:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
    html = response.get_data(as_text=True)
    for outside in ("cdn.", "jquery", "bootstrap", "font-awesome", "fontawesome", "unpkg"):
        assert outside not in html.lower()
    # Folium's own header (viewport that blocks zoom, html/body height) stays out
    assert "user-scalable=no" not in html
    assert "<style>" not in html
    nonce = soup.find("script", src=False)["nonce"]
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_map_page_shows_the_data_attribution_in_the_page_language(client):
    en = pages.text(pages.get(client, "/en/councillors/"))
    assert "HSY / Seutukartta" in en
    assert "CC BY 4.0" in en


def test_district_names_in_the_page_language(client):
    assert "Stor-Hagalund" in pages.text(pages.get(client, "/sv/councillors/"))
    assert "Suur-Tapiola" in pages.text(pages.get(client, "/fi/councillors/"))


@pytest.mark.parametrize("lang", LANGS)
def test_postal_code_leads_to_the_district(client, council, lang):
    soup = pages.get(client, f"/{lang}/councillors/?postal_code=02100")
    assert panel(soup)["data-selected"] == "suur-tapiola"
    names = pages.text(panel(soup))
    assert "Aino Aaltonen" in names
    assert "Priya Nair" not in names
    assert "02100" in pages.text(soup.select_one("#lookup-result"))
    assert soup.select_one("#postal_code")["value"] == "02100"


def test_postal_code_with_spaces_is_accepted(client, council):
    soup = pages.get(client, "/fi/councillors/?postal_code=+02100+")
    assert panel(soup)["data-selected"] == "suur-tapiola"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", ["abc", "0210", "021000", "02 1x0", ""])
def test_malformed_postal_code_is_a_clear_error(client, lang, code):
    soup = pages.get(client, f"/{lang}/councillors/?postal_code={code}", status=400)
    summary = soup.select_one("#error-summary")
    assert summary
    assert summary.select_one('a[href="#postal_code"]')
    field = soup.select_one("#postal_code")
    assert field["aria-invalid"] == "true"
    assert field.get("value", "") == code.strip()  # what the person typed stays
    assert panel(soup)["data-selected"] == ""


def test_postal_code_error_is_translated(client):
    fi = pages.text(pages.get(client, "/fi/councillors/?postal_code=abc", status=400))
    en = pages.text(pages.get(client, "/en/councillors/?postal_code=abc", status=400))
    assert "Enter a postal code of five digits" in en
    # until the translators' round the Finnish page may fall back to English; the message
    # still comes from the catalog, never from code
    assert "02100" in fi


def test_postal_code_outside_espoo_is_an_invalid_field(client):
    soup = pages.get(client, "/en/councillors/?postal_code=00100")
    summary = soup.select_one("#error-summary")
    assert summary.has_attr("autofocus")
    link = summary.select_one('a[href="#postal_code"]')
    assert "00100 is not a postal code of this city" in pages.text(link)
    assert soup.select_one("#postal_code")["aria-invalid"] == "true"
    assert soup.select_one("#lookup-result") is None
    assert panel(soup)["data-selected"] == ""


def test_found_district_is_announced_as_good_news(client, council):
    soup = pages.get(client, "/en/councillors/?postal_code=02100")
    result = soup.select_one("#lookup-result")
    assert result["role"] == "status"
    assert result.has_attr("autofocus")  # read out after the reload, no 29 Tabs to get there
    assert "notice-success" in result["class"]
    assert result.select_one('a[href="#district-panel"]')
    assert "aria-invalid" not in soup.select_one("#postal_code").attrs


def test_a_problem_looks_different_from_a_result(client):
    soup = pages.get(client, "/en/councillors/?lat=60.1699&lon=24.9384")  # Helsinki
    assert "notice-error" in soup.select_one("#lookup-result")["class"]


@pytest.mark.parametrize("lang", LANGS)
def test_split_postal_code_offers_a_choice(client, lang):
    soup = pages.get(client, f"/{lang}/councillors/?postal_code=02750")
    choices = soup.select("#lookup-result .district-choices a")
    slugs = [a["href"].split("district=")[1].split("&")[0].split("#")[0] for a in choices]
    assert slugs[0] == "vanha-espoo"  # most of the area first
    assert set(slugs) == {"vanha-espoo", "suur-matinkyla", "suur-tapiola", "suur-leppavaara"}
    assert all("postal_code=02750" in a["href"] for a in choices)


def test_split_postal_code_choice_is_kept(client, council):
    soup = pages.get(client, "/en/councillors/?postal_code=02750&district=suur-tapiola")
    assert panel(soup)["data-selected"] == "suur-tapiola"
    current = soup.select_one('#lookup-result a[aria-current="true"]')
    assert "district=suur-tapiola" in current["href"]


def test_location_inside_espoo(client, council):
    # Tapiola centre
    soup = pages.get(client, "/en/councillors/?lat=60.1756&lon=24.8050")
    assert panel(soup)["data-selected"] == "suur-tapiola"
    assert "Greater Tapiola" in pages.text(soup.select_one("#lookup-result"))


def test_location_outside_espoo(client):
    soup = pages.get(client, "/en/councillors/?lat=60.1699&lon=24.9384")  # Helsinki
    assert "outside the city" in pages.text(soup.select_one("#lookup-result"))
    assert panel(soup)["data-selected"] == ""


@pytest.mark.parametrize(
    "query", ["lat=abc&lon=24.8", "lat=60.2", "lat=nan&lon=24.8", "lat=95&lon=24.8", "lon=1e999"]
)
def test_malformed_location(client, query):
    soup = pages.get(client, f"/en/councillors/?{query}", status=400)
    assert soup.select_one("#lookup-result .error-message")


@pytest.mark.parametrize("lang", LANGS)
def test_district_parameter_selects_a_district(client, council, lang):
    soup = pages.get(client, f"/{lang}/councillors/?district=suur-leppavaara")
    assert panel(soup)["data-selected"] == "suur-leppavaara"
    assert "Priya Nair" in pages.text(panel(soup))
    assert soup.title.string.startswith(LEPPAVAARA[lang])


def test_unknown_district_parameter(client, council):
    soup = pages.get(client, "/en/councillors/?district=atlantis", status=400)
    assert panel(soup)["data-selected"] == ""
    assert soup.select_one("#district-panel .error-message")
    assert len(soup.select(".district-entry")) == 7


def test_party_filter(client, council):
    soup = pages.get(client, "/en/councillors/?party=KOK")
    listed = pages.text(soup.select_one("#district-list"))
    assert "Aino Aaltonen" in listed
    assert "Björn Ekholm" not in listed
    assert "Priya Nair" not in listed
    assert soup.select_one("#party option[selected]")["value"] == "KOK"
    assert soup.select_one("#councillors-app")["data-party"] == "KOK"
    # districts without a councillor of the party say so
    assert "No councillors of the chosen party" in pages.text(entry(soup, "suur-leppavaara"))


def test_party_filter_with_district_and_postal_code(client, council):
    soup = pages.get(client, "/en/councillors/?party=RKP&postal_code=02100")
    names = pages.text(panel(soup))
    assert "Björn Ekholm" in names
    assert "Aino Aaltonen" not in names
    # the postal code form keeps the party
    assert soup.select_one('form input[type="hidden"][name="party"]')["value"] == "RKP"


def test_unknown_party_is_reported_and_everyone_shown(client, council):
    soup = pages.get(client, "/en/councillors/?party=NOPE", status=400)
    assert soup.select_one("#error-summary")
    assert "NOPE" in pages.text(soup.select_one("#error-summary"))
    assert "Aino Aaltonen" in pages.text(soup.select_one("#district-list"))


@pytest.mark.parametrize("lang", LANGS)
def test_district_page(client, council, lang):
    soup = pages.get(client, f"/{lang}/councillors/suur-tapiola")
    text = pages.text(soup)
    assert soup.h1.get_text(strip=True) == TAPIOLA[lang]
    assert "Aino Aaltonen" in text
    assert "Björn Ekholm" in text
    assert "Priya Nair" not in text
    assert "02100" in text  # its postal codes
    deputies = soup.select_one("#deputies-title").find_parent("section")
    assert "Mikko Korhonen" in pages.text(deputies)
    assert soup.select_one(f'a[href="/{lang}/councillors/?district=suur-tapiola#district-panel"]')


def test_district_page_committees_with_fallback(app, client):
    with app.app_context():
        factories.create_councillor(
            first_name="Aino", committees_fi="Ympäristölautakunta", committees_en=""
        )
    soup = pages.get(client, "/en/councillors/suur-tapiola")
    committees = soup.find(string=lambda s: s and "Ympäristölautakunta" in s).parent
    assert committees.select_one('.tag[lang="fi"]')


def test_unknown_district_page_is_404(client):
    pages.get(client, "/fi/councillors/atlantis", status=404)


@pytest.mark.parametrize("name", XSS_NAMES)
def test_injected_names_are_text_in_the_lists(app, client, name):
    with app.app_context():
        factories.create_councillor(first_name=name, last_name="Testinen")
    for url in ("/en/councillors/?district=suur-tapiola", "/en/councillors/suur-tapiola"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert "<img src=x" not in html
        soup = pages.check_page(html, "en")
        assert f"{name} Testinen" in pages.text(soup)


def test_admin_link_only_for_admins(client, login_as):
    assert not pages.get(client, "/en/councillors/").select_one('a[href$="/councillors/admin/"]')
    login_as("admin")
    assert pages.get(client, "/en/councillors/").select_one('a[href$="/councillors/admin/"]')


def test_page_queries_do_not_grow_with_the_council(app, client, count_queries):
    def queries_for_page() -> int:
        client.get("/en/councillors/?postal_code=02100")  # warm the map cache
        with count_queries() as statements:
            assert client.get("/en/councillors/?postal_code=02100").status_code == 200
            assert client.get("/en/councillors/suur-tapiola").status_code == 200
        return len(statements)

    with app.app_context():
        factories.create_councillor(party="KOK")
    few = queries_for_page()
    with app.app_context():
        for number, party in enumerate(["KOK", "SDP", "VIHR", "RKP"] * 5):
            factories.create_councillor(
                party=party, district=("suur-tapiola", "vanha-espoo")[number % 2]
            )
    assert queries_for_page() == few
    assert few <= 12


def test_party_name_carries_its_abbreviation_once(app):
    from participate.councillors.models import Party

    kokoomus = Party(
        code="KOK",
        name_fi="Kansallinen Kokoomus (Kokoomus)",
        name_sv="Samlingspartiet",
        name_en="National Coalition Party",
        abbr_fi="Kok.",
        abbr_sv="Saml.",
    )
    assert kokoomus.label("fi") == "Kansallinen Kokoomus (Kokoomus)"
    assert kokoomus.label("sv") == "Samlingspartiet (Saml.)"
    assert kokoomus.label("en") == "National Coalition Party (Kok.)"
    sdp = Party(code="SDP", name_fi="SDP", name_sv="SDP", name_en="SDP", abbr_fi="SDP.", abbr_sv="")
    assert sdp.label("fi") == sdp.label("sv") == "SDP"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=st.text(alphabet="0123456789 \u0662\u00a0x-", max_size=8))
@example(code="02 100")
@example(code=" 02100 ")
@example(code="\u0660\u0662\u0661\u0660\u0660")  # Arabic-Indic digits
def test_page_and_api_accept_and_refuse_the_same_postal_codes(client, code):
    query = urlencode({"postal_code": code})
    page = client.get(f"/en/councillors/?{query}")
    api = client.get(f"/api/v1/districts/lookup?{query}")
    assert (page.status_code == 400) == (api.status_code == 400), (
        code,
        page.status_code,
        api.status_code,
    )
