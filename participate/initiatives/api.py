"""GET /api/v1/initiatives and /api/v1/initiatives/<id>: public initiatives as JSON.

The list takes the filters of the HTML list (district, theme, status, sdg, q, sort) plus
page and per_page (at most 100), and answers 400 naming any value it does not know.
`?lang=fi|sv|en` sets the language of the few translated values (the author's "a resident
of …"); names of themes and districts come in all three languages.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import force_locale
from werkzeug.wrappers import Response

from participate.api import bp
from participate.i18n.locale import DEFAULT_LANG, LANGS
from participate.initiatives import opendata, queries
from participate.initiatives.models import Initiative


def _lang() -> str:
    lang = request.args.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def _record(initiative: Initiative, lang: str) -> dict[str, Any]:
    url = url_for("initiatives.detail", lang_code=lang, initiative_id=initiative.id, _external=True)
    record = opendata.public_record(initiative, url)
    record["api_url"] = url_for(
        "api.initiative_detail", initiative_id=initiative.id, _external=True
    )
    return record


@bp.route("/initiatives")
def initiatives_list() -> Response:
    filters = queries.parse_filters(request.args)
    if filters.errors:
        return jsonify(  # type: ignore[return-value]
            error="Bad Request",
            status=400,
            invalid={key: f"unknown value {value!r}" for key, value in filters.errors.items()},
        ), 400
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", queries.PER_PAGE, type=int) or queries.PER_PAGE
    pagination = queries.list_public(filters, page=max(page, 1), per_page=per_page)
    lang = _lang()
    args = {**filters.as_args(), "per_page": pagination.per_page}
    if "lang" in request.args:
        args["lang"] = lang
    with force_locale(lang):
        items = [_record(initiative, lang) for initiative in pagination.items]

    def page_url(number: int | None) -> str | None:
        if number is None:
            return None
        return url_for("api.initiatives_list", page=number, _external=True, **args)

    return jsonify(
        items=items,
        page=pagination.page,
        per_page=pagination.per_page,
        total=pagination.total,
        pages=pagination.pages,
        links={
            "self": page_url(pagination.page),
            "next": page_url(pagination.next_num if pagination.has_next else None),
            "prev": page_url(pagination.prev_num if pagination.has_prev else None),
        },
    )


@bp.route("/initiatives/<int:initiative_id>")
def initiative_detail(initiative_id: int) -> Response:
    initiative = queries.get_public_initiative(initiative_id)
    if initiative is None:
        abort(404)
    lang = _lang()
    with force_locale(lang):
        return jsonify(_record(initiative, lang))
