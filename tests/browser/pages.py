"""Page objects ("navigators", as in SecureDrop's functional tests) so tests read as steps.

Elements are found by id, name and URL, never by visible text: the same steps run in fi, sv
and en. Each step waits for the page it leads to, so the next step can rely on it.

    person = AccountNavigator(page, "sv")
    person.register(name="Karin Lindholm", email="karin@example.fi", password=PASSWORD)
    person.sign_out()
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Locator, Page
from playwright.sync_api import Response as PageResponse

LINK_RE = re.compile(r"https?://\S+")


class Navigator:
    """Moves around the site in one language, like a person with a browser would."""

    def __init__(self, page: Page, lang: str = "fi") -> None:
        self.page = page
        self.lang = lang

    # Going places ---------------------------------------------------------------------

    def open(self, path: str = "", *, status: int | None = 200) -> PageResponse | None:
        """Open `/<lang>/<path>`; check the HTTP status unless `status` is None."""
        response = self.page.goto(f"/{self.lang}/{path.lstrip('/')}")
        if status is not None:
            assert response is not None, f"no response for /{self.lang}/{path}"
            assert response.status == status, f"{response.url}: {response.status}, not {status}"
        return response

    def open_url(self, url: str) -> PageResponse | None:
        """Open an absolute link, e.g. one from an e-mail, on the live server.

        Links are built from BASE_URL (`http://participate.test` in tests), which is not
        where the live server listens, so its path, query and fragment are opened there.
        """
        parts = urlsplit(url)
        assert parts.netloc, f"not an absolute link: {url}"
        return self.page.goto(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))

    def front_page(self) -> None:
        self.open("")

    def switch_language(self, lang: str) -> None:
        self.submit_and_wait(self.page.locator(f'.lang-switch a[lang="{lang}"]'))
        self.lang = lang

    # Reading the page -------------------------------------------------------------------

    @property
    def html_lang(self) -> str | None:
        return self.page.locator("html").get_attribute("lang")

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def flashes(self) -> list[str]:
        return [text.strip() for text in self.page.locator(".flash").all_inner_texts()]

    def error_summary(self) -> Locator:
        return self.page.locator("#error-summary")

    def is_signed_in(self) -> bool:
        return self.page.locator('form[action$="/account/logout"]').count() > 0

    # Doing things -----------------------------------------------------------------------

    def submit_and_wait(self, control: Locator) -> None:
        """Click a submit button or link and wait for the page it leads to."""
        with self.page.expect_navigation():
            control.click()

    def submit_form_of(self, field_selector: str) -> None:
        """Submit the form that holds the field (pages can have several forms)."""
        form = self.page.locator("form", has=self.page.locator(field_selector))
        self.submit_and_wait(form.locator('button[type="submit"]'))


class AccountNavigator(Navigator):
    """Register, verify, sign in and out, and edit the profile."""

    def open_register(self) -> None:
        self.open("account/register")

    def fill_registration(
        self,
        *,
        name: str = "",
        email: str = "",
        password: str = "",
        password_again: str | None = None,
        language: str | None = None,
        district_id: int | None = None,
    ) -> None:
        page = self.page
        page.fill("#display_name", name)
        page.fill("#email", email)
        page.fill("#password", password)
        page.fill("#password_confirm", password if password_again is None else password_again)
        if language:
            page.check(f'input[name="language"][value="{language}"]')
        if district_id is not None:
            page.select_option("#home_district", str(district_id))

    def register(self, **fields: object) -> None:
        """Open the form, fill it in (see `fill_registration`) and send it."""
        self.open_register()
        self.fill_registration(**fields)  # type: ignore[arg-type]
        self.submit_form_of("#display_name")

    def open_login(self) -> None:
        self.open("account/login")

    def sign_in(self, email: str, password: str, *, remember: bool = False) -> None:
        self.open_login()
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        if remember:
            self.page.check("#remember")
        self.submit_form_of("#password")

    def sign_out(self) -> None:
        self.submit_and_wait(self.page.locator('form[action$="/account/logout"] button'))

    def open_profile(self) -> None:
        self.open("account/profile")

    def verify_notice(self) -> Locator:
        """The 'verify your e-mail address' box on the profile page."""
        return self.page.locator(".notice:has(#verify-title)")

    def change_language(self, lang: str) -> None:
        """Choose another language in the profile and save: the site follows the choice."""
        self.open_profile()
        self.page.check(f'input[name="profile-language"][value="{lang}"]')
        self.submit_form_of("#profile-display_name")
        self.lang = lang

    def open_my_data(self) -> None:
        self.open("account/my-data")

    def open_forgot_password(self) -> None:
        self.open("account/forgot-password")

    def follow_link_in(self, body: str, contains: str) -> None:
        """Open the first link in an e-mail body whose URL contains `contains`."""
        links = [url for url in LINK_RE.findall(body) if contains in url]
        assert links, f"no link with {contains!r} in the e-mail:\n{body}"
        self.open_url(links[0])
