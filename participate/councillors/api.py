"""JSON under /api/v1: districts (GeoJSON), councillors (public contact data), lookup.

Errors are JSON with a message in the language of the request (cookie, Accept-Language):
400 for malformed input, 404 for a place or postal code outside the city.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from participate.api import bp
from participate.councillors import queries
from participate.councillors.models import Councillor, Party
from participate.councillors.queries import parse_point
from participate.districts.models import District
from participate.districts.queries import district_at, lookup_postal_code
from participate.i18n.locale import LANGS


def _error(status: int, message: str, field: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {
        "error": {400: "Bad Request", 404: "Not Found"}.get(status, "Error"),
        "status": status,
        "message": message,
    }
    if field:
        body["field"] = field
    return jsonify(body), status


def district_json(district: District) -> dict[str, Any]:
    return {
        "slug": district.slug,
        "code": district.code,
        **{f"name_{lang}": district.name(lang) for lang in LANGS},
    }


def party_json(party: Party) -> dict[str, Any]:
    return {
        "code": party.code,
        **{f"name_{lang}": party.name(lang) for lang in LANGS},
        "abbr_fi": party.abbr_fi,
        "abbr_sv": party.abbr_sv,
    }


def councillor_json(councillor: Councillor) -> dict[str, Any]:
    """Public data only: what the city publishes about a councillor (no timestamps)."""
    return {
        "id": councillor.id,
        "first_name": councillor.first_name,
        "last_name": councillor.last_name,
        "party": party_json(councillor.party),
        "district": councillor.district.slug,
        "email": councillor.email,
        "phone": councillor.phone,
        "photo_url": councillor.photo_url,
        "languages": councillor.language_codes,
        "committees": {lang: getattr(councillor, f"committees_{lang}") for lang in LANGS},
        "term": councillor.term,
        "role": councillor.role.value,
    }


@bp.route("/districts")
def districts() -> Response:
    features = [
        {
            "type": "Feature",
            "id": d.slug,
            "geometry": json.loads(d.geometry),
            "properties": {
                **district_json(d),
                "label_lat": d.label_lat,
                "label_lon": d.label_lon,
                "councillors": url_for("api.councillors", district=d.slug, _external=True),
            },
        }
        for d in queries.list_districts_with_geometry()
    ]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.mimetype = "application/geo+json"
    return response


@bp.route("/councillors")
def councillors() -> Response | tuple[Response, int]:
    district_id = party_id = None
    if slug := request.args.get("district", "").strip():
        found = queries.get_district_summary(slug)
        if found is None:
            return _error(400, _("There is no major district %(slug)s.", slug=slug), "district")
        district_id = found.id
    if code := request.args.get("party", "").strip():
        party = queries.get_party_by_code(code)
        if party is None:
            return _error(400, _("There is no party with the code %(code)s.", code=code), "party")
        party_id = party.id
    rows = queries.list_councillors(district_id=district_id, party_id=party_id)
    return jsonify({"count": len(rows), "councillors": [councillor_json(c) for c in rows]})


@bp.route("/districts/lookup")
def lookup() -> Response | tuple[Response, int]:
    args = request.args
    if "lat" in args or "lon" in args:
        point = parse_point(args.get("lat", ""), args.get("lon", ""))
        if point is None:
            return _error(
                400, _("Give lat and lon as decimal degrees, for example lat=60.18&lon=24.83.")
            )
        found = district_at(*point)
        if found is None:
            return _error(404, _("This place is outside Espoo."))
        return jsonify({"district": district_json(found), "alternatives": [], "source": "point"})
    if "postal_code" in args:
        try:
            result = lookup_postal_code(args["postal_code"])
        except ValueError:
            return _error(
                400,
                _("Enter a postal code of five digits, for example 02100."),
                "postal_code",
            )
        if result is None:
            code = args["postal_code"].strip()
            return _error(404, _("%(code)s is not an Espoo postal code.", code=code))
        postal = result.postal_code
        return jsonify(
            {
                "district": district_json(result.district),
                "alternatives": [district_json(d) for d in result.alternatives],
                "postal_code": {
                    "code": postal.code,
                    "name_fi": postal.name_fi,
                    "name_sv": postal.name_sv,
                    "is_split": postal.is_split,
                },
                "source": "postal_code",
            }
        )
    return _error(400, _("Give either lat and lon, or postal_code."))
