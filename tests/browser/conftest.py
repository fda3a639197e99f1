"""Browser-test fixtures: the app on a live server, one Chromium per session, one page reused.

- `live_server`: the base URL (`http://127.0.0.1:<port>`) of the session `app`, served by
  werkzeug in a thread. The test database is shared with it: data made with the factories
  (inside `with app.app_context():`) is visible to the server once committed.
- `browser`: Debian's Chromium headless shell (/usr/bin/chromium-headless-shell) driven by
  Playwright's sync API. A missing one is a failure, not a skip: CI must run these tests.
  Requests for any host but loopback go to a proxy that is not there, so they fail.
- `page`: a 1280x900 page, the same one for every test of the worker, reset between tests
  (`SharedPage` says what that covers); a test that leaves behind what cannot be reset gets
  the next test a new context. `new_page(**context_options)`: a page in a fresh context (own
  cookies, viewport, locale, permissions …), as many as a test needs, closed after it.
  Every page records the requests for other hosts; the test fails if one was for anything
  but an image, if the console reports a Content-Security-Policy violation, if a script
  throws, or if the server answers 5xx. `browser_guard` holds what was recorded.
- `browser_login_as(page, role, **user_fields)`: creates a verified user and signs that page's
  context in (a session cookie, no form round trip). Sign in through the form with the
  page objects in tests/browser/pages.py when the form itself is under test.

CSRF protection is on for browser tests: a real browser carries the token like a person does.
Every test here must be marked `@pytest.mark.browser`; `pytest -m browser` runs only them.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from participate.accounts.models import Role, User
from participate.extensions import db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Chromium's headless shell (Debian's chromium-headless-shell; what Playwright itself runs for
# headless Chromium): the same Blink and V8 without the desktop browser's machinery, which
# new-style `--headless` of /usr/bin/chromium keeps. The browser tests cost about 28 % less
# CPU with it (docs/testing.md, "Speed").
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
# We run as root (no sandbox), and in a closed network the background services
# of Chromium fail noisily and slowly, so switch them off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Blocked images are recorded but allowed to fail quietly: map tiles are the one thing the
# CSP lets a page load from elsewhere (img-src), and tests point tiles at a local path anyway.
QUIET_BLOCKED_TYPES = {"image"}
DESKTOP = {"width": 1280, "height": 900}
# A browser locale that matches none of fi/sv/en: pages must get their language from the URL
# prefix, never by accident from Accept-Language.
NEUTRAL_LOCALE = "de-DE"
DEFAULT_TIMEOUT_MS = 5_000


@dataclass
class BrowserGuard:
    """What the pages of one test did that a test should know about."""

    blocked: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)
    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    # Set to True in a test that means to see a 5xx page.
    allow_server_errors: bool = False
    _reported: set[str] = field(default_factory=set)

    def problems(self) -> list[str]:
        found = [
            f"request to another host ({kind}): {url}"
            for kind, url in self.blocked
            if kind not in QUIET_BLOCKED_TYPES
        ]
        found += [
            f"console: {message.text}"
            for message in self.console
            if message.type == "error" and "Content Security Policy" in message.text
        ]
        found += [f"uncaught script error: {error}" for error in self.page_errors]
        if not self.allow_server_errors:
            found += [f"server error: {entry}" for entry in self.server_errors]
        return found

    def check(self) -> None:
        """Fail with everything found since the last check."""
        new = [problem for problem in self.problems() if problem not in self._reported]
        self._reported.update(new)
        if new:
            pytest.fail("The browser saw problems:\n  " + "\n  ".join(new), pytrace=False)


GUARD_KEY = pytest.StashKey[BrowserGuard]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # Check right after the test body so a problem fails the test itself (not its teardown).
    result = yield
    guard = item.stash.get(GUARD_KEY, None)
    if guard is not None:
        guard.check()
    return result


# The 5xx answers of the live server since the current test began (read by BrowserGuard).
_server_errors: list[str] = []

# The page the shared page rests on between tests: answered by the live server itself (not the
# app), on the app's origin. Resting on about:blank instead made the next test's first
# navigation start a new renderer process (about:blank to the app is a cross-site navigation
# for Chromium), about 0.2 s of CPU a test and a cold renderer: V8 compiled axe's script
# afresh in every test.
BETWEEN_TESTS_PATH = "/__between-tests__"
BETWEEN_TESTS_PAGE = b"<!doctype html><html lang=en><title>Between tests</title></html>"


def _buffered(app: WSGIApplication) -> WSGIApplication:
    """Read each response whole and close it before werkzeug starts sending; note 5xx answers.

    When the browser drops a connection (a context closed while the favicon loads), werkzeug's
    server skips closing the response, and the unclosed static file becomes a ResourceWarning,
    which `filterwarnings = error` turns into a random test's error. Test pages are small.
    Watching statuses here rather than in the browser also catches failed fetch() calls.
    """

    def buffered_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        if environ.get("PATH_INFO") == BETWEEN_TESTS_PATH:
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
            start_response("200 OK", headers)
            return [BETWEEN_TESTS_PAGE]

        def noting_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("5"):
                _server_errors.append(
                    f"{status} {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
                )
            return start_response(status, headers, exc_info)

        iterable = app(environ, noting_start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return buffered_app


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The base URL of the app served on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        # Close the connections the server's threads opened, before garbage collection
        # finds them open (a ResourceWarning with psycopg).
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium's headless shell is missing at {CHROMIUM}: the browser tests cannot "
            "run. Install it with `apt-get install -y --no-install-recommends "
            "chromium-headless-shell` (CI's .ci/run does).",
            pytrace=False,
        )
    # Every request for a host other than loopback goes to a proxy at a port of ours that
    # nothing listens on: refused at once, whatever the scheme or address. Chromium never
    # sends loopback requests to a proxy. (Playwright's `route()` could abort them too, but
    # a context with a route sends every request through the driver and has no HTTP cache.)
    with socket.socket() as dead_end:
        dead_end.bind(("127.0.0.1", 0))
        proxy = f"--proxy-server=http://127.0.0.1:{dead_end.getsockname()[1]}"
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, proxy], headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_guard(request: pytest.FixtureRequest) -> BrowserGuard:
    _server_errors.clear()
    guard = BrowserGuard(server_errors=_server_errors)
    request.node.stash[GUARD_KEY] = guard
    return guard


def _context_options(live_server: str, **options: Any) -> dict[str, Any]:
    options.setdefault("viewport", DESKTOP)
    options.setdefault("locale", NEUTRAL_LOCALE)
    options.setdefault("base_url", live_server)
    return options


def _guarded_context(
    browser: Browser, guard_of: Callable[[], BrowserGuard | None], **options: Any
) -> BrowserContext:
    """A context that tells `guard_of()` of every request for a host other than loopback.

    The browser sends those to a proxy that is not there (`browser`), so they fail at once.
    """

    def failed(request: Request) -> None:
        url = urlsplit(request.url)
        if url.hostname not in LOOPBACK_HOSTS and url.scheme not in {"data", "blob"}:
            guard = guard_of()
            if guard is not None:
                guard.blocked.append((request.resource_type, request.url))

    context = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(2 * DEFAULT_TIMEOUT_MS)
    context.on("requestfailed", failed)
    return context


def _watch(page: Page, guard_of: Callable[[], BrowserGuard | None]) -> None:
    """Send the page's console messages and uncaught errors to `guard_of()`."""

    def console(message: ConsoleMessage) -> None:
        if (guard := guard_of()) is not None:
            guard.console.append(message)

    def page_error(error: Exception) -> None:
        if (guard := guard_of()) is not None:
            guard.page_errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", page_error)


