"""The councillor map in a real browser, in fi, sv and en: the districts on the map, clicking
one, postal code 02100, the keyboard path through the list, location, escaping, axe, and no
script or style from another host (the `page` fixture also fails on CSP violations).

Tiles point at a local path that answers 404 (tests/conftest.py): every test here also shows
that the districts and the list work when tiles cannot load."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.pages import Navigator

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")
TAPIOLA = {"fi": "Suur-Tapiola", "sv": "Stor-Hagalund", "en": "Greater Tapiola"}
XSS_FIRST = "<img src=x onerror=alert(1)>"
XSS_LAST = "${alert(1)}"


class CouncillorMap(Navigator):
    """The map page, driven by ids, data attributes and positions (never by visible text)."""

    def open_map(self, query: str = "") -> None:
        self.open(f"councillors/{query}")
        self.wait_for_map()

    def wait_for_map(self) -> None:
        expect(self.page.locator(".folium-map path.leaflet-interactive")).to_have_count(7)

    def point_of(self, lat: float, lon: float) -> tuple[float, float]:
        """Where a place is on the screen (Leaflet's own projection), map scrolled into view."""
        x, y = self.page.evaluate(
            """([lat, lon]) => {
                const m = window.participateMap.map;
                m.getContainer().scrollIntoView({block: "center"});
                const p = m.latLngToContainerPoint([lat, lon]);
                const r = m.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lat, lon],
        )
        return x, y

    def find_postal_code(self, code: str) -> None:
        self.page.fill("#postal_code", code)
        self.submit_form_of("#postal_code")
        self.wait_for_map()

    @property
    def panel(self):
        return self.page.locator("#district-panel")


@pytest.fixture
def council(app: Flask) -> None:
    with app.app_context():
        factories.create_councillor(
            first_name="Aino", last_name="Aaltonen", party="KOK", district="suur-tapiola"
        )
        factories.create_councillor(
            first_name="Björn", last_name="Ekholm", party="RKP", district="suur-tapiola"
        )
        factories.create_councillor(
            first_name="Priya", last_name="Nair", party="VIHR", district="suur-leppavaara"
        )
        factories.create_councillor(
            first_name="Veikko", last_name="Salmi", party="SDP", district="pohjois-espoo"
        )


@pytest.fixture
def label_points(app: Flask) -> dict[str, tuple[float, float]]:
    with app.app_context():
        return {
            slug: (d.label_lat, d.label_lon)
            for slug in ("suur-tapiola", "suur-leppavaara", "pohjois-espoo")
            for d in [factories.district(slug)]
        }


def click_label_point(nav: CouncillorMap, point: tuple[float, float]) -> None:
    nav.page.mouse.click(*nav.point_of(*point))


@pytest.mark.parametrize("lang", LANGS)
def test_map_shows_the_districts_and_a_click_shows_councillors(
    page: Page, council: None, label_points, lang: str
) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map()
    labels = page.locator(".district-label-text")
    expect(labels).to_have_count(7)
    expect(labels.filter(has_text=TAPIOLA[lang])).to_have_count(1)
    expect(nav.panel).to_have_attribute("data-selected", "")

    click_label_point(nav, label_points["suur-tapiola"])
    expect(nav.panel).to_have_attribute("data-selected", "suur-tapiola")
    expect(nav.panel.locator("h2")).to_have_text(TAPIOLA[lang])
    expect(nav.panel).to_contain_text("Aino Aaltonen")
    expect(nav.panel).to_contain_text("Björn Ekholm")
    expect(nav.panel).not_to_contain_text("Priya Nair")
    # the popup lists them too, with the party
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Aino Aaltonen")
    expect(popup).to_contain_text(TAPIOLA[lang])
    assert "district=suur-tapiola" in page.url
    expect(page.locator("#map-status")).to_contain_text(TAPIOLA[lang])

    page.locator(".leaflet-popup-close-button").click()  # the popup covers the neighbour
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    click_label_point(nav, label_points["suur-leppavaara"])
    expect(nav.panel).to_have_attribute("data-selected", "suur-leppavaara")
    expect(nav.panel).to_contain_text("Priya Nair")
    assert_accessible(page, f"map with a district and its popup open ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_postal_code_02100_leads_to_tapiola(page: Page, council: None, lang: str) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map()
    nav.find_postal_code("02100")
    expect(nav.panel).to_have_attribute("data-selected", "suur-tapiola")
    expect(nav.panel.locator("h2")).to_have_text(TAPIOLA[lang])
    expect(nav.panel).to_contain_text("Aino Aaltonen")
    expect(page.locator("#lookup-result")).to_contain_text("02100")
    # the map highlights the district the server chose
    weight = page.evaluate(
        """() => {
            let w = null;
            window.participateMap.districts.eachLayer((layer) => {
                if (layer.feature.properties.slug === "suur-tapiola") w = layer.options.weight;
            });
            return w;
        }"""
    )
    assert weight == 5
    assert_accessible(page, f"postal code result ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_bad_and_split_postal_codes(page: Page, lang: str) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map()
    nav.page.fill("#postal_code", "abc")
    with page.expect_navigation():
        page.locator("form:has(#postal_code) button[type=submit]").click()
    expect(nav.error_summary()).to_be_visible()
    expect(page.locator("#postal_code")).to_have_value("abc")
    assert_accessible(page, f"malformed postal code ({lang})")

    nav.find_postal_code("02750")
    choices = page.locator("#lookup-result .district-choices a")
    expect(choices).to_have_count(4)
    with page.expect_navigation():
        choices.nth(2).click()
    nav.wait_for_map()
    expect(nav.panel).not_to_have_attribute("data-selected", "")
    assert_accessible(page, f"split postal code ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_everything_on_the_map_is_reachable_by_keyboard_in_the_list(
    page: Page, council: None, lang: str
) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map()
    reached: set[str] = set()
    mailto: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                return {select: el.getAttribute("data-select-district"),
                        href: el.getAttribute("href") || "",
                        footer: !!el.closest("footer")};
            }"""
        )
        if focused is None or focused["footer"]:
            break
        if focused["select"]:
            reached.add(focused["select"])
        if focused["href"].startswith("mailto:"):
            mailto.add(focused["href"])
    assert len(reached) == 7, f"districts reached by Tab: {sorted(reached)}"
    assert len(mailto) == 4, f"councillors reached by Tab: {sorted(mailto)}"

    # Enter on "show on the map" fills the panel, moves the focus there and highlights
    page.locator('[data-select-district="suur-tapiola"]').focus()
    page.keyboard.press("Enter")
    expect(nav.panel).to_be_focused()
    expect(nav.panel).to_have_attribute("data-selected", "suur-tapiola")
    expect(nav.panel).to_contain_text("Björn Ekholm")


@pytest.mark.parametrize("lang", LANGS)
def test_my_location_with_consent(new_page, council: None, lang: str) -> None:
    page = new_page(
        geolocation={"latitude": 60.1756, "longitude": 24.8050}, permissions=["geolocation"]
    )
    nav = CouncillorMap(page, lang)
    nav.open_map()
    button = page.locator("#locate-button")
    expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()
    nav.wait_for_map()
    assert "lat=60.17560" in page.url
    expect(nav.panel).to_have_attribute("data-selected", "suur-tapiola")
    expect(nav.panel).to_contain_text("Aino Aaltonen")


def test_a_click_outside_the_city_says_so(page: Page) -> None:
    nav = CouncillorMap(page, "en")
    nav.open_map()
    page.mouse.click(*nav.point_of(60.2141, 24.7095))  # Kauniainen, the hole in Espoo
    expect(page.locator("#map-status")).to_contain_text("outside the city")
    expect(nav.panel).to_have_attribute("data-selected", "")


@pytest.mark.parametrize("lang", LANGS)
def test_scripts_and_styles_only_from_127_0_0_1(page: Page, lang: str) -> None:
    hosts: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda request: (
            hosts.append((request.resource_type, urlsplit(request.url).hostname))
            if request.resource_type in {"script", "stylesheet", "font", "fetch", "xhr"}
            else None
        ),
    )
    nav = CouncillorMap(page, lang)
    nav.open_map()
    page.mouse.click(*nav.point_of(60.1756, 24.8050))
    expect(nav.panel).to_have_attribute("data-selected", "suur-tapiola")
    kinds = {kind for kind, _ in hosts}
    assert {"script", "stylesheet", "fetch"} <= kinds
    assert {host for _, host in hosts} == {"127.0.0.1"}, hosts


