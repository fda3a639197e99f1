"""Keyboard-only journeys (issue #12): a moderator's decision and an initiative's submission.

Nothing is clicked and no element is focused by the test: only Tab, the arrow keys, Space
and Enter (and typed text). Every stop must show its focus and be on screen
(tests/browser/keyboard.py). The number of presses is bounded, so a page that grows many
new Tab stops before its main task fails here; the figures measured on 2026-12-01 are in
the comments. The other journeys by keyboard are in test_councillors.py (the map, postal
code to councillors) and test_activities.py (sign-up).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.workflow.models import Transition
from participate.workflow.states import Status
from tests import factories
from tests.browser.keyboard import Keyboard
from tests.browser.pages import Navigator

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_moderator_decision_by_keyboard(
    app: Flask, page: Page, browser_login_as, lang: str
) -> None:
    """From the queue to a rejection with a standard reason and a note; a first try without
    a reason shows the error summary, which takes the focus."""
    with app.app_context():
        item = factories.create_initiative(status="submitted", title="Näppäimistöllä")
        reason = factories.create_reason()
        item_id, reason_id = item.id, reason.id
    browser_login_as(page, "moderator", language=lang)
    Navigator(page, lang).open("moderation/")
    keys = Keyboard(page)

    keys.tab_to(f'table.queue a[href="/{lang}/moderation/initiative/{item_id}"]')
    keys.submit()
    keys.tab_to('.decision input[name="action"]')
    keys.choose_radio("action", "reject")
    keys.tab_to(".decision button[type=submit]")
    keys.submit()  # no reason: refused

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    keys.check_focus("the refused decision")
    keys.tab_to('#error-summary a[href="#reason"]')
    keys.press("Enter")  # the error's link takes the focus to its field
    expect(page.locator("#reason")).to_be_focused()
    keys.type("Aloite koskee yksittäistä henkilöä.")
    # Back up to the standard reason (the list is above the note).
    keys.tab_to(f'.decision input[name="reasons"][value="{reason_id}"]', key="Shift+Tab")
    keys.press("Space")
    expect(page.locator(f'.decision input[name="reasons"][value="{reason_id}"]')).to_be_checked()
    expect(page.locator('.decision input[name="action"][value="reject"]')).to_be_checked()
    keys.tab_to(".decision button[type=submit]")
    keys.submit()

    expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        assert db.session.get(Initiative, item_id).status == Status.REJECTED
        note = db.session.scalar(
            sa.select(Transition.reason).order_by(Transition.id.desc()).limit(1)
        )
        assert note.endswith("Aloite koskee yksittäistä henkilöä.")  # after the standard one
    # 2026-12-01: 76 in fi (the five seeded standard reasons and this one), 61 in sv (this
    # one only: the seeded ones are gone after the first test): 27 Tabs from the queue to the
    # decision (header, menu, desk menu, the item's details), the rest the two tries.
    assert keys.presses <= 80, f"{keys.presses} presses for one decision"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_an_initiative_submission_by_keyboard(
    app: Flask, page: Page, browser_login_as, lang: str
) -> None:
    """Write an initiative, choose its theme and district with the arrow keys, send it."""
    with app.app_context():
        theme = factories.create_theme()
        district_id = factories.district("suur-tapiola").id
        theme_id = theme.id
    browser_login_as(page, "resident", language=lang)
    Navigator(page, lang).open("initiatives/new")
    keys = Keyboard(page)

    keys.tab_to("#title")
    keys.type("Lisää penkkejä rantaraitille")
    keys.press("Tab")
    expect(page.locator("#body")).to_be_focused()
    keys.type("Rantaraitilla on liian vähän penkkejä. Ehdotan kymmentä uutta penkkiä.")
    keys.tab_to("#theme")
    keys.choose_option("#theme", str(theme_id))
    keys.tab_to("#district")
    keys.choose_option("#district", "suur-tapiola")
    keys.tab_to('button[name="intent"][value="submit"]')
    keys.submit()

    expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        initiative = db.session.scalars(sa.select(Initiative)).one()
        assert initiative.status == Status.SUBMITTED
        assert initiative.title == "Lisää penkkejä rantaraitille"
        assert (initiative.theme_id, initiative.district_id) == (theme_id, district_id)
    # 48 on 2026-12-01: 12 Tabs to the title (skip link, languages, menu), 17 goals.
    assert keys.presses <= 60, f"{keys.presses} presses for one initiative"
