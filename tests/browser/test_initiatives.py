"""Initiatives and the moderator's desk in a real browser, in fi, sv and en.

The journey: a resident registers and verifies, writes an initiative with a point on the map
(the district is filled in from it), sends it; the development manager approves it; another
resident supports it; the development manager answers; the author and the supporter get the
e-mails in their own languages. Then axe checks every new page in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from participate.db import utcnow
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.pages import AccountNavigator, Navigator

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")
PASSWORD = "kolme sanaa peräkkäin 2026"


class InitiativeNavigator(Navigator):
    """Write, read and support initiatives (elements by id, name and URL: any language)."""

    def write(self, *, title: str, body: str, theme_id: int, click_map: bool = True) -> None:
        self.open("initiatives/new")
        page = self.page
        page.fill("#title", title)
        page.fill("#body", body)
        page.select_option("#theme", str(theme_id))
        if click_map:
            picker = page.locator("#point-picker")
            expect(picker).to_be_visible()
            picker.click()  # the map opens centred on Espoo centre (Vanha-Espoo)
            expect(page.locator("#lat")).not_to_have_value("")
            # The district comes from the server's point-in-polygon lookup.
            expect(page.locator("#district")).not_to_have_value("")
            expect(page.locator("#point-clear")).to_be_visible()

    def send(self) -> None:
        self.submit_and_wait(self.page.locator('button[name="intent"][value="submit"]'))

    def support(self) -> None:
        self.submit_and_wait(self.page.locator('#support button[value="support"]'))

    def support_count(self) -> str:
        """Supports from identified residents (the ones that count toward the threshold)."""
        return self.page.locator("#support .support-count").inner_text()

    def other_support_count(self) -> str:
        """Supports by e-mail-verified accounts, shown apart from the threshold."""
        return self.page.locator("#support .support-other").inner_text()


class DeskNavigator(Navigator):
    def open_queue(self) -> None:
        self.open("moderation/")

    def decide(self, initiative_id: int, action: str, reason: str = "") -> None:
        self.open_queue()
        self.submit_and_wait(
            self.page.locator(f'a[href="/{self.lang}/moderation/initiative/{initiative_id}"]')
        )
        self.page.check(f'input[name="action"][value="{action}"]')
        if reason:
            self.page.fill("#reason", reason)
        self.submit_and_wait(self.page.locator(".decision button[type=submit]"))

    def answer(self, initiative_id: int, text: str) -> None:
        self.open(f"moderation/initiative/{initiative_id}/answer")
        self.page.fill(f"#body_{self.lang}", text)
        self.page.fill("#decision_maker", "Kaupunkiympäristölautakunta")
        self.page.fill("#decided_on", (utcnow() - timedelta(days=1)).date().isoformat())
        self.submit_and_wait(self.page.locator("#answer-form button[type=submit]"))


def _register_and_verify(page: Page, outbox, lang: str, email: str) -> AccountNavigator:
    person = AccountNavigator(page, lang)
    person.register(name="Aino Aloitteentekijä", email=email, password=PASSWORD, language=lang)
    assert not person.is_signed_in()  # registration answers alike for taken addresses
    (mail,) = outbox(to=email)
    person.follow_link_in(mail.body_text, "/account/verify/")
    assert person.is_signed_in()
    return person


@pytest.mark.parametrize("lang", LANGS)
def test_initiative_journey(
    app: Flask, page: Page, new_page: Callable[..., Page], browser_login_as, outbox, lang: str
) -> None:
    with app.app_context():
        theme = factories.create_theme()
    author_email = f"aloitteentekija-{lang}@example.fi"
    _register_and_verify(page, outbox, lang, author_email)

    writer = InitiativeNavigator(page, lang)
    writer.write(
        title=f"Penkkejä rantaan ({lang})",
        body="Rannalla ei ole penkkejä.\n\nLisätietoa: https://www.espoo.fi/",
        theme_id=theme.id,
    )
    writer.send()
    assert writer.path.startswith(f"/{lang}/initiatives/")
    initiative_id = int(writer.path.rsplit("/", 1)[1])
    expect(page.locator(".status-submitted").first).to_be_visible()
    expect(page.locator("#initiative-map.leaflet-container")).to_be_visible()

    # The development manager approves it on the desk.
    desk_page = new_page()
    browser_login_as(desk_page, "moderator", language=lang)
    desk = DeskNavigator(desk_page, lang)
    desk.decide(initiative_id, "approve")
    assert desk.path == f"/{lang}/moderation/"
    expect(desk_page.locator(".flash-success")).to_be_visible()

    # Another resident (Swedish-speaking, identified with Suomi.fi) supports it, once: it
    # counts toward the threshold as an identified resident's support.
    supporter_page = new_page()
    supporter = browser_login_as(supporter_page, language="sv")
    with app.app_context():
        factories.create_identity(supporter)
    reader = InitiativeNavigator(supporter_page, lang)
    reader.open(f"initiatives/{initiative_id}")
    reader.support()
    expect(supporter_page.locator('#support button[value="withdraw"]')).to_be_visible()
    assert reader.support_count().strip().startswith("1")
    assert reader.other_support_count().strip().startswith("0")

    # The city answers.
    desk.answer(initiative_id, f"Kaupunki lisää penkit ({lang}).")
    assert desk.path == f"/{lang}/initiatives/{initiative_id}"
    expect(desk_page.locator("#answer")).to_contain_text(f"Kaupunki lisää penkit ({lang}).")

    # The e-mails: every decision to the author in their language, the answer to both.
    author_mails = outbox(to=author_email)
    assert [m.template for m in author_mails] == [
        "accounts/verify_email",
        "initiatives/submitted",
        "moderation/decision",
        "initiatives/answered",
    ]
    assert {m.language for m in author_mails} == {lang}
    assert f"/{lang}/initiatives/{initiative_id}" in author_mails[2].body_text
    (supporter_mail,) = outbox(to=supporter.email)
    assert supporter_mail.template == "initiatives/answered"
    assert supporter_mail.language == "sv"
    assert f"/sv/initiatives/{initiative_id}" in supporter_mail.body_text


def test_form_works_without_javascript(
    app: Flask, new_page: Callable[..., Page], browser_login_as
) -> None:
    page = new_page(java_script_enabled=False)
    browser_login_as(page)
    with app.app_context():
        theme = factories.create_theme()
    writer = InitiativeNavigator(page, "fi")
    writer.write(title="Ilman skriptejä", body="Toimii.", theme_id=theme.id, click_map=False)
    page.fill("#lat", "60,1756")  # a Finnish decimal comma
    page.fill("#lon", "24,8058")
    writer.send()
    expect(page.locator("#initiative-title")).to_have_text("Ilman skriptejä")


# Accessibility: every new page, every language ---------------------------------------------


def _data(app: Flask) -> dict[str, int]:
    with app.app_context():
        theme = factories.create_theme()
        author = factories.create_user()
        answered = factories.create_initiative(
            theme=theme, author=author, status="answered", lat=60.1756, lon=24.8058, goals=(3, 11)
        )
        from participate.initiatives.models import InitiativeAnswer

        factories.persist(
            InitiativeAnswer(
                initiative_id=answered.id,
                body_fi="Kaupunki toteuttaa ehdotuksen.",
                body_sv="Staden genomför förslaget.",
                decision_maker="Kaupunginhallitus",
                decided_on=utcnow().date(),
            )
        )
        published = factories.create_initiative(
            theme=theme, language="sv", lat=60.2055, lon=24.6559, district_slug="vanha-espoo"
        )
        for _ in range(3):
            factories.create_support(published)
        submitted = factories.create_initiative(theme=theme, status="submitted", language="en")
        for number in range(22):
            factories.create_initiative(theme=theme, title=f"Aloite numero {number}")
    return {"answered": answered.id, "published": published.id, "submitted": submitted.id}


RESIDENT_PAGES = {
    "list": "initiatives/",
    "list filtered": "initiatives/?district=suur-tapiola&sort=supported&q=Aloite&page=2",
    "map": "initiatives/map",
    "answered": "initiatives/{answered}",
    "published": "initiatives/{published}",
    "new": "initiatives/new",
    "mine": "initiatives/mine",
}
DESK_PAGES = {
    "queue": "moderation/",
    "item": "moderation/initiative/{submitted}",
    "answer": "moderation/initiative/{published}/answer",
    "unanswered": "moderation/initiatives/unanswered",
}


@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations_on_initiative_pages(
    app: Flask, page: Page, browser_login_as, lang: str
) -> None:
    ids = _data(app)
    user = browser_login_as(page, language=lang)
    with app.app_context():
        factories.create_support(factories.create_initiative(), user)
        factories.create_initiative(author=user, status="changes_requested")
    nav = Navigator(page, lang)
    for name, path in RESIDENT_PAGES.items():
        nav.open(path.format(**ids))
        if "map" in path or name in {"answered", "published", "new"}:
            page.wait_for_selector(".leaflet-container")
        assert_accessible(page, f"{name} ({lang})")
    # The form with errors, and the preview.
    nav.open("initiatives/new")
    page.locator('button[name="intent"][value="submit"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"form with errors ({lang})")


@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations_on_desk_pages(
    app: Flask, page: Page, browser_login_as, lang: str
) -> None:
    ids = _data(app)
    browser_login_as(page, "moderator", language=lang)
    nav = Navigator(page, lang)
    for name, path in DESK_PAGES.items():
        nav.open(path.format(**ids))
        assert_accessible(page, f"{name} ({lang})")
    # A decision with an error (reject without a reason).
    nav.open(f"moderation/initiative/{ids['submitted']}")
    page.check('input[name="action"][value="reject"]')
    page.locator(".decision button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"decision with errors ({lang})")