@pytest.mark.parametrize("lang", LANGS)
def test_injected_names_show_as_text_everywhere(
    app: Flask, page: Page, label_points, lang: str
) -> None:
    with app.app_context():
        factories.create_councillor(
            first_name=XSS_FIRST, last_name=XSS_LAST, party="KOK", district="suur-tapiola"
        )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    nav = CouncillorMap(page, lang)
    nav.open_map()
    name = f"{XSS_FIRST} {XSS_LAST}"
    expect(page.locator("#district-list")).to_contain_text(name)

    # tooltip on hover, then the popup and the panel on click
    x, y = nav.point_of(*label_points["suur-tapiola"])
    page.mouse.move(x + 3, y + 3)
    expect(page.locator(".leaflet-tooltip")).to_contain_text(TAPIOLA[lang])
    page.mouse.click(x, y)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(name)
    expect(nav.panel).to_contain_text(name)
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.locator("#district-panel img, #district-list img").count() == 0

    page.goto(f"/{lang}/councillors/suur-tapiola")  # returns after the load event
    # An alert() blocks the page until the dialog listener above dismisses it, so once this
    # round trip to the page returns, every dialog the page opened has been seen.
    expect(page.locator("main")).to_contain_text(name)
    assert dialogs == []


@pytest.mark.parametrize("lang", LANGS)
def test_pages_have_no_wcag_violations(
    page: Page, browser_login_as, council: None, lang: str
) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map("?party=KOK")
    assert_accessible(page, f"map filtered by party ({lang})")
    nav.open("councillors/suur-tapiola")
    assert_accessible(page, f"district page ({lang})")

    browser_login_as(page, "admin", language=lang)
    nav.open("councillors/admin/")
    assert_accessible(page, f"admin list ({lang})")
    nav.open("councillors/admin/new")
    page.fill("#email", "not an address")
    page.uncheck('input[name="languages"][value="fi"]')
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(nav.error_summary()).to_be_visible()
    expect(page.locator("#email")).to_have_value("not an address")
    assert_accessible(page, f"admin form with errors ({lang})")


