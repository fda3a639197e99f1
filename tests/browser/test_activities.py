"""Neighbourhood activities in a real browser, in fi, sv and en: sign up, get the confirmation
(outbox), open the private link, cancel, and the first on the waiting list is promoted and
told; the organiser's view; the proposal form; and zero axe (WCAG 2.1 A/AA) violations on
every activity page. Elements are found by id and URL, never by visible text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from participate.accounts.models import Role
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.pages import LINK_RE, Navigator

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")


def _other(lang: str) -> str:
    return LANGS[(LANGS.index(lang) + 1) % len(LANGS)]


class ActivityNavigator(Navigator):
    """The activity pages, driven by ids (the same steps in every language)."""

    def open_activity(self, activity_id: int) -> None:
        self.open(f"activities/{activity_id}")

    def sign_up(self, *, name: str, email: str, people: int | None = None) -> None:
        page = self.page
        page.fill("#name", name)
        page.fill("#email", email)
        if people is not None:
            page.fill("#people", str(people))
        page.check("#consent")
        self.submit_form_of("#consent")

    def cancel_sign_up(self) -> None:
        self.submit_and_wait(self.page.locator("#cancel-signup-form button[type=submit]"))

    def signup_status(self) -> str:
        return self.page.locator("#signup-status").inner_text()


def _private_link(body: str) -> str:
    links = [url for url in LINK_RE.findall(body) if "/signups/" in url]
    assert links, body
    return links[0]


@pytest.mark.parametrize("lang", LANGS)
def test_sign_up_cancel_and_the_waiting_list_moves(
    app: Flask, page: Page, new_page: Callable[..., Page], outbox, lang: str
) -> None:
    with app.app_context():
        activity = factories.create_activity(capacity=2, max_group_size=2)
    first = ActivityNavigator(page, lang)
    first.open_activity(activity.id)
    assert first.html_lang == lang
    first.sign_up(name="Aino Virtanen", email="aino@example.fi", people=2)
    expect(page.locator(".flash-success")).to_contain_text("aino@example.fi")

    # Someone else, in another language, finds the activity full and joins the waiting list.
    other_lang = _other(lang)
    second = ActivityNavigator(new_page(), other_lang)
    second.open_activity(activity.id)
    expect(second.page.locator("#signup-form .notice, .signup-section .notice")).to_have_count(1)
    second.sign_up(name="Karin Lindholm", email="karin@example.fi", people=1)
    expect(second.page.locator(".flash-success")).to_contain_text("1")
    waiting = outbox(to="karin@example.fi")
    assert [m.template for m in waiting] == ["activities/signup_waiting"]
    assert waiting[0].language == other_lang

    # The confirmation arrives in the page's language with the private link.
    confirmation = outbox(to="aino@example.fi")
    assert [m.template for m in confirmation] == ["activities/signup_confirmed"]
    assert confirmation[0].language == lang
    link = _private_link(confirmation[0].body_text)
    assert f"/{lang}/signups/" in link
    first.open_url(link)
    assert first.html_lang == lang
    expect(page.locator("#signup-status")).to_contain_text("Aino Virtanen")
    assert_accessible(page, f"the private sign-up page ({lang})")

    first.cancel_sign_up()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#cancel-signup-form")).to_have_count(0)

    # The first on the waiting list got the place and was told in their own language.
    promoted = outbox(to="karin@example.fi")[-1]
    assert promoted.template == "activities/promoted"
    assert promoted.language == other_lang
    second.open_url(_private_link(waiting[0].body_text))
    expect(second.page.locator("#cancel-signup-form")).to_have_count(1)
    assert "Karin Lindholm" in second.signup_status()

    # Opening the cancelled link again shows the state; it cannot cancel twice.
    first.open_url(link)
    expect(page.locator("#cancel-signup-form")).to_have_count(0)


@pytest.mark.parametrize("lang", LANGS)
def test_bad_sign_up_is_explained_by_the_error_summary(app: Flask, page: Page, lang: str) -> None:
    with app.app_context():
        activity = factories.create_activity(max_group_size=2)
    nav = ActivityNavigator(page, lang)
    nav.open_activity(activity.id)
    page.fill("#name", "Aino")
    page.fill("#email", "not-an-address")
    page.fill("#people", "3")
    nav.submit_form_of("#consent")
    summary = nav.error_summary()
    expect(summary).to_be_visible()
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#consent-error")).to_be_visible()
    assert page.locator("#name").input_value() == "Aino"
    # The summary's links move the focus to the fields.
    summary.locator('a[href="#email"]').click()
    expect(page.locator("#email")).to_be_focused()
    assert_accessible(page, f"sign-up with errors ({lang})")


def _list(nav: ActivityNavigator, login: Callable[..., object], ids: dict[str, int]) -> None:
    nav.open("activities/")
    expect(nav.page.locator(".folium-map .leaflet-marker-icon").first).to_be_visible()


def _detail(nav: ActivityNavigator, login: Callable[..., object], ids: dict[str, int]) -> None:
    nav.open_activity(ids["full"])
    expect(nav.page.locator(".folium-map .leaflet-marker-icon")).to_have_count(1)


PAGES: dict[str, Callable[[ActivityNavigator, Callable[..., object], dict[str, int]], None]] = {
    "list with map": _list,
    "list filtered, nothing found": lambda nav, login, ids: nav.open(
        "activities/?district=pohjois-espoo&language=so"
    ),
    "archive": lambda nav, login, ids: nav.open("activities/archive"),
    "detail, full, with map": _detail,
    "detail in another language only": lambda nav, login, ids: nav.open_activity(ids["swedish"]),
    "cancelled": lambda nav, login, ids: nav.open_activity(ids["cancelled"]),
    "past": lambda nav, login, ids: nav.open_activity(ids["past"]),
    "unknown private link": lambda nav, login, ids: nav.open("signups/not-a-token", status=404),
    "propose": lambda nav, login, ids: (login(nav.page), nav.open("activities/new")),
    "propose with errors": lambda nav, login, ids: (
        login(nav.page),
        nav.open("activities/new"),
        nav.submit_form_of("#title_fi"),
        expect(nav.error_summary()).to_be_visible(),
    ),
    "your activities": lambda nav, login, ids: (login(nav.page), nav.open("activities/mine")),
    "participants": lambda nav, login, ids: (
        login(nav.page, Role.MODERATOR),
        nav.open(f"activities/{ids['full']}/participants"),
    ),
    "edit": lambda nav, login, ids: (
        login(nav.page, Role.MODERATOR),
        nav.open(f"activities/{ids['full']}/edit"),
    ),
    "moderation desk item": lambda nav, login, ids: (
        login(nav.page, Role.MODERATOR),
        nav.open(f"moderation/activity/{ids['proposal']}"),
    ),
}


@pytest.fixture
def activity_ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        full = factories.create_activity(capacity=1, accessibility_fi="Esteetön sisäänkäynti.")
        factories.create_signup(full, name="Åsa Öhman", accessibility_needs="Pyörätuoli")
        factories.create_signup(full, status="waiting", language="sv")
        swedish = factories.create_activity(
            title={"sv": "Föräldracafé i Köklax"}, district="suur-kauklahti", lat=None, lon=None
        )
        cancelled = factories.create_activity(is_cancelled=True, cancellation_note="Sataa.")
        past = factories.create_activity(starts_in=timedelta(days=-3))
        proposal = factories.create_activity(status="submitted", author=factories.create_user())
    return {
        "full": full.id,
        "swedish": swedish.id,
        "cancelled": cancelled.id,
        "past": past.id,
        "proposal": proposal.id,
    }


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations(
    page: Page, browser_login_as, activity_ids: dict[str, int], lang: str, name: str
) -> None:
    nav = ActivityNavigator(page, lang)
    PAGES[name](nav, browser_login_as, activity_ids)
    assert nav.html_lang == lang
    assert_accessible(page, f"{name} ({lang})")


def test_the_map_marker_opens_a_popup_with_a_link(app: Flask, page: Page) -> None:
    with app.app_context():
        activity = factories.create_activity(title={"fi": "Ilta <b>`${1+1}`</b>"})
    nav = ActivityNavigator(page, "fi")
    nav.open("activities/")
    marker = page.locator(".folium-map .leaflet-marker-icon").first
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup.locator("a")).to_have_attribute("href", f"/fi/activities/{activity.id}")
    # The title is shown as text, never run or parsed.
    expect(popup.locator("a")).to_have_text("Ilta <b>`${1+1}`</b>")
    assert page.locator(".leaflet-popup-content b").count() == 0


def test_keyboard_only_sign_up(app: Flask, page: Page, outbox) -> None:
    with app.app_context():
        activity = factories.create_activity(max_group_size=1)
    nav = ActivityNavigator(page, "sv")
    nav.open_activity(activity.id)
    page.focus("#name")
    page.keyboard.type("Erik Sjöberg")
    page.keyboard.press("Tab")
    page.keyboard.type("erik@example.fi")
    for _ in range(3):  # phone, accessibility needs, consent
        page.keyboard.press("Tab")
    expect(page.locator("#consent")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    page.keyboard.press("Tab")  # the privacy notice link in the consent hint
    expect(page.locator("#consent-hint a")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#signup-form button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_be_visible()
    assert [m.language for m in outbox(to="erik@example.fi")] == ["sv"]
    assert re.search(r"/sv/signups/\S+", outbox(to="erik@example.fi")[0].body_text)


def test_map_markers_are_targets_of_24_px_that_do_not_overlap(app: Flask, page: Page) -> None:
    """WCAG 2.2 2.5.8: activities at one place share a marker; every marker is >= 24x24."""
    with app.app_context():
        for n in range(3):
            factories.create_activity(title={"fi": f"Kerho {n}"})
        factories.create_activity(title={"fi": "Muualla"}, lat=60.2300, lon=24.6500)
    nav = ActivityNavigator(page, "fi")
    nav.open("activities/")
    markers = page.locator(".folium-map .leaflet-marker-icon")
    expect(markers).to_have_count(2)
    boxes = [markers.nth(i).bounding_box() for i in range(2)]
    for box in boxes:
        assert box is not None
        assert box["width"] >= 24, box
        assert box["height"] >= 24, box
    a, b = boxes
    assert a is not None
    assert b is not None
    apart = (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )
    assert apart, boxes
    shared = markers.filter(has_text="Kerho 0")
    expect(shared).to_have_count(1)
    shared.focus()
    page.keyboard.press("Enter")
    links = page.locator(".leaflet-popup-content a")
    expect(links).to_have_count(3)
    for n in range(3):
        expect(links.filter(has_text=f"Kerho {n}")).to_have_count(1)
    assert_accessible(page, "activity map with a shared marker open")


def test_date_filters_take_one_tab_stop_each(page: Page) -> None:
    nav = ActivityNavigator(page, "sv")
    nav.open("activities/")
    page.locator("#district").focus()
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("() => document.activeElement.id"))
    assert stops == ["date_from", "date_to", "language"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("31.12.2099")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("1.1.2099")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "date_from=1.1.2099" in page.url
    expect(page.locator("#date_from")).to_have_value("1.1.2099")
    expect(nav.error_summary()).to_have_count(0)
