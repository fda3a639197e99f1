"""Run axe-core on a Playwright page and report the WCAG 2.2 A/AA violations readably.

    violations = axe_violations(page)
    assert not violations, "\\n".join(violations)

or simply `assert_accessible(page)`.

axe is injected with `page.evaluate`, which Playwright sends over the DevTools protocol: the
page's Content-Security-Policy (script-src 'self' 'nonce-…') does not apply to it, so the
check runs against the real headers, with no `bypass_csp`.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_axe = Axe()

# Wait (at most 2 s) for the CSS transitions and animations that will end to end.
SETTLE_ANIMATIONS = """async () => {
  const ending = document.getAnimations().filter(
    (a) => a.playState === "running" && Number.isFinite(a.effect?.getComputedTiming().endTime)
  );
  const done = Promise.all(ending.map((a) => a.finished.catch(() => null)));
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))]);
}"""


# axe.run() and only the violations back, with the fields `_format` reads. The whole result
# (every rule's passes, incomplete and inapplicable entries, each with an HTML snippet) took
# Playwright longer to bring back to Python than axe took to check the page: about 0.15 s of
# wall time and 0.25 s of CPU a check on the desk's pages (220 checks in a run).
RUN_AXE = """async ([context, options]) => {
  const results = await axe.run(context || document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
  }));
}"""


def _format(violation: dict[str, Any]) -> str:
    impact = violation.get("impact") or "no impact given"
    lines = [f"{violation['id']} ({impact}): {violation['help']}", f"  {violation['helpUrl']}"]
    for node in violation["nodes"][:10]:
        target = " ".join(str(part) for part in node["target"])
        lines.append(f"  at {target}")
        summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
        if summary:
            lines.append(f"     {summary}")
    if len(violation["nodes"]) > 10:
        lines.append(f"  … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def axe_violations(
    page: Page, *, context: str | list[Any] | dict[str, Any] | None = None
) -> list[str]:
    """The WCAG 2.0/2.1/2.2 level A and AA violations on the page as it is now, one string each.

    `context` limits the check to part of the page (axe's include/exclude selectors).
    """
    options = {
        "runOnly": {"type": "tag", "values": list(WCAG_TAGS)},
        "resultTypes": ["violations"],
    }
    # Axe.run() formats `context` with Python's repr(), which is not JavaScript for lists and
    # dicts: inject its bundled axe-core, then pass the arguments through Playwright instead.
    # A page checked before its stylesheets arrived (right after a form post) has unstyled,
    # 17 px links and fails target-size at random: wait for the load event first.
    page.wait_for_load_state("load")
    # A colour half-way through a fade (a map popup opening) fails the contrast rule at random.
    page.evaluate(SETTLE_ANIMATIONS)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    violations = page.evaluate(RUN_AXE, [context, options])
    return [
        _format(violation)
        for violation in violations
        if set(violation.get("tags", ())) & set(WCAG_TAGS)
    ]


def assert_accessible(page: Page, label: str = "") -> None:
    """Fail with the violations listed, prefixed with `label` (or the page's URL)."""
    violations = axe_violations(page)
    where = label or page.url
    assert not violations, f"axe found WCAG 2.2 A/AA violations on {where}:\n" + "\n".join(
        violations
    )
