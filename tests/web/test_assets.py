"""Static files in production: hashed names, precompressed, immutable, served by WhiteNoise;
pages compressed (not those with a CSRF token); every script deferred."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import replace
from urllib.parse import urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

from participate import create_app
from participate.caching import cached_body, conditional
from participate.config import ROOT
from participate.extensions import db, limiter
from participate.web.assets import build, rewrite_css_urls
from tests import factories

ONE_YEAR = "max-age=31536000"
# Text formats worth compressing; WhiteNoise leaves out only files compression does not shrink.
COMPRESSIBLE = (".css", ".js", ".svg", ".map")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build for the module: brotli at its highest level takes seconds."""
    target = tmp_path_factory.mktemp("static") / "static-build"
    return target, build(ROOT / "static", target)


@pytest.fixture
def built_app(settings, built):
    target, _ = built
    saved = dict(limiter.__dict__)
    app = create_app(replace(settings, static_root=str(target)))
    yield app, target
    with app.app_context():
        db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def test_build_hashes_and_compresses(built):
    out, manifest = built
    hashed = manifest["css/site.css"]
    assert hashed.startswith("css/site.")
    assert hashed.endswith(".css")
    assert hashed != "css/site.css"
    for suffix in ("", ".gz", ".br"):
        assert (out / f"{hashed}{suffix}").is_file()
    assert json.loads((out / "manifest.json").read_text()) == manifest


def test_build_takes_leaflet_from_its_package_with_hashed_images(built):
    out, manifest = built
    assert not (ROOT / "static" / "vendor").exists(), "no third-party file in the repository"
    leaflet = [name for name in manifest if name.startswith("vendor/leaflet/")]
    assert sorted(leaflet) == [
        "vendor/leaflet/images/layers-2x.png",
        "vendor/leaflet/images/layers.png",
        "vendor/leaflet/images/marker-icon-2x.png",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/leaflet/images/marker-shadow.png",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.js.map",
    ]
    for suffix in ("", ".gz", ".br"):
        assert (out / f"{manifest['vendor/leaflet/leaflet.js']}{suffix}").is_file()
    css = (out / manifest["vendor/leaflet/leaflet.css"]).read_text()
    hashed_layers = manifest["vendor/leaflet/images/layers.png"].removeprefix("vendor/leaflet/")
    assert f"url({hashed_layers})" in css
    assert "url(images/layers.png)" not in css
    # Leaflet derives its default marker images' folder from this one (vendor.py).
    assert "url(images/marker-icon.png)" in css
    assert "url(#default#VML)" in css


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        ("a{background:url(img/x.png)}", "a{background:url(img/x.0123456789ab.png)}"),
        ("a{background:url('img/x.png')}", "a{background:url('img/x.0123456789ab.png')}"),
        ('a{background:url( "../css/img/x.png" )}', 'a{background:url("img/x.0123456789ab.png")}'),
        ("a{background:url(img/x.png?v=2#a)}", "a{background:url(img/x.0123456789ab.png?v=2#a)}"),
        ("a{background:url(img/missing.png)}", "a{background:url(img/missing.png)}"),
        ("a{background:url(/css/img/x.png)}", "a{background:url(/css/img/x.png)}"),
        (
            "a{background:url(https://x.example/x.png)}",
            "a{background:url(https://x.example/x.png)}",
        ),
        (
            "a{background:url(data:image/png;base64,AAAA)}",
            "a{background:url(data:image/png;base64,AAAA)}",
        ),
        ("a{behavior:url(#default#VML)}", "a{behavior:url(#default#VML)}"),
    ],
)
def test_rewrite_css_urls(css, expected):
    manifest = {
        "css/img/x.png": "css/img/x.0123456789ab.png",
        "css/y.png": "css/y.abcdef012345.png",
    }
    assert rewrite_css_urls(css, "css/site.css", manifest, keep={"css/y.png"}) == expected
    kept = "a{background:url(y.png)}"
    assert rewrite_css_urls(kept, "css/site.css", manifest, keep={"css/y.png"}) == kept