@pytest.fixture
def new_page(
    browser: Browser, live_server: str, browser_guard: BrowserGuard, csrf_enabled: None
) -> Iterator[Callable[..., Page]]:
    """`new_page(viewport={...}, **context_options)`: a page in a new context, closed after."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = _guarded_context(
            browser, lambda: browser_guard, **_context_options(live_server, **options)
        )
        contexts.append(context)
        page = context.new_page()
        _watch(page, lambda: browser_guard)
        return page

    yield make
    for context in contexts:
        context.close()
    # Anything that happened after the test body (late requests, errors while closing).
    browser_guard.check()


# The events a test may listen to on a page or a context (Playwright's names).
PAGE_EVENTS = (
    "close",
    "console",
    "crash",
    "dialog",
    "domcontentloaded",
    "download",
    "filechooser",
    "frameattached",
    "framedetached",
    "framenavigated",
    "load",
    "pageerror",
    "popup",
    "request",
    "requestfailed",
    "requestfinished",
    "response",
    "websocket",
    "worker",
)
CONTEXT_EVENTS = (
    "backgroundpage",
    "close",
    "console",
    "dialog",
    "page",
    "request",
    "requestfailed",
    "requestfinished",
    "response",
    "serviceworker",
    "weberror",
)
# What a page on the live server keeps in the browser beyond cookies: none of it is reset
# between tests, so a page that leaves any of it behind is not reused.
LEFT_IN_STORAGE = """async () => localStorage.length + sessionStorage.length
    + (await indexedDB.databases()).length
    + (await caches.keys()).length
    + (await navigator.serviceWorker.getRegistrations()).length"""


def _listener_counts(owner: Page | BrowserContext, events: tuple[str, ...]) -> tuple[int, ...]:
    # Playwright's public API adds and removes listeners but cannot count them; its
    # implementation object (an EventEmitter) can.
    impl = owner._impl_obj  # type: ignore[attr-defined]
    return tuple(impl.listener_count(event) for event in events)


@dataclass
class SharedPage:
    """The worker's reused context and page (the `page` fixture), and the test using it.

    A new context and page cost Chromium about 0.2 s of CPU (a renderer process); most tests
    need nothing but a clean 1280x900 page. After each test `reset()` leaves the page as a
    new one is: on a blank page (of the live server's origin, so the renderer process stays),
    an empty HTTP cache, no cookies or permissions, the desktop viewport, no emulated media,
    geolocation, offline mode, extra headers or routes. What it
    cannot undo (listeners the test added, other pages it opened, local or session storage,
    IndexedDB, caches or service workers, a page left on another origin, a crash) makes it
    close the context instead, and the next test gets a new one. Tests that need other context
    options, context routes, init scripts or a clock use `new_page(...)`.
    """

    browser: Browser
    live_server: str
    guard: BrowserGuard | None = None
    opened: tuple[BrowserContext, Page] | None = None
    # Listeners on the page and the context when they were made (the guard's own).
    listeners: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())
    # How many contexts this worker made for `page` (one, unless tests left state behind).
    contexts_made: int = 0

    def open(self, guard: BrowserGuard) -> Page:
        self.guard = guard
        if self.opened is None:
            context = _guarded_context(
                self.browser, lambda: self.guard, **_context_options(self.live_server)
            )
            page = context.new_page()
            _watch(page, lambda: self.guard)
            self.opened = (context, page)
            self.contexts_made += 1
            self.listeners = _listeners(context, page)
        page = self.opened[1]
        # A test may have set the page's own timeouts.
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page.set_default_navigation_timeout(2 * DEFAULT_TIMEOUT_MS)
        return page

    def _reusable(self, context: BrowserContext, page: Page) -> bool:
        if page.is_closed() or context.pages != [page]:
            return False
        if _listeners(context, page) != self.listeners:
            return False
        if urlsplit(page.url)[:2] != urlsplit(self.live_server)[:2]:
            return False
        return page.evaluate(LEFT_IN_STORAGE) == 0

    def reset(self) -> None:
        """Make the page as good as new for the next test, or close the context."""
        if self.opened is None:
            return
        context, page = self.opened
        try:
            if self._reusable(context, page):
                # The last page's scripts, timers and requests stop; the renderer stays.
                page.goto(BETWEEN_TESTS_PATH)
                # The HTTP cache: the next test's rows reuse this test's ids and URLs, and
                # feeds, map data and the API are cacheable (max-age) in a real browser.
                cdp = context.new_cdp_session(page)
                cdp.send("Network.clearBrowserCache")
                cdp.detach()
                context.clear_cookies()
                context.clear_permissions()
                context.set_geolocation(None)
                context.set_offline(False)
                context.set_extra_http_headers({})
                page.set_extra_http_headers({})
                page.unroute_all()
                context.unroute_all()
                page.emulate_media(
                    media="null",
                    color_scheme="light",
                    reduced_motion="no-preference",
                    forced_colors="none",
                    contrast="no-preference",
                )
                if page.viewport_size != DESKTOP:
                    page.set_viewport_size(DESKTOP)
                return
        except PlaywrightError:  # crashed, or closed halfway
            pass
        self.close()

    def close(self) -> None:
        if self.opened is not None:
            self.opened[0].close()
        self.opened = None


def _listeners(context: BrowserContext, page: Page) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return _listener_counts(page, PAGE_EVENTS), _listener_counts(context, CONTEXT_EVENTS)


@pytest.fixture(scope="session")
def shared_page(browser: Browser, live_server: str) -> Iterator[SharedPage]:
    shared = SharedPage(browser, live_server)
    yield shared
    shared.close()


@pytest.fixture
def page(
    shared_page: SharedPage, browser_guard: BrowserGuard, csrf_enabled: None
) -> Iterator[Page]:
    """A 1280x900 page whose relative `goto("/fi/")` goes to the live server.

    The worker's one page, reset after each test (`SharedPage`); `new_page()` makes others.
    """
    yield shared_page.open(browser_guard)
    shared_page.reset()
    shared_page.guard = None
    # Anything that happened after the test body (late requests, errors while leaving).
    browser_guard.check()


@pytest.fixture
def browser_login_as(app: Flask, live_server: str) -> Callable[..., User]:
    """`browser_login_as(page, role="resident", **user_fields)`: sign the page's context in."""
    from tests.factories import create_user

    def login(page: Page, role: Role | str = Role.RESIDENT, **kwargs: Any) -> User:
        with app.app_context():
            user = create_user(role=Role(role), **kwargs)
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        assert serializer is not None, "the app has no SECRET_KEY"
        cookie = serializer.dumps({"_user_id": str(user.id), "_fresh": True})
        page.context.add_cookies(
            [
                {
                    "name": app.config["SESSION_COOKIE_NAME"],
                    "value": cookie,
                    "url": live_server,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return user

    return login
