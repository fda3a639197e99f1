"""Browser-test fixtures: the app on a live server, one Chromium per session, a page per test.

- `live_server`: the base URL (`http://127.0.0.1:<port>`) of the session `app`, served by
  werkzeug in a thread. The test database is shared with it: data made with the factories
  (inside `with app.app_context():`) is visible to the server once committed.
- `browser`: Debian's Chromium (/usr/bin/chromium) driven by Playwright's sync API. Missing
  Chromium is a failure, not a skip: CI must run these tests.
- `new_page(**context_options)`: a page in a fresh browser context (own cookies), as many as a
  test needs; `page` is the first one, 1280x900. Each context aborts every request that would
  leave 127.0.0.1 and records it; the test fails if a blocked request was for anything but an
  image, if the console reports a Content-Security-Policy violation, if a script throws, or
  if the server answers 5xx. `browser_guard` holds what was recorded.
- `browser_login_as(page, role, **user_fields)`: creates a verified user and signs that page's
  context in (a session cookie, no form round trip). Sign in through the form with the
  page objects in tests/browser/pages.py when the form itself is under test.

CSRF protection is on for browser tests: a real browser carries the token like a person does.
Every test here must be marked `@pytest.mark.browser`; `pytest -m browser` runs only them.
"""

from __future__ import annotations

import re
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
    Route,
    sync_playwright,
)
from werkzeug.serving import make_server

from participate.accounts.models import Role, User
from participate.extensions import db

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = Path("/usr/bin/chromium")
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
NOT_LOOPBACK = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))")
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


def _buffered(app: WSGIApplication) -> WSGIApplication:
    """Read each response whole and close it before werkzeug starts sending; note 5xx answers.

    When the browser drops a connection (a context closed while the favicon loads), werkzeug's
    server skips closing the response, and the unclosed static file becomes a ResourceWarning,
    which `filterwarnings = error` turns into a random test's error. Test pages are small.
    Watching statuses here rather than in the browser also catches failed fetch() calls.
    """

    def buffered_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
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
            f"Chromium is missing at {CHROMIUM}: the browser tests cannot run. Install it with "
            "`apt-get install -y --no-install-recommends chromium` (CI's .ci/run does).",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_guard(request: pytest.FixtureRequest) -> BrowserGuard:
    _server_errors.clear()
    guard = BrowserGuard(server_errors=_server_errors)
    request.node.stash[GUARD_KEY] = guard
    return guard


@pytest.fixture
def new_page(
    browser: Browser, live_server: str, browser_guard: BrowserGuard, csrf_enabled: None
) -> Iterator[Callable[..., Page]]:
    """`new_page(viewport={...}, **context_options)`: a page in a new context, closed after."""
    contexts: list[BrowserContext] = []

    def route(route: Route) -> None:
        request = route.request
        url = urlsplit(request.url)
        if url.hostname in LOOPBACK_HOSTS or url.scheme in {"data", "blob"}:
            route.continue_()
        else:
            browser_guard.blocked.append((request.resource_type, request.url))
            route.abort("blockedbyclient")

    def make(**options: Any) -> Page:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", NEUTRAL_LOCALE)
        options.setdefault("base_url", live_server)
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(2 * DEFAULT_TIMEOUT_MS)
        # Only requests for other hosts come to Python: the driver matches the pattern itself.
        context.route(NOT_LOOPBACK, route)
        page = context.new_page()
        page.on("console", lambda message: browser_guard.console.append(message))
        page.on("pageerror", lambda error: browser_guard.page_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    # Anything that happened after the test body (late requests, errors while closing).
    browser_guard.check()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A 1280x900 page whose relative `goto("/fi/")` goes to the live server."""
    return new_page()


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
