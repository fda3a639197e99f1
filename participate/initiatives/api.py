"""GET /api/v1/initiatives and /api/v1/initiatives/<id>: public initiatives as JSON.

The list takes the filters of the HTML list (district, theme, status, sdg, q, sort) plus
per_page (1..100) and cursor (or page), and answers 400 naming any value it does not know,
in the one error shape; the list is in the one envelope (participate.api.paging,
docs/api.md), its next/previous links carry keyset cursors (issue #11).
`?lang=fi|sv|en` sets the language of the few translated values (the author's "a resident
of …"); names of themes and districts come in all three languages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from participate.api import bp
from participate.api.errors import ApiError
from participate.api.paging import (
    COUNT_LIMIT,
    decode_keyset,
    keyset_paged,
    paged,
    parse_paging,
    uses_keyset,
)
from participate.i18n.locale import DEFAULT_LANG, LANGS
from participate.initiatives import opendata, queries
from participate.initiatives.models import Initiative
from participate.paging import count_at_most
from participate.urls import url_per_id


def _lang() -> str:
    lang = request.args.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def _records(initiatives: Iterable[Initiative], lang: str) -> list[dict[str, Any]]:
    """The API's records, each with its page (in `lang`) and API URL, built once per list."""
    page = url_per_id("initiatives.detail", "initiative_id", external=True, lang_code=lang)
    api = url_per_id("api.initiative_detail", "initiative_id", external=True)
    records = []
    for initiative in initiatives:
        record = opendata.public_record(initiative, page(initiative.id))
        record["api_url"] = api(initiative.id)
        records.append(record)
    return records


@bp.route("/initiatives")
def initiatives_list() -> Response:
    filters = queries.parse_filters(request.args)
    errors = {
        key: _("Unknown value %(value)s.", value=value) for key, value in filters.errors.items()
    }
    paging = parse_paging(request.args, default_per_page=queries.PER_PAGE, errors=errors)
    cursor = decode_keyset(paging, queries.order_columns(filters.sort))
    lang = _lang()
    args = dict(filters.as_args())
    if "lang" in request.args:
        args["lang"] = lang
    if uses_keyset(paging):
        page = queries.list_public_keyset(filters, cursor=cursor, per_page=paging.per_page)
        with force_locale(lang):
            items = _records(page.items, lang)
        count = count_at_most(queries.public_where(filters), COUNT_LIMIT)
        return jsonify(keyset_paged("api.initiatives_list", args, paging, page, items, count))
    # A numbered page (?page=N): OFFSET paging, bounded like the HTML list.
    pagination = queries.list_public(filters, page=paging.page, per_page=paging.per_page)
    with force_locale(lang):
        items = _records(pagination.items, lang)
    return jsonify(paged("api.initiatives_list", args, paging, items, pagination.total or 0))


@bp.route("/initiatives/<int:initiative_id>")
def initiative_detail(initiative_id: int) -> Response:
    initiative = queries.get_public_initiative(initiative_id)
    if initiative is None:
        raise ApiError(404, _("There is no such initiative."))
    lang = _lang()
    with force_locale(lang):
        return jsonify(_records([initiative], lang)[0])
