"""The OpenAPI 3.1 description cannot drift from the code: it is valid, it describes every
/api/v1 route and no other, its enums are the code's, real responses validate against it,
and a bounded Schemathesis run against the app finds no 5xx and no schema violation."""

from __future__ import annotations

import re
from datetime import timedelta

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate as validate_spec
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from participate.api import openapi
from tests import factories

SCHEMATHESIS_CASES_PER_OPERATION = 40  # x 8 operations: about 300 cases, ~20 s


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def data(app):
    """Something in every list: initiatives (one answered, one about the whole city),
    activities (one full, one without a limit), councillors of two parties."""
    with app.app_context():
        theme = factories.create_theme(name_fi="Liikenne", name_sv="Trafik", name_en="")
        public = factories.create_initiative(theme=theme, lat=60.1756, lon=24.8058, goals=(3,))
        factories.create_support(public)
        factories.create_initiative(theme=theme, status="answered", language="sv")
        factories.create_initiative(theme=theme, district_slug=None)
        full = factories.create_activity(capacity=1)
        factories.create_signup(full)
        factories.create_activity(
            capacity=None, district="vanha-espoo", starts_in=timedelta(days=2)
        )
        factories.create_councillor(party="KOK", phone="+358 40 123 4567")
        factories.create_councillor(party="RKP", district="vanha-espoo")
    return {"initiative": public, "activity": full}


def test_the_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate_spec(spec)
    assert spec["servers"][0]["url"] == "http://participate.test/api/v1"


def _template(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_every_api_route_is_described_and_nothing_else(app, spec):
    routes = {
        _template(rule.rule): rule.methods - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert set(routes) == set(spec["paths"])
    for path, methods in routes.items():
        assert {m.lower() for m in methods} == set(spec["paths"][path]), path


def test_enums_are_the_codes(app):
    from participate.activities.lifecycle import SignupWindow
    from participate.activities.models import OrganiserKind
    from participate.activities.services import SPOKEN_LANGUAGES
    from participate.api.errors import CODES
    from participate.councillors.models import CouncillorRole
    from participate.districts.queries import list_districts
    from participate.initiatives.lifecycle import PUBLIC
    from participate.initiatives.queries import SORTS

    with app.app_context():
        assert sorted(openapi.DISTRICT_SLUGS) == sorted(d.slug for d in list_districts())
    assert set(openapi.SIGNUP_WINDOWS) == {w.value for w in SignupWindow}
    assert set(openapi.ORGANISER_KINDS) == {k.value for k in OrganiserKind}
    assert set(openapi.COUNCILLOR_ROLES) == {r.value for r in CouncillorRole}
    assert tuple(openapi.SPOKEN_LANGUAGES) == SPOKEN_LANGUAGES
    assert set(openapi.INITIATIVE_PUBLIC_STATUSES) == {s.value for s in PUBLIC}
    assert tuple(openapi.INITIATIVE_SORTS) == SORTS
    assert set(openapi.ERROR_CODES) == set(CODES.values())


def _validate(spec, path, response, template=None):
    """Validate a response against the schema the description gives for it."""
    operation = spec["paths"][template or path.split("?")[0].removeprefix("/api/v1")]["get"]
    described = operation["responses"][str(response.status_code)]
    if "$ref" in described:
        described = spec["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
    (media, content), *_ = described["content"].items()
    assert response.mimetype == media
    schema = {**content["schema"], "components": spec["components"]}
    jsonschema.validate(
        response.get_json(force=True),
        schema,
        cls=jsonschema.Draft202012Validator,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives",
        "/api/v1/initiatives?per_page=1&page=2&lang=sv",
        "/api/v1/initiatives?district=city",
        "/api/v1/initiatives?per_page=500",
        "/api/v1/initiatives?sort=x&page=abc",
        "/api/v1/activities",
        "/api/v1/activities?has_places=1",
        "/api/v1/activities?from=2026-13-01",
        "/api/v1/councillors",
        "/api/v1/councillors?party=NOPE",
        "/api/v1/districts",
        "/api/v1/districts/lookup?postal_code=02750",
        "/api/v1/districts/lookup?lat=60.1756&lon=24.805",
        "/api/v1/districts/lookup?lat=60.1699&lon=24.9384",
        "/api/v1/districts/lookup",
    ],
)
def test_responses_validate_against_the_description(client, spec, data, url):
    response = client.get(url)
    assert response.status_code < 500
    _validate(spec, url, response)


def test_single_items_validate(client, spec, data):
    initiative = client.get(f"/api/v1/initiatives/{data['initiative'].id}")
    _validate(spec, "", initiative, "/initiatives/{initiative_id}")
    activity = client.get(f"/api/v1/activities/{data['activity'].id}")
    _validate(spec, "", activity, "/activities/{activity_id}")
    missing = client.get("/api/v1/activities/2147483647")
    _validate(spec, "", missing, "/activities/{activity_id}")


def test_schemathesis_finds_no_server_error_and_no_schema_violation(app, data):
    """A bounded property-based run of every operation, against the app with data in it."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the description itself; everything else is exercised.
    assert {operation.path for operation in operations} == set(openapi.PATHS) - {"/openapi.json"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=SCHEMATHESIS_CASES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            # Schemathesis sends requests' default "Accept-Encoding: gzip, deflate, br, zstd"
            # (urllib3 offers br when brotli is installed), the app rightly answers br, and the
            # WSGI transport hands the checks the compressed bytes ("can't decode byte 0xdb in
            # position 1"). So this run asks for identity, and holds the app to it.
            response = case.call(headers={"Accept-Encoding": "identity"})
            case.validate_response(response, checks=checks)
            assert "content-encoding" not in response.headers
            assert "accept-encoding" in response.headers["vary"][0].lower()

        run()
