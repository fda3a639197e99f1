"""robots.txt, sitemap.xml, security.txt and the meta tags search engines and link
previews read (description, canonical, hreflang with x-default, Open Graph, Twitter)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests import factories, pages

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_robots_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /fi/account/" in text
    assert "Disallow: /sv/moderation/" in text
    assert "Disallow: /en/admin/" in text
    assert "Sitemap: http://participate.test/sitemap.xml" in text


def test_sitemap_lists_public_pages_in_three_languages_with_alternates(app, client):
    with app.app_context():
        public = factories.create_initiative()
        draft = factories.create_initiative(status="draft")
        activity = factories.create_activity()
        hidden = factories.create_activity(status="hidden")
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 (our own response)
    locs = [url.find(f"{SM}loc").text for url in root.findall(f"{SM}url")]
    base = "http://participate.test"
    for lang in ("fi", "sv", "en"):
        assert f"{base}/{lang}/initiatives/{public.id}" in locs
        assert f"{base}/{lang}/activities/{activity.id}" in locs
        assert f"{base}/{lang}/councillors/suur-tapiola" in locs
        assert f"{base}/{lang}/open-data" in locs
    assert not any(f"/initiatives/{draft.id}" in loc for loc in locs)
    assert not any(f"/activities/{hidden.id}" in loc for loc in locs)
    first = root.find(f"{SM}url")
    alternates = {link.get("hreflang"): link.get("href") for link in first.iter(f"{XHTML}link")}
    assert set(alternates) == {"fi", "sv", "en", "x-default"}
    assert alternates["x-default"] == alternates["fi"]


def test_security_txt_follows_rfc_9116(client):
    response = client.get("/.well-known/security.txt")
    assert response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"].startswith(("mailto:", "https:"))
    assert fields["Expires"].endswith("Z")
    assert fields["Canonical"] == "http://participate.test/.well-known/security.txt"


def _meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_page_has_description_canonical_and_x_default(client, lang):
    soup = pages.get(client, f"/{lang}/open-data")
    assert len(_meta(soup, "description")) > 30
    assert soup.find("link", rel="canonical")["href"] == f"http://participate.test/{lang}/open-data"
    x_default = soup.find("link", attrs={"hreflang": "x-default"})
    assert x_default["href"] == "http://participate.test/fi/open-data"
    assert _meta(soup, "og:locale") == {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}[lang]


def test_initiative_and_activity_pages_have_link_previews(app, client):
    with app.app_context():
        initiative = factories.create_initiative(title="Lisää penkkejä Tapiolaan")
        activity = factories.create_activity()
    soup = pages.get(client, f"/fi/initiatives/{initiative.id}")
    assert _meta(soup, "og:title").startswith("Lisää penkkejä Tapiolaan")
    assert _meta(soup, "og:type") == "article"
    assert _meta(soup, "og:url") == f"http://participate.test/fi/initiatives/{initiative.id}"
    assert _meta(soup, "og:description") == _meta(soup, "description")
    assert _meta(soup, "twitter:card") == "summary"
    soup = pages.get(client, f"/sv/activities/{activity.id}")
    assert _meta(soup, "og:title").startswith("Städtalko i Hagalund")
    assert "Städtalko" in _meta(soup, "description")
