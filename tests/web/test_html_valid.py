"""Every page state is valid HTML: the Nu HTML Checker (the W3C validator) over all of them.

The demo content is loaded, then every page of tests/routes.txt and the error states of
forms and parameters (`tests.pages.page_urls`) are rendered in fi, sv and en, anonymously,
as a resident and as an administrator. The pages are written to files and checked in one
run of the checker (one JVM start), so the test takes seconds, not minutes.

The checker is `vnu.jar` from the npm package vnu-jar, where the project's HTML validation
script keeps it (`<temp dir>/vnu-npm`; installed with npm on first use) or where `VNU_JAR` points;
it needs Java. If either is missing the test fails and says what to install; it is skipped
only when `PARTICIPATE_SKIP_HTML_CHECK=1` is set (docs/testing.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from participate.accounts.models import Role
from participate.extensions import db
from tests.pages import LANGS, page_urls, sign_in

SKIP_VARIABLE = "PARTICIPATE_SKIP_HTML_CHECK"
NPM_DIR = Path(tempfile.gettempdir()) / "vnu-npm"
JAR = NPM_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ROLES = ("anonymous", "resident", "admin")
# A page with one known error goes into every run: if the checker does not report it, the
# run checked nothing (a wrong path, a checker that exits early), and the test says so.
CANARY = (
    '<!DOCTYPE html><html lang="en"><head><title>canary</title></head>'
    '<body><time datetime="2026-12-01T10:00:00.123456">now</time></body></html>'
)


def checker() -> list[str]:
    """The command that runs the checker; installs vnu-jar with npm if it is not there yet.

    Fails (never skips) with what to install when Java, npm or the jar cannot be had.
    """
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "the HTML check needs Java: apt-get install default-jre-headless "
            f"(or set {SKIP_VARIABLE}=1 to leave it out, see docs/testing.md)"
        )
    jar = Path(os.environ.get("VNU_JAR", JAR))
    if not jar.is_file():
        npm = shutil.which("npm")
        if npm is None or "VNU_JAR" in os.environ:
            pytest.fail(
                f"no Nu HTML Checker at {jar}: apt-get install npm (the test installs vnu-jar "
                f"itself), or point VNU_JAR at vnu.jar, or set {SKIP_VARIABLE}=1"
            )
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(  # noqa: S603 (a fixed command)
            [npm, "install", "--no-audit", "--no-fund", "vnu-jar"],
            cwd=NPM_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if not jar.is_file():
            pytest.fail(f"npm install vnu-jar failed:\n{result.stdout}\n{result.stderr}")
    # One short run: the client compiler alone (TieredStopAtLevel=1) halves the checker's CPU
    # (about 3.4 s instead of 7.8 s for 320 pages), but its frames are bigger, so the schema
    # evaluation's deep recursion needs more than the 512k stack vnu asks for.
    return [
        java,
        "-XX:TieredStopAtLevel=1",
        "-Xss4m",
        "-jar",
        str(jar),
        "--errors-only",
        "--format",
        "json",
    ]


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


def status_urls(app: Flask, lang: str) -> list[tuple[str, str]]:
    """The page of one initiative and one activity in each status the demo content has
    (answered, filed, hidden: 410 for others, draft: 404 for others …), beyond the crawl's
    first item of each kind."""
    from participate.activities.models import Activity
    from participate.initiatives.models import Initiative

    urls = []
    with app.app_context():
        for model, path in ((Initiative, "initiatives"), (Activity, "activities")):
            rows = db.session.execute(
                sa.select(model.status, sa.func.min(model.id)).group_by(model.status)
            )
            urls += [("GET", f"/{lang}/{path}/{item_id}") for _status, item_id in rows]
    return urls


def render_all(app: Flask, folder: Path) -> dict[str, str]:
    """Write every page state to `folder`; return {file name: "METHOD URL (status) as role"}."""
    pages: dict[str, str] = {}
    for lang in LANGS:
        urls = page_urls(app, lang) + status_urls(app, lang)
        for who in ROLES:
            client = app.test_client()
            if who != "anonymous":
                sign_in(client, app, Role(who))
            for method, url in urls:
                if method == "POST" and url.endswith(("/logout", "/delete")):
                    continue
                response = client.open(url, method=method, data={})
                if "text/html" not in response.content_type or response.status_code in {
                    301,
                    302,
                    303,
                }:
                    continue
                name = f"page{len(pages)}.html"
                (folder / name).write_bytes(response.get_data())
                pages[name] = f"{method} {url} ({response.status_code}) as {who}"
    return pages


@pytest.mark.skipif(
    os.environ.get(SKIP_VARIABLE) == "1", reason=f"{SKIP_VARIABLE}=1 (see docs/testing.md)"
)
def test_every_page_state_is_valid_html(demo_app: Flask, tmp_path: Path) -> None:
    command = checker()
    pages = render_all(demo_app, tmp_path)
    assert len(pages) > 300, f"only {len(pages)} pages rendered: the crawl is not reaching the site"
    (tmp_path / "canary.html").write_text(CANARY)
    result = subprocess.run(  # noqa: S603 (our own command and files)
        [*command, str(tmp_path / "canary.html"), *(str(tmp_path / name) for name in pages)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the checker did not answer in JSON:\n{result.stdout}\n{result.stderr}")
    # One line per kind of error, with how often and where it was first seen.
    kinds: dict[str, list[str]] = defaultdict(list)
    canary_seen = False
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        if message.get("url", "").endswith("/canary.html"):
            canary_seen = "fraction of a second" in message.get("message", "")
            continue
        page = pages.get(Path(message.get("url", "")).name, message.get("url", "?"))
        kinds[message.get("message", "?")].append(
            f"{page} line {message.get('lastLine')}: {message.get('extract', '').strip()!r}"
        )
    assert canary_seen, f"the checker missed the canary's error; it checked nothing:\n{messages}"
    assert not kinds, f"invalid HTML in {len(pages)} page states:\n" + "\n".join(
        f"{len(where)} times: {text}\n    first: {where[0]}" for text, where in kinds.items()
    )
