"""Keyboard-only journeys: press keys, count them, and check the focus at every stop.

    keys = Keyboard(page)
    keys.tab_to("#title")          # Tab until the element has the focus
    keys.type("Lisää penkkejä")    # typed text is not counted as presses
    keys.choose_radio("action", "reject")
    keys.submit()                  # Enter, and wait for the page it leads to
    assert keys.presses <= 40

After each press the focused element must show a focus indicator (an outline or the focus
ring's box-shadow, static/css/site.css `:focus-visible`) and lie at least partly inside the
viewport (WCAG 2.2 SC 2.4.7 and 2.4.11); a press that leaves the focus on nothing fails.
"""

from __future__ import annotations

from playwright.sync_api import Page

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 160),
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    in_view: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


class Keyboard:
    """Counts the presses of one journey (`presses`) and the stops it made (`stops`)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0
        self.stops: list[str] = []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1
        self.check_focus(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def check_focus(self, after: str) -> None:
        state = self.page.evaluate(FOCUS_STATE)
        assert state is not None, f"after {after} (press {self.presses}) nothing has the focus"
        self.stops.append(state["html"])
        assert state["indicator"], f"no visible focus indicator on {state['html']}"
        assert state["in_view"], f"the focused element is off-screen: {state['html']}"

    def focused_matches(self, selector: str) -> bool:
        return bool(self.page.evaluate("(s) => document.activeElement.matches(s)", selector))

    def tab_to(self, selector: str, *, limit: int = 80, key: str = "Tab") -> int:
        """Press Tab (or `key`, e.g. Shift+Tab) until `selector` has the focus; return how
        many presses it took."""
        for count in range(1, limit + 1):
            self.press(key)
            if self.focused_matches(selector):
                return count
        raise AssertionError(f"{selector} not reached in {limit} {key}; stops: {self.stops[-5:]}")

    def choose_radio(self, name: str, value: str, *, limit: int = 10) -> None:
        """With the focus in radio group `name`, arrow down to `value` (arrows also check)."""
        checked = f'input[type=radio][name="{name}"][value="{value}"]'
        for _ in range(limit):
            if self.focused_matches(checked):
                if not self.page.locator(checked).is_checked():
                    self.press("Space")  # Tab into a group with nothing checked: the first
                return
            self.press("ArrowDown")
        raise AssertionError(f"radio {name}={value} not reached with the arrow keys")

    def choose_option(self, select: str, value: str, *, limit: int = 30) -> None:
        """With the focus on `<select>` `select`, arrow down until `value` is selected."""
        for _ in range(limit):
            if self.page.locator(select).input_value() == value:
                return
            self.press("ArrowDown")
        raise AssertionError(f"option {value} of {select} not reached with the arrow keys")

    def submit(self) -> None:
        """Enter on the focused button, then wait for the next page (not checked: a new page
        starts with the focus on the document)."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.presses += 1