def test_narrow_screen_has_no_horizontal_scrolling(new_page, council: None) -> None:
    page = new_page(viewport={"width": 320, "height": 640})
    nav = CouncillorMap(page, "sv")
    nav.open_map("?district=suur-tapiola")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the map page is {width}px wide at 320px"


# --- the map itself by keyboard (issue #12) ---------------------------------------------------

FOCUSED_DISTRICT = """() => {
    const el = document.activeElement;
    let found = null;
    window.participateMap.districts.eachLayer((layer) => {
        if (layer.getElement() === el) found = layer;
    });
    if (!found) return null;
    const m = window.participateMap.map;
    const p = m.latLngToContainerPoint(found.getBounds().getCenter());
    const size = m.getSize();
    return {slug: found.feature.properties.slug, label: el.getAttribute("aria-label"),
            role: el.getAttribute("role"), pressed: el.getAttribute("aria-pressed"),
            x: p.x, y: p.y, width: size.x, height: size.y};
}"""

DISTRICT_IN_VIEW = """() => {
    const el = document.activeElement;
    const m = window.participateMap.map;
    let inView = false;
    window.participateMap.districts.eachLayer((layer) => {
        if (layer.getElement() !== el) return;
        const p = m.latLngToContainerPoint(layer.getBounds().getCenter());
        const size = m.getSize();
        inView = p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
    });
    return inView;
}"""


def wait_for_zoom(page: Page, comparison: str) -> None:
    """Wait until the map's zoom level is `comparison` (e.g. "> 11") and its animation is over.

    Leaflet sets the new level when a zoom animation starts and ignores another zoom until
    the animation ends, when it takes `leaflet-zoom-anim` off the map pane.
    """
    page.wait_for_function(
        f"""() => window.participateMap.map.getZoom() {comparison}
            && !document.querySelector(".leaflet-zoom-anim")"""
    )


