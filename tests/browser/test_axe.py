"""The accessibility check itself: a page with known WCAG failures is reported, rule by rule."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.axe import axe_violations
from tests.browser.pages import Navigator

pytestmark = pytest.mark.browser

BREAK_THE_PAGE = """() => {
  document.documentElement.removeAttribute("lang");
  const image = document.createElement("img");
  image.src = "/static/missing.png";
  document.body.append(image, document.createElement("button"));
}"""


def test_axe_reports_each_violation_with_its_rule_and_elements(page: Page) -> None:
    Navigator(page, "fi").open("")
    assert axe_violations(page) == []
    page.evaluate(BREAK_THE_PAGE)
    violations = axe_violations(page)
    rules = {violation.split(" ", 1)[0] for violation in violations}
    assert {"html-has-lang", "image-alt", "button-name"} <= rules
    image_alt = next(v for v in violations if v.startswith("image-alt"))
    assert "(critical): Images must have alternative text" in image_alt
    assert "https://dequeuniversity.com/rules/axe/" in image_alt
    assert "  at img" in image_alt
    assert "Element does not have an alt attribute" in image_alt
