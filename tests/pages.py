"""Fetch a page and check what every page must have, then hand back its soup."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

LANGS = ("fi", "sv", "en")


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