def announcements(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(".district-entry")]
            .map((e) => [e.dataset.district, e.dataset.announce]))"""
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_by_keyboard(page: Page, council: None, lang: str) -> None:
    nav = CouncillorMap(page, lang)
    nav.open_map()
    container = page.locator(".folium-map")
    expect(container).to_have_attribute("role", "region")
    expect(container).to_have_accessible_name(page.locator("#map-title").inner_text())
    expect(container).to_have_accessible_description(page.locator("#map-help").inner_text())

    # the skip link comes right before the map, shows when focused and leads past it
    page.locator('#map-help a[href="#district-list"]').focus()
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-map")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["width"] > 0, box
    page.keyboard.press("Enter")
    expect(nav.panel).to_be_focused()

    # Space on the zoom buttons zooms, as Enter does; Space does not scroll the page
    zoom_in = page.locator(".leaflet-control-zoom-in")
    zoom_in.focus()
    start = page.evaluate("() => window.participateMap.map.getZoom()")
    scrolled = page.evaluate("() => window.scrollY")
    page.keyboard.press("Space")
    wait_for_zoom(page, f"> {start}")
    page.keyboard.press("Space")
    wait_for_zoom(page, f"> {start} + 1")
    assert page.evaluate("() => window.scrollY") == scrolled
    page.locator(".leaflet-control-zoom-out").focus()
    page.keyboard.press("Space")
    wait_for_zoom(page, f"< {start} + 2")

    # Shift+Tab back from the zoom buttons: seven named districts, each panned into view
    zoom_in.focus()
    names = announcements(page)
    reached: dict[str, str] = {}
    for _ in range(7):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate(FOCUSED_DISTRICT)
        assert focused is not None, "Shift+Tab from the zoom buttons left the districts"
        assert focused["role"] == "button"
        reached[focused["slug"]] = focused["label"]
        page.wait_for_function(DISTRICT_IN_VIEW)
    assert reached == names

    # Enter and Space choose the focused district: panel, address, live region; focus stays
    for key, slug in (("Enter", "suur-tapiola"), ("Space", "pohjois-espoo")):
        page.locator(".folium-map path.leaflet-interactive").nth(0).focus()
        for _ in range(8):
            focused = page.evaluate(FOCUSED_DISTRICT)
            if focused and focused["slug"] == slug:
                break
            page.keyboard.press("Tab")
        scrolled = page.evaluate("() => window.scrollY")
        page.keyboard.press(key)
        expect(nav.panel).to_have_attribute("data-selected", slug)
        expect(nav.panel.locator("h2")).to_have_text(
            page.locator(f"#list-{slug}-title").inner_text()
        )
        expect(page.locator("#map-status")).to_have_text(names[slug])
        assert f"district={slug}" in page.url
        focused = page.evaluate(FOCUSED_DISTRICT)
        assert focused is not None, "the focus left the district"
        assert focused["slug"] == slug, "the focus moved to another district"
        assert focused["pressed"] == "true"
        assert page.evaluate("() => window.scrollY") == scrolled
    expect(nav.panel).to_contain_text("Veikko Salmi")
    pressed = page.locator('.folium-map path[aria-pressed="true"]')
    expect(pressed).to_have_count(1)
    assert_accessible(page, f"map chosen by keyboard ({lang})")


# Where the city's bounds are on the map, in the map's pixels, and the attribution's top.
CITY_EDGES = """() => {
    const m = window.participateMap.map;
    const [[south, west], [north, east]] = window.participateMap.bounds;
    const sw = m.latLngToContainerPoint([south, west]);
    const ne = m.latLngToContainerPoint([north, east]);
    const a = m.getContainer().querySelector(".leaflet-control-attribution");
    const size = m.getSize();
    return {left: sw.x, bottom: sw.y, right: ne.x, top: ne.y,
            width: size.x, height: size.y,
            attributionTop: a ? size.y - a.offsetHeight : size.y,
            attributionText: a ? a.textContent : ""};
}"""


@pytest.mark.parametrize("width", [320, 390, 768, 1280, 1920])
def test_the_whole_city_is_in_view_above_the_attribution(new_page, width: int) -> None:
    page = new_page(viewport={"width": width, "height": 900})
    nav = CouncillorMap(page, "sv")
    nav.open_map()
    # The map fits the city once it is laid out: wait for that, then check every edge.
    page.wait_for_function(
        f"""() => {{
            const e = ({CITY_EDGES})();
            return e.left >= 0 && e.top >= 0 && e.right <= e.width
                && e.bottom <= e.attributionTop;
        }}"""
    )
    edges = page.evaluate(CITY_EDGES)
    assert edges["left"] >= 0, edges
    assert edges["top"] >= 0, edges
    assert edges["right"] <= edges["width"], edges
    assert edges["bottom"] <= edges["attributionTop"], edges
    # the boundaries' licence is credited once, under the map, not again inside it
    assert "HSY" not in edges["attributionText"]
    assert page.locator("main").inner_text().count("HSY / Seutukartta") == 1

    # turned or resized: still the whole city
    narrower = max(320, width // 2)
    page.set_viewport_size({"width": narrower, "height": 900})
    # Leaflet notices the new size on the next animation frame and fits the city again.
    page.wait_for_function(
        """(width) => {
            const m = window.participateMap.map;
            const b = window.participateMap.bounds;
            const size = m.getSize();
            return m.getContainer().clientWidth === size.x && size.x <= width
                && b.every(([lat, lon]) => {
                    const p = m.latLngToContainerPoint([lat, lon]);
                    return p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
                });
        }""",
        arg=narrower,
    )
