"""The development manager's desk in a real browser, in fi, sv and en.

The journey: two residents report an initiative; the second report hides it (the number is
`Settings.reports_to_hide`, 2 here); the development manager restores it with a standard
reason; the audit log shows every step; the author got both e-mails in their own language.
Then axe checks every desk and admin page in every language, and the council report prints
without menus or forms.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation import audit
from participate.workflow.states import Status
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.keyboard import Keyboard
from tests.browser.pages import Navigator

pytestmark = pytest.mark.browser

LANGS = ("fi", "sv", "en")
# The author reads another language than the people on the desk.
AUTHOR_LANG = {"fi": "sv", "sv": "en", "en": "fi"}


@pytest.fixture
def reports_to_hide(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    def set_limit(count: int) -> None:
        settings = dataclasses.replace(app.config["SETTINGS"], reports_to_hide=count)
        monkeypatch.setitem(app.config, "SETTINGS", settings)

    return set_limit


class ReportNavigator(Navigator):
    def report(self, kind: str, item_id: int, reason: str, details: str = "") -> None:
        self.submit_and_wait(self.page.locator(f'a[href="/{self.lang}/report/{kind}/{item_id}"]'))
        self.page.check(f'input[name="reason"][value="{reason}"]')
        if details:
            self.page.fill("#details", details)
        self.submit_and_wait(self.page.locator('#report-form button[type="submit"]'))


class DeskNavigator(Navigator):
    def open_item(self, kind: str, item_id: int) -> None:
        self.open("moderation/")
        self.submit_and_wait(
            self.page.locator(f'table.queue a[href="/{self.lang}/moderation/{kind}/{item_id}"]')
        )

    def decide(self, action: str, *, reason_ids: tuple[int, ...] = (), reason: str = "") -> None:
        self.page.check(f'.decision input[name="action"][value="{action}"]')
        for reason_id in reason_ids:
            self.page.check(f'.decision input[name="reasons"][value="{reason_id}"]')
        if reason:
            self.page.fill("#reason", reason)
        self.submit_and_wait(self.page.locator(".decision button[type=submit]"))


@pytest.mark.parametrize("lang", LANGS)
def test_report_hide_restore_and_the_audit_log(
    app: Flask,
    new_page: Callable[..., Page],
    browser_login_as,
    outbox,
    reports_to_hide,
    lang: str,
) -> None:
    reports_to_hide(2)
    author_lang = AUTHOR_LANG[lang]
    with app.app_context():
        author = factories.create_user(language=author_lang, email=f"kirjoittaja-{lang}@example.fi")
        initiative = factories.create_initiative(author=author, title=f"Ilmoitettava aloite {lang}")
        reason = factories.create_reason()

    # The first resident reports: thanks, and the initiative stays public.
    first_page = new_page()
    browser_login_as(first_page, language=lang)
    first = ReportNavigator(first_page, lang)
    first.open(f"initiatives/{initiative.id}")
    first.report("initiative", initiative.id, "offensive")
    expect(first_page.locator(".flash-success")).to_be_visible()
    expect(first_page.locator("#reported-title")).to_be_visible()
    assert_accessible(first_page, f"report thanks ({lang})")
    first.open(f"initiatives/{initiative.id}")

    # The second report hides it until the development manager has checked it.
    second_page = new_page()
    browser_login_as(second_page, language=lang)
    second = ReportNavigator(second_page, lang)
    second.open(f"initiatives/{initiative.id}")
    second.report("initiative", initiative.id, "other", details="Henkilön nimi tekstissä.")
    expect(second_page.locator("#reported-title")).to_be_visible()
    second.open(f"initiatives/{initiative.id}", status=410)  # hidden, with the public reason
    with app.app_context():
        assert db.session.get(Initiative, initiative.id).status == Status.HIDDEN

    # The development manager sees it in the queue with the reports and restores it.
    desk_page = new_page()
    browser_login_as(desk_page, "moderator", language=lang)
    desk = DeskNavigator(desk_page, lang)
    desk.open("moderation/")
    expect(desk_page.locator(".main-nav .count")).to_have_text("1")
    expect(desk_page.locator("table.queue tr.reported")).to_have_count(1)
    desk.open_item("initiative", initiative.id)
    expect(desk_page.locator("#reports li")).to_have_count(2)
    assert_accessible(desk_page, f"reported item ({lang})")
    desk.decide("unhide", reason_ids=(reason.id,), reason="Tarkistettu: asiallinen.")
    assert desk.path == f"/{lang}/moderation/"
    expect(desk_page.locator(".flash-success")).to_be_visible()
    expect(desk_page.locator("table.queue")).to_have_count(0)
    second.open(f"initiatives/{initiative.id}")

    # The audit log shows every step, newest first.
    admin_page = new_page()
    browser_login_as(admin_page, "admin", language=lang)
    admin = Navigator(admin_page, lang)
    admin.open(f"admin/audit?object_kind=initiative&object_id={initiative.id}")
    rows = admin_page.locator("table.audit tbody tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).get_attribute("data-action") for i in range(4)] == [
        "initiative.unhide",
        "initiative.hide",
        "initiative.report",
        "initiative.report",
    ]
    assert_accessible(admin_page, f"audit log ({lang})")

    # The author got both e-mails, in their own language, with the reason in it.
    hidden, restored = outbox(to=author.email)
    assert {hidden.language, restored.language} == {author_lang}
    assert hidden.template == restored.template == "moderation/decision"
    assert getattr(reason, f"text_{author_lang}") in restored.body_text
    assert "Tarkistettu: asiallinen." in restored.body_text
    assert f"/{author_lang}/initiatives/{initiative.id}" in restored.body_text


# Accessibility: every desk and admin page, every language --------------------------------


def _desk_data(app: Flask) -> dict[str, int]:
    now = datetime.now(UTC)
    with app.app_context():
        theme = factories.create_theme()
        reason = factories.create_reason()
        submitted = factories.create_initiative(theme=theme, status="submitted", language="sv")
        factories.create_activity(status="submitted", author=factories.create_user())
        reported = factories.create_initiative(theme=theme, title="Ilmoitettu")
        factories.create_report(reported, details="Puhelinnumero tekstissä.")
        factories.create_report(reported, reason="spam")
        answered = factories.create_initiative(theme=theme, status="answered", district_slug=None)
        for number in range(3):
            item = factories.create_initiative(theme=theme, title=f"Aloite {number}")
            factories.create_support(item)
        for row in db.session.scalars(db.select(Initiative)):
            row.first_submitted_at = now - timedelta(days=20 + row.id)
            row.first_decision_at = (
                now - timedelta(days=18 + row.id) if row.status != Status.SUBMITTED else None
            )
        db.session.commit()
        activity = factories.create_activity(capacity=5)
        factories.create_signup(activity, people=2)
        person = factories.create_user(display_name="Olga Ivanova", blocked_at=factories.utcnow())
        moderator = factories.create_user(role="moderator")
        audit.record(
            actor=moderator,
            action="initiative.hide",
            object_kind="initiative",
            object_id=reported.id,
            object_title="Ilmoitettu",
            reason="Asiaton.",
            before={"status": "published"},
            after={"status": "hidden"},
        )
        db.session.commit()
    return {
        "submitted": submitted.id,
        "reported": reported.id,
        "answered": answered.id,
        "reason": reason.id,
        "person": person.id,
        "activity": activity.id,
    }


DESK_PAGES = {
    "queue": "moderation/",
    "queue filtered": "moderation/?kind=initiative&district=suur-tapiola&age=1",
    "reported item": "moderation/initiative/{reported}",
    "submitted item": "moderation/initiative/{submitted}",
    "correct": "moderation/initiative/{reported}/edit",
    "correct activity": "moderation/activity/{activity}/edit",
    "reasons": "moderation/reasons",
    "new reason": "moderation/reasons/new",
    "edit reason": "moderation/reasons/{reason}/edit",
    "statistics": "moderation/statistics",
    "council report": "moderation/council-report",
    "audit": "admin/audit",
    "audit search": "admin/audit?actor=x&q=Asiaton",
    "accounts": "admin/users",
    "account": "admin/users/{person}",
}


@pytest.mark.parametrize("lang", LANGS)
def test_no_wcag_violations_on_desk_and_admin_pages(
    app: Flask, page: Page, new_page: Callable[..., Page], browser_login_as, lang: str
) -> None:
    ids = _desk_data(app)
    browser_login_as(page, "admin", language=lang)
    nav = Navigator(page, lang)
    for name, path in DESK_PAGES.items():
        nav.open(path.format(**ids))
        assert_accessible(page, f"{name} ({lang})")

    # Forms with errors.
    nav.open("moderation/")
    page.check('#bulk-form input[name="action"][value="reject"]')
    page.locator("#bulk-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"bulk decision with errors ({lang})")
    nav.open("moderation/reasons/new")
    page.locator("#reason-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"reason with errors ({lang})")
    nav.open("moderation/statistics?start=2026-07-01&end=2026-06-01", status=400)
    assert_accessible(page, f"period with errors ({lang})")
    nav.open(f"admin/users/{ids['person']}")
    page.locator("#role-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"role change with errors ({lang})")

    # The resident's report form, empty and with an error.
    resident_page = new_page()
    browser_login_as(resident_page, language=lang)
    resident = Navigator(resident_page, lang)
    resident.open(f"report/initiative/{ids['answered']}")
    assert_accessible(resident_page, f"report form ({lang})")
    resident_page.check('input[name="reason"][value="other"]')
    resident_page.locator("#report-form button[type=submit]").click()
    expect(resident_page.locator("#error-summary")).to_be_visible()
    assert_accessible(resident_page, f"report form with errors ({lang})")


def test_the_desk_works_by_keyboard(app: Flask, page: Page, browser_login_as) -> None:
    """Bulk approval with the keyboard only: tab to a checkbox, space, tab to the decision."""
    with app.app_context():
        item = factories.create_initiative(status="submitted", title="Näppäimistöllä")
    browser_login_as(page, "moderator")
    nav = Navigator(page, "fi")
    nav.open("moderation/")
    keys = Keyboard(page)  # keys only, the focus visible at every stop
    box = f'input[name="items"][value="initiative:{item.id}"]'
    keys.tab_to(box)
    keys.press("Space")
    expect(page.locator(box)).to_be_checked()
    keys.tab_to('#bulk-form input[name="action"]', key="Tab")
    keys.choose_radio("action", "approve")
    keys.tab_to("#bulk-form button[type=submit]")
    keys.submit()
    expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        assert db.session.get(Initiative, item.id).status == Status.PUBLISHED


@pytest.mark.parametrize("lang", LANGS)
def test_council_report_prints_without_menus_and_forms(
    app: Flask, page: Page, browser_login_as, lang: str
) -> None:
    sent = datetime(2026, 6, 10, 9, tzinfo=UTC)
    with app.app_context():
        theme = factories.create_theme()
        for district in ("suur-tapiola", "vanha-espoo"):
            initiative = factories.create_initiative(theme=theme, district_slug=district)
            row = db.session.get(Initiative, initiative.id)
            row.first_submitted_at = sent
        db.session.commit()
    browser_login_as(page, "moderator", language=lang)
    nav = Navigator(page, lang)
    nav.open("moderation/council-report?start=2026-06-01&end=2026-06-30")
    expect(page.locator(".main-nav")).to_be_visible()
    expect(page.locator("form.period-form")).to_be_visible()
    assert_accessible(page, f"council report ({lang})")
    page.emulate_media(media="print")
    for hidden in (".main-nav", ".site-header", ".desk-nav", "form.period-form", ".site-footer"):
        expect(page.locator(hidden).first).to_be_hidden()
    sections = page.locator("section.report-district")
    expect(sections).to_have_count(2)
    expect(sections.first).to_be_visible()
    breaks = sections.evaluate_all("sections => sections.map(s => getComputedStyle(s).breakBefore)")
    assert breaks == ["page", "page"]
    page.emulate_media(media="screen")
    expect(page.locator(".main-nav")).to_be_visible()