def main_pages(app) -> list[str]:
    """The pages a resident opens first, with a map wherever the page can have one."""
    with app.app_context():
        factories.create_councillor()
        activity = factories.create_activity()
        initiative = factories.create_initiative(lat=60.1756, lon=24.8053)
    return [
        "/fi/",
        "/fi/initiatives/",
        "/fi/initiatives/map",
        f"/fi/initiatives/{initiative.id}",
        "/fi/councillors/",
        "/fi/activities/",
        f"/fi/activities/{activity.id}",
        "/en/open-data",
    ]


def page_assets(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = [tag["src"] for tag in soup.find_all("script", src=True)]
    urls += [tag["href"] for tag in soup.find_all("link", href=True)]
    return [urlsplit(url).path for url in urls if not urlsplit(url).netloc]


def test_every_static_url_of_the_main_pages_is_compressed_and_immutable(built_app):
    app, _ = built_app
    client = app.test_client()
    seen = set()
    for page in main_pages(app):
        response = client.get(page)
        assert response.status_code == 200, page
        seen.update(url for url in page_assets(response.get_data(as_text=True)))
    static = sorted(url for url in seen if url.startswith("/static/"))
    assert any(url.startswith("/static/vendor/leaflet/leaflet.") for url in static), static
    assert any(url.startswith("/static/js/councillors.") for url in static), static
    for url in static:
        for accepted in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": f"{accepted}, identity"})
            assert response.status_code == 200, url
            assert ONE_YEAR in response.headers["Cache-Control"], url
            assert "immutable" in response.headers["Cache-Control"], url
            if url.endswith(COMPRESSIBLE):
                assert response.headers.get("Content-Encoding") == accepted, url
                assert "Accept-Encoding" in response.headers["Vary"], url
            response.close()


def test_pages_link_hashed_files_served_compressed_and_immutable(built_app):
    app, target = built_app
    client = app.test_client()
    manifest = json.loads((target / "manifest.json").read_text())
    page = client.get("/fi/").get_data(as_text=True)
    assert f"/static/{manifest['css/site.css']}" in page
    response = client.get(
        f"/static/{manifest['css/site.css']}", headers={"Accept-Encoding": "br, gzip"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert ONE_YEAR in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    plain = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Content-Encoding"] == "gzip"
    assert "immutable" not in plain.headers["Cache-Control"]
    plain.close()


def test_without_a_build_flask_serves_static(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    response.close()


def test_leaflet_is_served_from_its_package_without_a_build(client):
    response = client.get("/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200
    assert b"Leaflet" in response.get_data()
    response.close()
    # Only the files a page loads, not everything the package holds.
    assert client.get("/static/vendor/leaflet/leaflet-src.esm.js").status_code == 404
    assert client.get("/static/vendor/leaflet/../__init__.py").status_code == 404


def test_pages_are_compressed_when_the_client_accepts_it(client):
    plain = client.get("/fi/").get_data()
    for accepted, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client.get("/fi/", headers={"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == accepted
        assert "Accept-Encoding" in response.headers["Vary"]
        body = decompress(response.get_data())
        assert len(response.get_data()) < len(body) / 2
        # The same page but for the per-request CSP nonce.
        assert re.sub(rb'nonce="[^"]+"', b"", body) == re.sub(rb'nonce="[^"]+"', b"", plain)
    assert "Content-Encoding" not in client.get("/fi/").headers
    api = client.get("/api/v1/districts", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"


# (Accept-Encoding, what the answer is encoded with): q=0 means "not acceptable" (RFC 9110
# section 12.5.3), also when it is the only thing the client says.
NEGOTIATION = [
    ("", None),
    ("identity", None),
    ("gzip;q=0", None),
    ("br;q=0, gzip;q=0", None),
    ("*;q=0", None),
    ("identity;q=0.5, br;q=0, gzip;q=0", None),
    ("x-compress, deflate", None),
    ("gzip;q=0, br", "br"),
    ("br;q=0, gzip", "gzip"),
    ("br;q=0.5, gzip", "gzip"),
    ("gzip, deflate, br, zstd", "br"),
    ("*", "br"),
]


@pytest.mark.parametrize(("accepted", "encoding"), NEGOTIATION)
@pytest.mark.parametrize("url", ["/fi/", "/api/v1/districts"])
def test_an_answer_is_compressed_only_as_the_client_accepts(client, url, accepted, encoding):
    plain = client.get(url)
    response = client.get(url, headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    if encoding is None:
        body = response.get_data()
    else:
        body = {"br": brotli.decompress, "gzip": gzip.decompress}[encoding](response.get_data())
    assert re.sub(rb'nonce="[^"]+"', b"", body) == re.sub(rb'nonce="[^"]+"', b"", plain.get_data())


def test_a_cached_bodys_compressed_bytes_answer_only_for_that_body(settings):
    """The compressed forms of a `cached_body` are kept by its ETag; an answer that asked
    for a cached body but sends another one is compressed from what it sends."""
    feed_body, other_body = b"feed " * 200, b"other " * 200
    app = create_app(settings)  # its own: routes are added before its first request

    @app.route("/test-feed")
    def test_feed():
        cached = cached_body(("test-feed",), lambda: feed_body)
        return conditional(
            Response(cached.body, mimetype="text/plain"), max_age=60, etag=cached.etag
        )

    @app.route("/test-other")
    def test_other():
        cached_body(("test-feed",), lambda: feed_body)
        return Response(other_body, mimetype="text/plain")

    client = app.test_client()
    for url, body in (
        ("/test-feed", feed_body),
        ("/test-other", other_body),
        ("/test-feed", feed_body),
    ):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == body, url


@pytest.mark.parametrize(("accepted", "encoding"), NEGOTIATION)
def test_static_files_are_compressed_only_as_the_client_accepts(built_app, accepted, encoding):
    """WhiteNoise sends the smallest file the client accepts, so it may take br where the
    client prefers gzip; it never sends one the client refused."""
    app, target = built_app
    url = "/static/" + json.loads((target / "manifest.json").read_text())["css/site.css"]
    response = app.test_client().get(url, headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    sent = response.headers.get("Content-Encoding")
    if encoding is None:
        assert sent is None
    else:
        assert sent in {"br", "gzip"}
        assert parse_accept_header(accepted).quality(sent) > 0
    assert "Accept-Encoding" in response.headers["Vary"]
    response.close()


def test_pages_with_a_csrf_token_are_not_compressed(client, csrf_enabled, login_as):
    """BREACH: the CSRF token is the same in every page of a session (compression.py)."""
    headers = {"Accept-Encoding": "br, gzip"}
    form = client.get("/fi/account/login", headers=headers)
    assert 'name="csrf_token"' in form.get_data(as_text=True)
    assert "Content-Encoding" not in form.headers
    assert "Accept-Encoding" in form.headers["Vary"]
    login_as("resident")
    page = client.get("/fi/", headers=headers)
    assert 'name="csrf_token"' in page.get_data(as_text=True)  # the sign-out form
    assert "Content-Encoding" not in page.headers


def test_every_script_is_deferred(app, client):
    """Nothing blocks rendering: files load with `defer`; inline code is a module (deferred
    too, in document order, so Folium's map script runs after leaflet.js) or JSON data."""
    for page in main_pages(app):
        soup = BeautifulSoup(client.get(page).get_data(as_text=True), "html.parser")
        scripts = soup.find_all("script")
        for tag in scripts:
            if tag.get("src"):
                assert tag.has_attr("defer") or tag.get("type") == "module", (page, tag)
            else:
                assert tag.get("type") in ("module", "application/json", "application/ld+json"), (
                    page,
                    str(tag)[:80],
                )
        if page.endswith(("/councillors/", "/activities/")):
            order = [tag.get("src") or tag.get("type") for tag in scripts]
            leaflet = next(i for i, s in enumerate(order) if "leaflet" in (s or ""))
            assert leaflet < order.index("module"), order


def test_theme_urls_are_versioned_and_cached_for_good(client):
    page = client.get("/fi/").get_data(as_text=True)
    css = re.search(r'href="(/theme\.css\?v=[0-9a-f]{12})"', page)
    assert css, "pages link the versioned theme stylesheet"
    current = client.get(css.group(1))
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert current.mimetype == "text/css"
    stale = client.get("/theme.css?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=3600"
    for href in re.findall(r'href="(/theme/[^"?]+\?v=[0-9a-f]{12})"', page):
        response = client.get(href)
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"], href
        response.close()
