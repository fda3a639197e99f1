"""JSON under /api/v1: districts (GeoJSON), councillors (public contact data), lookup.

Lists use the API's one envelope and errors its one shape (docs/api.md), with messages in
the Accept-Language language: 400 for malformed input, 404 for a place or postal code
outside the city. A district is the one district object of participate.api.shapes.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from participate.api import bp
from participate.api.errors import ApiError
from participate.api.paging import MAX_PER_PAGE, paged, parse_paging
from participate.api.shapes import district_object, localised
from participate.caching import REFERENCE_MAX_AGE, conditional
from participate.councillors import queries
from participate.councillors.models import Councillor, Party
from participate.councillors.queries import parse_point
from participate.districts.queries import district_at, lookup_postal_code
from participate.urls import external_url


def party_json(party: Party) -> dict[str, Any]:
    return {
        "code": party.code,
        "name": localised(party, "name"),
        "abbreviation": localised(party, "abbr"),
    }


def councillor_json(councillor: Councillor) -> dict[str, Any]:
    """Public data only: what the city publishes about a councillor (no timestamps)."""
    return {
        "id": councillor.id,
        "first_name": councillor.first_name,
        "last_name": councillor.last_name,
        "party": party_json(councillor.party),
        "district": district_object(councillor.district),
        "email": councillor.email,
        "phone": councillor.phone,
        "photo_url": councillor.photo_url,
        "languages": councillor.language_codes,
        "committees": localised(councillor, "committees"),
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
                **district_object(d),
                "label_lat": d.label_lat,
                "label_lon": d.label_lon,
                "councillors": external_url("api.councillors", district=d.slug),
            },
        }
        for d in queries.list_districts_with_geometry()
    ]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.mimetype = "application/geo+json"
    return conditional(response, max_age=REFERENCE_MAX_AGE)


@bp.route("/councillors")
def councillors() -> Response:
    district_id = party_id = None
    errors: dict[str, str] = {}
    if slug := request.args.get("district", "").strip():
        found = queries.get_district_summary(slug)
        if found is None:
            errors["district"] = _("There is no major district %(slug)s.", slug=slug)
        else:
            district_id = found.id
    if code := request.args.get("party", "").strip():
        party = queries.get_party_by_code(code)
        if party is None:
            errors["party"] = _("There is no party with the code %(code)s.", code=code)
        else:
            party_id = party.id
    paging = parse_paging(request.args, default_per_page=MAX_PER_PAGE, errors=errors)
    # The whole council is 75 people: one query, paged here.
    rows = queries.list_councillors(district_id=district_id, party_id=party_id)
    start = (paging.page - 1) * paging.per_page
    items = [councillor_json(c) for c in rows[start : start + paging.per_page]]
    args = {key: value for key, value in request.args.items() if key in {"district", "party"}}
    return jsonify(paged("api.councillors", args, paging, items, len(rows)))


@bp.route("/districts/lookup")
def lookup() -> Response:
    args = request.args
    if "lat" in args or "lon" in args:
        point = parse_point(args.get("lat", ""), args.get("lon", ""))
        if point is None:
            message = _("Give lat and lon as decimal degrees, for example lat=60.18&lon=24.83.")
            raise ApiError(400, message, fields={"lat": message, "lon": message})
        found = district_at(*point)
        if found is None:
            raise ApiError(404, _("This place is outside the city."))
        return jsonify({"district": district_object(found), "alternatives": [], "source": "point"})
    if "postal_code" in args:
        try:
            result = lookup_postal_code(args["postal_code"])
        except ValueError:
            raise ApiError(
                400,
                fields={"postal_code": _("Enter a postal code of five digits, for example 02100.")},
            ) from None
        if result is None:
            code = args["postal_code"].strip()
            raise ApiError(404, _("%(code)s is not a postal code of this city.", code=code))
        postal = result.postal_code
        return jsonify(
            {
                "district": district_object(result.district),
                "alternatives": [district_object(d) for d in result.alternatives],
                "postal_code": {
                    "code": postal.code,
                    "name": localised(postal, "name"),
                    "is_split": postal.is_split,
                },
                "source": "postal_code",
            }
        )
    raise ApiError(400, _("Give either lat and lon, or postal_code."))
