"""Static files in production: hashed names, precompressed, immutable, served by WhiteNoise."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from participate import create_app
from participate.config import ROOT
from participate.extensions import db, limiter
from participate.web.assets import build


@pytest.fixture
def built_app(settings, tmp_path):
    target = tmp_path / "static-build"
    build(ROOT / "static", target)
    saved = dict(limiter.__dict__)
    app = create_app(replace(settings, static_root=str(target)))
    yield app, target
    with app.app_context():
        db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


def test_build_hashes_and_compresses(tmp_path):
    manifest = build(ROOT / "static", tmp_path / "out")
    hashed = manifest["css/site.css"]
    assert hashed.startswith("css/site.")
    assert hashed.endswith(".css")
    assert hashed != "css/site.css"
    for suffix in ("", ".gz", ".br"):
        assert (tmp_path / "out" / f"{hashed}{suffix}").is_file()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == manifest


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
    assert "max-age=315360000" in response.headers["Cache-Control"]
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
