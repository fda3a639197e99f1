"""For search engines and security researchers: /robots.txt, /sitemap.xml and
/.well-known/security.txt. Every URL in them is absolute under BASE_URL (external_url).

- robots.txt (RFC 9309) keeps crawlers out of the pages that need a session (account,
  moderation, admin, sign-up links) and points to the sitemap.
- sitemap.xml (sitemaps.org 0.9) lists the public pages, public initiatives, published
  activities and the major districts' councillor pages, each in fi, sv and en, with
  `xhtml:link rel="alternate" hreflang` for the three languages and x-default (Finnish).
- security.txt (RFC 9116) says whom to tell about a vulnerability (SECURITY_CONTACT).
"""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app

from participate.activities.queries import list_public_ids_for_sitemap
from participate.caching import conditional
from participate.db import utcnow
from participate.districts.queries import list_districts
from participate.i18n.locale import DEFAULT_LANG, LANGS
from participate.initiatives.queries import Filters, list_all_public
from participate.urls import external_url

bp = Blueprint("discovery", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
STATIC_PAGES = (
    "web.index",
    "initiatives.index",
    "activities.index",
    "councillors.index",
    "web.open_data",
    "web.accessibility",
    "web.privacy",
)
PRIVATE_PREFIXES = ("account", "moderation", "admin", "signups", "report")
SECURITY_TXT_DAYS = 180  # RFC 9116 §2.5.5: Expires less than a year ahead


@bp.route("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *"]
    for lang in LANGS:
        lines += [f"Disallow: /{lang}/{prefix}/" for prefix in PRIVATE_PREFIXES]
    lines += ["Allow: /", "", f"Sitemap: {external_url('discovery.sitemap')}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    return conditional(response, max_age=86_400)


def _add_url(
    urlset: ET.Element, endpoint: str, lastmod: str | None = None, **values: object
) -> None:
    """One <url> per language, each listing all three languages and x-default."""
    hrefs = {lang: external_url(endpoint, lang_code=lang, **values) for lang in LANGS}
    for lang in LANGS:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = hrefs[lang]
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
        for other, href in [*hrefs.items(), ("x-default", hrefs[DEFAULT_LANG])]:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=other, href=href)


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for endpoint in STATIC_PAGES:
        _add_url(urlset, endpoint)
    for initiative in list_all_public(Filters()):
        lastmod = initiative.status_changed_at.date().isoformat()
        _add_url(urlset, "initiatives.detail", lastmod, initiative_id=initiative.id)
    for activity_id, updated_at in list_public_ids_for_sitemap():
        lastmod = updated_at.date().isoformat() if updated_at else None
        _add_url(urlset, "activities.detail", lastmod, activity_id=activity_id)
    for district in list_districts():
        _add_url(urlset, "councillors.district", slug=district.slug)
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(urlset, encoding="utf-8")
    return conditional(Response(body, mimetype="application/xml"), max_age=3600)


@bp.route("/.well-known/security.txt")
def security_txt() -> Response:
    settings = current_app.config["SETTINGS"]
    expires = (utcnow() + timedelta(days=SECURITY_TXT_DAYS)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.security_contact}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: fi, sv, en",
        f"Canonical: {external_url('discovery.security_txt')}",
    ]
    body = "\n".join(lines) + "\n"
    return Response(body, mimetype="text/plain")
