"""The one error shape of /api/v1 (docs/api.md), for every status the API can answer with.

    {"error": {"code": "bad_request", "message": "<in the Accept-Language language>",
               "fields": {"per_page": "<what is wrong with this parameter>"}}}

`code` is a stable machine-readable word (the table below), `message` is for people and
follows the request's Accept-Language (fi, sv or en; Finnish when none matches), `fields` is
present (possibly empty) on every error so clients need not test for it.

Views raise `ApiError(400, message, fields=...)`; aborts and werkzeug's own errors (404 for an
unknown path, 405 for a wrong method, 429 from the limiter) get the same shape from
`error_response`, which `participate.web.errors` calls for every path under /api/.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from participate.i18n.locale import api_language

CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    410: "gone",
    413: "payload_too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

MESSAGES: dict[int, Any] = {
    400: _l("The request has a value the API does not accept."),
    401: _l("Sign in first."),
    403: _l("You may not do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this method."),
    406: _l("The API answers only in JSON."),
    410: _l("This item has been removed."),
    413: _l("The request is too large."),
    429: _l("Too many requests. Wait a moment and try again."),
    500: _l("Something went wrong on our side. Try again later."),
    503: _l("The service is not available right now. Try again later."),
}


class ApiError(HTTPException):
    """An API error with a translated message and per-parameter messages.

    `fields` maps a query parameter name to what is wrong with it (already translated).
    """

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


def error_body(
    status: int, message: str | None = None, fields: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The error object for `status` (an HTTP status code). Call inside the API locale.

    Without a message, a 400 with fields says what is wrong with the first field.
    """
    if message is None and fields:
        message = str(next(iter(fields.values())))
    text = message if message is not None else MESSAGES.get(status, MESSAGES[500])
    return {
        "error": {
            "code": CODES.get(status, "bad_request" if status < 500 else "server_error"),
            "message": str(text),
            "fields": {name: str(value) for name, value in (fields or {}).items()},
        }
    }


def error_response(error: HTTPException | None, status: int | None = None) -> Response:
    """A JSON response in the one error shape for an HTTP error (None: an unexpected 500).

    Headers the error carries are kept (Allow on 405, Retry-After on 429).
    """
    status = status or (error.code if error is not None and error.code else 500)
    message = fields = None
    if isinstance(error, ApiError):
        message, fields = error.message, error.fields
    with force_locale(api_language()):
        response = jsonify(error_body(status, message, fields))
    response.status_code = status
    response.headers["Content-Language"] = api_language()
    response.vary.add("Accept-Language")
    if error is not None:
        for name, value in error.get_headers():
            if name.lower() in {"allow", "retry-after"}:
                response.headers[name] = value
    return response
