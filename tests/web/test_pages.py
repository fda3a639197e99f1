"""The shell: language prefix, redirects, static pages, errors, headers, health."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participate.extensions import db
from tests import pages

LANGS = ("fi", "sv", "en")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sv-FI,sv;q=0.9,en;q=0.5", "/sv/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("fi-FI", "/fi/"),
        ("de-DE,de;q=0.9", "/fi/"),
        ("", "/fi/"),
    ],
)
def test_root_redirects_by_accept_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_root_prefers_the_language_last_chosen(client):
    client.get("/en/")
    response = client.get("/", headers={"Accept-Language": "sv-FI"})
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["", "accessibility", "privacy"])
def test_static_pages_in_every_language(client, lang, path):
    soup = pages.get(client, f"/{lang}/{path}")
    alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"]')}
    assert set(alternates) == {*LANGS, "x-default"}
    assert alternates["x-default"] == alternates["fi"]
    assert alternates["sv"].endswith(f"/sv/{path}")
    switcher = soup.select(".lang-switch a")
    assert [a["lang"] for a in switcher] == list(LANGS)
    assert soup.select_one(".lang-switch a[aria-current]")["lang"] == lang
    assert soup.select_one("a.skip-link")["href"] == "#main"
    assert soup.find("main", id="main")


def test_front_page_is_translated(client):
    fi = pages.text(pages.get(client, "/fi/"))
    sv = pages.text(pages.get(client, "/sv/"))
    en = pages.text(pages.get(client, "/en/"))
    assert "Vaikuta Espoossa" in fi
    assert "Påverka i Esbo" in sv
    assert "Have your say in Espoo" in en


def test_language_switcher_keeps_page_and_arguments(client):
    soup = pages.get(client, "/fi/account/login?next=/fi/privacy")
    hrefs = {a["lang"]: a["href"] for a in soup.select(".lang-switch a")}
    assert hrefs["sv"] == "/sv/account/login?next=/fi/privacy"
    assert hrefs["en"] == "/en/account/login?next=/fi/privacy"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_404_in_the_language_of_the_url(client, lang, heading):
    soup = pages.get(client, f"/{lang}/no-such-page", status=404)
    assert soup.h1.get_text(strip=True) == heading


def test_security_headers(client):
    response = client.get("/fi/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp.split("img-src")[0], "no third-party origin for scripts or styles"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_language_cookie_is_remembered(client):
    response = client.get("/sv/privacy")
    cookie = response.headers.get("Set-Cookie", "")
    assert "lang=sv" in cookie
    assert "HttpOnly" in cookie


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_favicon_and_static_assets_are_served_locally(client):
    assert client.get("/favicon.ico").status_code == 301
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "--brand" in response.get_data(as_text=True)
    response.close()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("fi", "Meillä tapahtui virhe"),
        ("sv", "Något gick fel hos oss"),
        ("en", "Something went wrong on our side"),
    ],
)
def test_500_page_rolls_back_and_speaks_the_language(app, client, monkeypatch, lang, heading):
    def broken() -> str:
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "web.privacy", broken)
    monkeypatch.setitem(app.config, "RENDER_500_IN_TESTS", True)
    soup = pages.get(client, f"/{lang}/privacy", status=500)
    assert soup.h1.get_text(strip=True) == heading


def test_400_page_for_a_form_without_its_csrf_token(client, csrf_enabled):
    response = client.post("/sv/account/login", data={"email": "a@example.fi", "password": "x"})
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "sv")
    assert "fel" in soup.h1.get_text().lower()
