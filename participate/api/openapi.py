"""The OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json.

Kept by hand beside the code, and held to it by tests (tests/api/test_openapi.py): the
document is valid under openapi-spec-validator, every /api/v1 route of the URL map is
described and nothing else is, the enums equal the code's, every response of the test data
validates against its schema, and a bounded Schemathesis run finds no 5xx and no response
that breaks the schema. When you change an endpoint, change this description in the same
commit (docs/api.md).

The shapes follow docs/api.md: one error object, one list envelope, one district object,
{fi, sv, en} objects for localised text (JSON Schema 2020-12, as OpenAPI 3.1 uses).

Size: over 400 lines because it is one OpenAPI document written as data (schemas and paths);
split, the document could no longer be read top to bottom next to docs/api.md.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from participate.api import bp
from participate.api.paging import MAX_PAGE, MAX_PER_PAGE
from participate.caching import REFERENCE_MAX_AGE, conditional
from participate.theme import current_theme
from participate.urls import external_url

API_VERSION = "1.0.0"

# The values the code accepts and returns (a test compares them with the code's enums).
DISTRICT_SLUGS = [
    "suur-leppavaara",
    "suur-tapiola",
    "suur-matinkyla",
    "suur-espoonlahti",
    "suur-kauklahti",
    "vanha-espoo",
    "pohjois-espoo",
]
INITIATIVE_PUBLIC_STATUSES = ["published", "answered", "closed"]
INITIATIVE_SORTS = ["newest", "supported"]
SPOKEN_LANGUAGES = ["fi", "sv", "en", "fse", "ru", "et", "uk", "ar", "so", "fa"]
SIGNUP_WINDOWS = ["open", "not_yet_open", "closed", "started", "cancelled", "not_public"]
ORGANISER_KINDS = ["city", "residents"]
COUNCILLOR_ROLES = ["member", "deputy"]
ERROR_CODES = [
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "not_acceptable",
    "gone",
    "payload_too_large",
    "rate_limited",
    "server_error",
    "unavailable",
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A closed object: every property required, no others (so the code cannot drift)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
TIMESTAMP = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}
NULLABLE_TIMESTAMP = {**TIMESTAMP, "type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
LAT = {"type": "number", "minimum": -90, "maximum": 90}
LON = {"type": "number", "minimum": -180, "maximum": 180}

SCHEMAS: dict[str, Any] = {
    "LocalisedText": _object(
        {"fi": NULLABLE_STRING, "sv": NULLABLE_STRING, "en": NULLABLE_STRING},
        description="Text in the three languages; null where the city has not written it.",
    ),
    "District": _object(
        {
            "slug": {"type": "string", "enum": DISTRICT_SLUGS},
            "code": INTEGER,
            "name": _ref("LocalisedText"),
        },
        description="A major district (suuralue / storområde): the same object everywhere.",
    ),
    "Point": _object({"lat": LAT, "lon": LON}),
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string", "enum": ERROR_CODES},
                    "message": {
                        "type": "string",
                        "description": "For people, in the Accept-Language language.",
                    },
                    "fields": {
                        "type": "object",
                        "additionalProperties": STRING,
                        "description": "Query parameter → what is wrong with it.",
                    },
                }
            )
        }
    ),
    "Theme": _object({"slug": STRING, "name": _ref("LocalisedText")}),
    "Answer": _object(
        {
            "text": _ref("LocalisedText"),
            "decision_maker": _ref("LocalisedText"),
            "decided_on": {"type": "string", "format": "date"},
        }
    ),
    "Supports": _object(
        {
            "identified_residents": {"type": "integer", "minimum": 0},
            "other": {"type": "integer", "minimum": 0},
            "threshold": {"type": "integer", "minimum": 1},
        },
        description="Supports by kind. Only identified residents of the municipality of "
        "voting age count toward the threshold, 2 % of the residents entitled to vote "
        "(Local Government Act 410/2015, section 23); `other` are supports by e-mail-verified "
        "accounts and by identified people living elsewhere or under 18.",
    ),
    "Initiative": _object(
        {
            "id": INTEGER,
            "url": URL,
            "api_url": URL,
            "title": STRING,
            "body": STRING,
            "language": {"type": "string", "enum": ["fi", "sv", "en"]},
            "status": {"type": "string", "enum": INITIATIVE_PUBLIC_STATUSES},
            "theme": _ref("Theme"),
            "district": _nullable(_ref("District")),
            "point": _nullable(_ref("Point")),
            "sdg_goals": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": 17},
            },
            "author": STRING,
            "support_count": {"type": "integer", "minimum": 0},
            "supports": _ref("Supports"),
            "threshold_reached_at": NULLABLE_TIMESTAMP,
            "filed_at": NULLABLE_TIMESTAMP,
            "council_deadline": {
                "type": ["string", "null"],
                "format": "date",
                "description": "Filed and past the threshold: the council must take the "
                "initiative up by this date (filing + 6 months, Europe/Helsinki; Local "
                "Government Act 410/2015, section 23). null while no clock runs.",
            },
            "council_decision_at": {"type": ["string", "null"], "format": "date"},
            "submitted_at": NULLABLE_TIMESTAMP,
            "published_at": NULLABLE_TIMESTAMP,
            "status_changed_at": NULLABLE_TIMESTAMP,
            "answer": _nullable(_ref("Answer")),
        },
        description="A public initiative. Title and body are as the resident wrote them, in "
        "`language`; district null means the whole city.",
    ),
    "Activity": _object(
        {
            "id": INTEGER,
            "url": URL,
            "ics": URL,
            "title": _ref("LocalisedText"),
            "description": _ref("LocalisedText"),
            "accessibility": _ref("LocalisedText"),
            "organiser": _object(
                {
                    "kind": {"type": "string", "enum": ORGANISER_KINDS},
                    "name": STRING,
                    "contact": NULLABLE_STRING,
                }
            ),
            "district": _ref("District"),
            "place": _ref("LocalisedText"),
            "location": _nullable(_ref("Point")),
            "starts_at": TIMESTAMP,
            "ends_at": TIMESTAMP,
            "languages": {"type": "array", "items": STRING},
            "capacity": {"type": ["integer", "null"], "description": "null: no limit"},
            "places_left": {"type": ["integer", "null"], "description": "null: no limit"},
            "is_full": BOOLEAN,
            "waiting_list_groups": {"type": "integer", "minimum": 0},
            "signup": _object(
                {
                    "is_open": BOOLEAN,
                    "state": {"type": "string", "enum": SIGNUP_WINDOWS},
                    "opens_at": NULLABLE_TIMESTAMP,
                    "closes_at": NULLABLE_TIMESTAMP,
                    "max_group_size": {"type": "integer", "minimum": 1},
                }
            ),
            "is_cancelled": BOOLEAN,
            "cancellation_note": NULLABLE_STRING,
        }
    ),
    "Party": _object(
        {"code": STRING, "name": _ref("LocalisedText"), "abbreviation": _ref("LocalisedText")}
    ),
    "Councillor": _object(
        {
            "id": INTEGER,
            "first_name": STRING,
            "last_name": STRING,
            "party": _ref("Party"),
            "district": _ref("District"),
            "email": STRING,
            "phone": NULLABLE_STRING,
            "photo_url": NULLABLE_STRING,
            "languages": {"type": "array", "items": STRING},
            "committees": _ref("LocalisedText"),
            "term": STRING,
            "role": {"type": "string", "enum": COUNCILLOR_ROLES},
        },
        description="Public contact data the city publishes about a councillor.",
    ),
    "DistrictFeatureCollection": _object(
        {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": _object(
                    {
                        "type": {"const": "Feature"},
                        "id": {"type": "string", "enum": DISTRICT_SLUGS},
                        "geometry": {
                            "type": "object",
                            "required": ["type", "coordinates"],
                            "properties": {
                                "type": {"enum": ["Polygon", "MultiPolygon"]},
                                "coordinates": {"type": "array"},
                            },
                        },
                        "properties": _object(
                            {
                                "slug": {"type": "string", "enum": DISTRICT_SLUGS},
                                "code": INTEGER,
                                "name": _ref("LocalisedText"),
                                "label_lat": LAT,
                                "label_lon": LON,
                                "councillors": URL,
                            }
                        ),
                    }
                ),
            },
        },
        description="GeoJSON (RFC 7946), WGS 84 longitude/latitude.",
    ),
    "Lookup": {
        "oneOf": [
            _object(
                {
                    "district": _ref("District"),
                    "alternatives": {"type": "array", "maxItems": 0},
                    "source": {"const": "point"},
                }
            ),
            _object(
                {
                    "district": _ref("District"),
                    "alternatives": {"type": "array", "items": _ref("District")},
                    "postal_code": _object(
                        {
                            "code": {"type": "string", "pattern": "^[0-9]{5}$"},
                            "name": _ref("LocalisedText"),
                            "is_split": BOOLEAN,
                        }
                    ),
                    "source": {"const": "postal_code"},
                }
            ),
        ]
    },
}


def _list_of(name: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(name), "maxItems": MAX_PER_PAGE},
            "count": {"type": ["integer", "null"], "minimum": 0},
            "next": {**URL, "type": ["string", "null"]},
            "previous": {**URL, "type": ["string", "null"]},
        },
        description="The one list envelope (docs/api.md).",
    )


for _name in ("Initiative", "Activity", "Councillor"):
    SCHEMAS[f"{_name}List"] = _list_of(_name)


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _param(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "Page number from 1 (digits only).",
    ),
    _param(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "Items per page; outside 1..100 is a 400.",
    ),
]
# Keyset paging (participate.paging) on the lists whose data grows: take it from next/previous.
CURSOR = _param(
    "cursor",
    STRING,
    "Opaque position from a next or previous link (keyset paging); any other value is a 400.",
)
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": STRING,
    "description": "fi, sv or en: the language of error messages (default fi).",
}
LINK_LANG = _param(
    "lang", {"type": "string", "enum": ["fi", "sv", "en"]}, "The language of the page links."
)
ID = {
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def _json(schema: str, description: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": _ref(schema)}}}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "405": {"$ref": "#/components/responses/MethodNotAllowed"},
    "429": {"$ref": "#/components/responses/RateLimited"},
    "500": {"$ref": "#/components/responses/ServerError"},
}
NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}


def _get(
    operation_id: str,
    summary: str,
    ok: dict[str, Any],
    parameters: list[dict[str, Any]],
    *,
    not_found: bool = False,
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [*parameters, ACCEPT_LANGUAGE],
            "responses": {"200": ok, **ERRORS, **(NOT_FOUND if not_found else {})},
        }
    }


PATHS: dict[str, Any] = {
    "/initiatives": _get(
        "listInitiatives",
        "Public initiatives, newest first (or most supported).",
        _json("InitiativeList", "One page of initiatives."),
        [
            _param(
                "district",
                {"type": "string", "enum": [*DISTRICT_SLUGS, "city"]},
                "A district slug, or `city` for initiatives about the whole city.",
            ),
            _param("theme", STRING, "A theme slug."),
            _param("status", {"type": "string", "enum": INITIATIVE_PUBLIC_STATUSES}, "Status."),
            _param("sdg", {"type": "integer", "minimum": 1, "maximum": 17}, "A UN SDG number."),
            _param(
                "q",
                {"type": "string", "maxLength": 200},
                "Words to search for, all of which must match the title or the text: an"
                " inflected form (Finnish, Swedish, English stems) or, from three letters"
                " up, any part of a word. Case-insensitive; ä, ö, å are not a, o.",
            ),
            _param("sort", {"type": "string", "enum": INITIATIVE_SORTS}, "Order."),
            LINK_LANG,
            *PAGING,
            CURSOR,
        ],
    ),
    "/initiatives/{initiative_id}": _get(
        "getInitiative",
        "One public initiative.",
        _json("Initiative", "The initiative."),
        [{"name": "initiative_id", **ID}, LINK_LANG],
        not_found=True,
    ),
    "/activities": _get(
        "listActivities",
        "Upcoming published activities, soonest first.",
        _json("ActivityList", "One page of activities."),
        [
            _param("district", {"type": "string", "enum": DISTRICT_SLUGS}, "A district slug."),
            _param("from", {"type": "string", "format": "date"}, "From this date (YYYY-MM-DD)."),
            _param("to", {"type": "string", "format": "date"}, "Until this date (YYYY-MM-DD)."),
            _param("language", {"type": "string", "enum": SPOKEN_LANGUAGES}, "Language spoken."),
            _param("has_places", {"type": "string", "enum": ["1", "0"]}, "1: only with places."),
            *PAGING,
            CURSOR,
        ],
    ),
    "/activities/{activity_id}": _get(
        "getActivity",
        "One published activity.",
        _json("Activity", "The activity."),
        [{"name": "activity_id", **ID}],
        not_found=True,
    ),
    "/councillors": _get(
        "listCouncillors",
        "City councillors, by district and name.",
        _json("CouncillorList", "One page of councillors."),
        [
            _param("district", {"type": "string", "enum": DISTRICT_SLUGS}, "A district slug."),
            _param("party", STRING, "A party code, such as KOK (any case)."),
            *PAGING,
        ],
    ),
    "/districts": _get(
        "listDistricts",
        "The seven major districts with their boundaries (GeoJSON).",
        _json("DistrictFeatureCollection", "GeoJSON.", "application/geo+json"),
        [],
    ),
    "/districts/lookup": _get(
        "lookupDistrict",
        "The major district of a postal code or of a point.",
        _json("Lookup", "The district, and for a split postal code the other districts."),
        [
            _param(
                "postal_code",
                {"type": "string", "pattern": "^ *[0-9]{5} *$"},
                "A postal code of the city.",
            ),
            _param("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude."),
            _param("lon", {"type": "number", "minimum": -180, "maximum": 180}, "Longitude."),
        ],
        not_found=True,
    ),
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This description.",
            "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
            },
        }
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return _json("Error", description)


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document with `server_url` (absolute, ending in /api/v1) as its server.
    The operator's name comes from the theme ("City of Espoo"; English: the document is)."""
    organisation = current_theme().organisation_name("en")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Participate / Osallistu / Delta: open data of the {organisation}",
            "version": API_VERSION,
            "description": (
                "Public initiatives, neighbourhood activities, councillors and major districts "
                f"of {organisation}. Read-only, anonymous, CORS-enabled. Conventions: docs/api.md."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "BadRequest": _error_response("A parameter has a value the API does not accept."),
                "NotFound": _error_response("There is no such item (or it is not public)."),
                "MethodNotAllowed": _error_response("Only GET (and HEAD, OPTIONS) are allowed."),
                "RateLimited": _error_response("Too many requests; see Retry-After."),
                "ServerError": _error_response("Something went wrong on the server."),
            },
        },
    }


@bp.route("/openapi.json")
def openapi() -> Response:
    server = external_url("api.openapi").removesuffix("/openapi.json")
    return conditional(jsonify(document(server)), max_age=REFERENCE_MAX_AGE)
