"""Fetch a page and check what every page must have, then hand back its soup."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from participate.accounts.models import Role, User
from participate.extensions import db

LANGS = ("fi", "sv", "en")
ROUTES = Path(__file__).resolve().parent / "routes.txt"
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def check_page(html: str, lang: str | None = None, *, csrf: bool = True) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("html")
    assert root is not None, "not an HTML document"
    if lang:
        assert root.get("lang") == lang, f"<html lang> is {root.get('lang')!r}, not {lang!r}"
    title = soup.title.get_text(strip=True) if soup.title else ""
    assert title, "no <title>"
    assert len(soup.find_all("h1")) == 1, "a page has exactly one <h1>"
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    labelled = {label.get("for") for label in soup.find_all("label")}
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit", "button"}:
            continue
        assert (
            field.get("id") in labelled or field.get("aria-label") or field.get("aria-labelledby")
        ), f"field without a label: {field}"
    for form in soup.find_all("form", method=lambda m: m and m.lower() == "post"):
        if not csrf:
            break
        assert form.find("input", attrs={"name": "csrf_token"}), f"POST form without CSRF: {form}"
    return soup


def get(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    lang = url.strip("/").split("/")[0] if url.strip("/")[:2] in LANGS else None
    nonce_policy = response.headers.get("Content-Security-Policy", "")
    csrf = client.application.config.get("WTF_CSRF_ENABLED", True)
    soup = check_page(response.get_data(as_text=True), lang, csrf=csrf)
    for script in soup.find_all("script"):
        if not script.get("src"):
            nonce = script.get("nonce")
            assert nonce, "inline script without a nonce"
            assert f"'nonce-{nonce}'" in nonce_policy, "inline script with a stale nonce"
    return soup


def text(soup: BeautifulSoup) -> str:
    """Visible text with whitespace (and Babel's no-break spaces) normalised."""
    return " ".join(soup.get_text(" ").replace("\u00a0", " ").replace("\u202f", " ").split())


# Every page state, for the crawls (pseudo-locale, HTML validity) ------------------------


def ids(app: Flask) -> dict[str, str]:
    """A real value for each URL parameter of tests/routes.txt, from the demo content."""
    from participate.activities.models import Activity
    from participate.councillors.models import Councillor
    from participate.districts.models import District
    from participate.initiatives.models import Initiative, Theme
    from participate.moderation.models import StandardReason

    def first(model: Any) -> str:
        return str(db.session.scalar(sa.select(model.id).order_by(model.id).limit(1)))

    with app.app_context():
        return {
            "activity_id": first(Activity),
            "councillor_id": first(Councillor),
            "district_id": first(District),
            "theme_id": first(Theme),
            "initiative_id": first(Initiative),
            "reason_id": first(StandardReason),
            "user_id": first(User),
            "item_id": first(Initiative),
            "kind": "initiative",
            "slug": str(db.session.scalar(sa.select(District.slug).limit(1))),
            "token": "not-a-valid-token",
        }


def page_urls(app: Flask, lang: str) -> list[tuple[str, str]]:
    """(method, URL) of every page of tests/routes.txt in `/<lang>/`, parameters filled from
    the demo content, plus the states a parameter or a missing page brings."""
    values = ids(app)
    urls = []
    for line in ROUTES.read_text().splitlines():
        rule, methods, _endpoint = line.split()
        if not rule.startswith("/<any(fi,sv,en):lang_code>"):
            continue
        path = rule.replace("<any(fi,sv,en):lang_code>", lang)
        path = PARAM.sub(lambda m: values[m.group(2)], path)
        for method in methods.split(","):
            urls.append((method, path))
    activity = values["activity_id"]
    urls += [
        ("GET", f"/{lang}/councillors/?postal_code=abc"),
        ("GET", f"/{lang}/councillors/?postal_code=00100"),
        ("GET", f"/{lang}/councillors/?postal_code=02100"),
        ("GET", f"/{lang}/initiatives/?q=zzzzzz"),
        ("GET", f"/{lang}/initiatives/?page=999"),
        ("GET", f"/{lang}/activities/?from=not-a-date"),
        ("GET", f"/{lang}/no-such-page"),
        ("GET", f"/{lang}/moderation/?kind=activity"),
        ("GET", f"/{lang}/moderation/activity/{activity}"),
        ("GET", f"/{lang}/moderation/activity/{activity}/edit"),
    ]
    return urls


def sign_in(client: FlaskClient, app: Flask, role: Role) -> None:
    """Sign the client in as the first account with `role` (no form, no password)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == role).limit(1))
        assert user is not None
        user_id = user.id
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
