"""The worker's shared page (`SharedPage` in conftest.py): reset between tests, or replaced.

A test that leaks into the next one through the shared page would pass alone and fail, or
worse pass wrongly, in a run; these tests drive `reset()` directly and look at what is left.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import BETWEEN_TESTS_PATH, DESKTOP, BrowserGuard, SharedPage

pytestmark = pytest.mark.browser

OPEN_DATABASE = """() => new Promise((resolve, reject) => {
    const request = indexedDB.open("left");
    request.onsuccess = () => resolve(request.result.close());
    request.onerror = () => reject(request.error);
})"""
PERMISSION = "async () => (await navigator.permissions.query({name: 'geolocation'})).state"


@pytest.fixture
def shared(
    shared_page: SharedPage, browser_guard: BrowserGuard, csrf_enabled: None
) -> Iterator[SharedPage]:
    yield shared_page
    shared_page.reset()
    shared_page.guard = None


def test_what_a_test_changes_is_undone(
    shared: SharedPage, browser_guard: BrowserGuard, live_server: str
) -> None:
    page = shared.open(browser_guard)
    page.goto("/en/")
    page.context.add_cookies([{"name": "left", "value": "behind", "url": live_server}])
    page.context.grant_permissions(["geolocation"])
    page.context.set_extra_http_headers({"X-Left": "behind"})
    page.set_extra_http_headers({"X-Page-Left": "behind"})
    page.route("**/en/", lambda route: route.fulfill(body="routed"))
    page.set_viewport_size({"width": 400, "height": 500})
    page.emulate_media(media="print", color_scheme="dark")
    page.set_default_timeout(1)
    assert page.evaluate(PERMISSION) == "granted"

    shared.reset()
    again = shared.open(browser_guard)
    assert again is page, "a page with nothing left behind is reused"
    assert page.url == live_server + BETWEEN_TESTS_PATH
    assert page.context.cookies() == []
    assert page.viewport_size == DESKTOP
    with page.expect_request("**/en/") as request:
        page.goto("/en/")
    assert "x-left" not in request.value.headers
    assert "x-page-left" not in request.value.headers
    assert page.locator("main").count() == 1, "the test's route still answers"
    assert page.evaluate(PERMISSION) == "prompt"
    assert page.evaluate("() => matchMedia('print').matches") is False
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") is False
    page.locator("main").wait_for()  # would fail at once with the test's 1 ms timeout


# Fetches map.geojson (public, max-age=60) and says how many bytes came over the network.
FETCH_MAP_DATA = """async () => {
    const url = new URL('/en/initiatives/map.geojson', location).href;
    performance.clearResourceTimings();
    await (await fetch(url)).text();
    return performance.getEntriesByName(url).map(entry => entry.transferSize);
}"""


def test_the_http_cache_is_emptied(shared: SharedPage, browser_guard: BrowserGuard) -> None:
    """The next test's rows reuse this test's ids, so its cached answers must not survive."""
    page = shared.open(browser_guard)
    page.goto("/en/")
    assert 0 not in page.evaluate(FETCH_MAP_DATA)
    assert page.evaluate(FETCH_MAP_DATA) == [0], "the second fetch came from the cache"

    shared.reset()
    assert shared.open(browser_guard) is page
    page.goto("/en/")
    transferred = page.evaluate(FETCH_MAP_DATA)
    assert transferred
    assert 0 not in transferred, transferred


@pytest.mark.parametrize(
    "leave",
    [
        lambda page: page.evaluate("() => localStorage.setItem('left', 'behind')"),
        lambda page: page.evaluate("() => sessionStorage.setItem('left', 'behind')"),
        lambda page: page.evaluate(OPEN_DATABASE),
        lambda page: page.on("dialog", lambda dialog: dialog.dismiss()),
        lambda page: page.context.on("request", lambda request: None),
        lambda page: page.context.new_page(),
        lambda page: page.goto("about:blank"),
    ],
    ids=[
        "local storage",
        "session storage",
        "IndexedDB",
        "listener",
        "context listener",
        "popup",
        "elsewhere",
    ],
)
def test_what_cannot_be_undone_gets_a_new_context(
    shared: SharedPage, browser_guard: BrowserGuard, leave
) -> None:
    page: Page = shared.open(browser_guard)
    page.goto("/en/")
    leave(page)
    shared.reset()
    fresh = shared.open(browser_guard)
    assert fresh is not page
    assert page.is_closed()
    fresh.goto("/en/")
    assert fresh.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert fresh.evaluate("async () => (await indexedDB.databases()).length") == 0
