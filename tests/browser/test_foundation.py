"""The foundation in a real browser: accessibility (axe), narrow screens, keyboard use and the
account journey, in fi, sv and en. The `page` fixture also fails any test whose pages try to
load something from another host, break the CSP, throw a script error or get a 5xx."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import BrowserGuard
from tests.browser.pages import AccountNavigator

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")
NARROW = {"width": 320, "height": 640}


def _next(lang: str, step: int = 1) -> str:
    return LANGS[(LANGS.index(lang) + step) % len(LANGS)]


def _in(app: Flask, lang: str, message: str) -> str:
    """`message` as the catalog of `lang` has it (the English text until it is translated)."""
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        return gettext(message)


# Each entry brings the page to the state to check; `login(page)` signs a resident in.
def _register_with_errors(nav: AccountNavigator, login: Callable[..., object]) -> None:
    nav.open_register()
    nav.fill_registration(name="", email="not-an-address", password="short", password_again="x")
    nav.submit_form_of("#display_name")
    expect(nav.error_summary()).to_be_visible()


def _login_with_error(nav: AccountNavigator, login: Callable[..., object]) -> None:
    nav.sign_in("nobody@example.fi", "not the password")
    expect(nav.error_summary()).to_be_visible()


def _signed_in(path: str) -> Callable[[AccountNavigator, Callable[..., object]], None]:
    def visit(nav: AccountNavigator, login: Callable[..., object]) -> None:
        # Unverified, so the profile also shows the "verify your address" box.
        login(nav.page, verified=False, language=nav.lang)
        nav.open(path)

    return visit


PAGES: dict[str, Callable[[AccountNavigator, Callable[..., object]], None]] = {
    "front page": lambda nav, login: nav.open(""),
    "accessibility statement": lambda nav, login: nav.open("accessibility"),
    "privacy notice": lambda nav, login: nav.open("privacy"),
    "register": lambda nav, login: nav.open_register(),
    "register with errors": _register_with_errors,
    "login with an error": _login_with_error,
    "forgot password": lambda nav, login: nav.open_forgot_password(),
    "profile": _signed_in("account/profile"),
    "my data": _signed_in("account/my-data"),
    "404": lambda nav, login: nav.open("no-such-page", status=404),
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations(page: Page, browser_login_as, lang: str, name: str) -> None:
    nav = AccountNavigator(page, lang)
    PAGES[name](nav, browser_login_as)
    assert nav.html_lang == lang
    assert_accessible(page, f"{name} ({lang})")


@pytest.mark.parametrize("path", ["", "account/register"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_horizontal_scrolling_at_320px(new_page, lang: str, path: str) -> None:
    page = new_page(viewport=NARROW)
    AccountNavigator(page, lang).open(path)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"/{lang}/{path} is {width}px wide at 320px"


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_shows_on_focus_and_moves_focus_to_main(new_page, lang: str) -> None:
    page = new_page(viewport=NARROW)
    AccountNavigator(page, lang).front_page()
    skip = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link is above the top of the screen"
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= NARROW["width"], "the skip link sticks out on the right"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    html: el.outerHTML.slice(0, 120),
    skip: el.classList.contains("skip-link"),
    language: el.matches(".lang-switch a"),
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
  };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_reaches_skip_link_then_languages_with_visible_focus(
    page: Page, lang: str
) -> None:
    AccountNavigator(page, lang).front_page()
    order = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (order and focused["skip"]):
            break  # focus left the page or came round again
        order.append(focused)
    assert len(order) >= 5, f"only {len(order)} elements took the focus"
    assert order[0]["skip"], f"the first Tab reached {order[0]['html']}"
    assert order[1]["language"], f"the second Tab reached {order[1]['html']}"
    invisible = [f["html"] for f in order if not f["indicator"]]
    assert not invisible, "no visible focus indicator on:\n" + "\n".join(invisible)


@pytest.mark.parametrize("lang", LANGS)
def test_account_journey(app: Flask, page: Page, outbox, lang: str) -> None:
    """Register, verify from the e-mail, sign out and in, then switch language."""
    email_lang, new_lang = _next(lang), _next(lang, 2)
    email = f"journey-{lang}@example.fi"
    with app.app_context():
        district = factories.district("suur-tapiola")
    person = AccountNavigator(page, lang)

    person.register(
        name="Linnea Ekholm",
        email=email,
        password=factories.PASSWORD,
        language=email_lang,
        district_id=district.id,
    )
    # "Check your e-mail", the same page as for an address that has an account already.
    assert person.path == f"/{lang}/account/register"
    assert not person.is_signed_in()

    messages = outbox(to=email)
    assert len(messages) == 1, [m.subject for m in messages]
    mail = messages[0]
    assert mail.language == email_lang
    assert mail.subject == _in(app, email_lang, "Verify your e-mail address")
    assert "Linnea Ekholm" in mail.body_text
    assert f"/{email_lang}/account/verify/" in mail.body_text

    person.follow_link_in(mail.body_text, "/account/verify/")
    assert person.path == f"/{email_lang}/account/profile"
    assert person.html_lang == email_lang
    expect(person.verify_notice()).to_have_count(0)

    person.sign_out()
    assert not person.is_signed_in()
    person.sign_in(email, factories.PASSWORD)
    assert person.is_signed_in()
    person.open_profile()
    expect(person.verify_notice()).to_have_count(0)
    expect(page.locator("#profile-display_name")).to_have_value("Linnea Ekholm")
    expect(page.locator("#profile-home_district")).to_have_value(str(district.id))
    expect(page.locator(f'input[name="profile-language"][value="{email_lang}"]')).to_be_checked()

    person.change_language(new_lang)
    assert person.path == f"/{new_lang}/account/profile"
    assert person.html_lang == new_lang
    expect(page.locator("h1")).to_have_text(_in(app, new_lang, "My account"))
    expect(page.locator('.lang-switch a[aria-current="true"]')).to_have_attribute("lang", new_lang)
    expect(page.locator(f'input[name="profile-language"][value="{new_lang}"]')).to_be_checked()
    assert person.flashes(), "no confirmation after saving"


# The guard itself: a page that reaches out or breaks the CSP must not pass unnoticed.


def test_guard_blocks_other_hosts_and_reports_csp_violations(
    page: Page, browser_guard: BrowserGuard
) -> None:
    nav = AccountNavigator(page, "en")
    nav.front_page()
    # Wait for the two reports of the browser's console, not for a fixed time.
    with (
        page.expect_console_message(lambda message: "site.css" in message.text),
        page.expect_console_message(lambda message: "inline" in message.text),
    ):
        page.evaluate(
            """() => {
              const link = document.createElement("link");
              link.rel = "stylesheet";
              link.href = "https://cdn.example.com/site.css";
              document.head.append(link);
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true;";
              document.body.append(script);
            }"""
        )
    assert page.evaluate("() => window.inlineRan") is None, "the CSP let an inline script run"
    problems = browser_guard.problems()
    assert any("site.css" in p and "Content Security Policy" in p for p in problems), problems
    assert any("inline" in p and "Content Security Policy" in p for p in problems), problems

    # What the CSP does not stop (a navigation; map tiles in production) fails at the proxy
    # that is not there, and the guard records it.
    with (
        page.expect_event("requestfailed", lambda request: "example.com" in request.url),
        pytest.raises(PlaywrightError),
    ):
        page.goto("http://example.com/")
    assert ("document", "http://example.com/") in browser_guard.blocked
    browser_guard.blocked.clear()
    browser_guard.console.clear()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_failed_submit_moves_focus_to_the_error_summary(app: Flask, page: Page, lang: str) -> None:
    """The GOV.UK pattern: the summary has the focus, and its links lead to the fields."""
    nav = AccountNavigator(page, lang)
    _register_with_errors(nav, lambda *args, **kwargs: None)
    assert page.evaluate("document.activeElement.id") == "error-summary"
    heading = page.locator("#error-summary-title").inner_text()
    assert heading == _in(app, lang, "Check the following and try again")
    page.keyboard.press("Tab")
    first_link = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    assert page.evaluate("'#' + document.activeElement.id") == first_link
