"""JSON under /api/v1: upcoming published activities with places left. No personal data:
only what the activity page shows to everyone, and counts.

    GET /api/v1/activities?district=suur-tapiola&from=2026-12-01&to=2026-12-31
                           &language=sv&has_places=1&per_page=50[&cursor=…]
    GET /api/v1/activities/<id>

The list is in the API's one envelope and errors in its one shape (docs/api.md); messages
follow Accept-Language. `next`/`previous` carry keyset cursors (issue #11).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from participate.activities import queries
from participate.activities.forms import FilterForm, translate_type_errors
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
from participate.api.shapes import district_object, localised, timestamp
from participate.db import utcnow
from participate.i18n.content import current_lang
from participate.paging import count_at_most
from participate.urls import url_per_id
from participate.workflow.states import Status

DEFAULT_PER_PAGE = 50
# The filters the next/previous links keep (as the client spelled them).
KEPT_ARGS = ("district", "from", "to", "language", "has_places")


@dataclass(frozen=True)
class Links:
    """An activity's page and .ics in one language, by id (built once for a whole list)."""

    page: Callable[[int], str]
    ics: Callable[[int], str]

    @classmethod
    def of(cls, lang: str) -> Links:
        return cls(
            url_per_id("activities.detail", "activity_id", external=True, lang_code=lang),
            url_per_id("activities.calendar", "activity_id", external=True, lang_code=lang),
        )


def activity_json(
    row: queries.ActivityRow, lang: str, links: Links | None = None
) -> dict[str, Any]:
    """One activity in the API's shape; `links` (Links.of(lang)) is reused by a list."""
    a = row.activity
    window = a.signup_window()
    links = links or Links.of(lang)
    return {
        "id": a.id,
        "url": links.page(a.id),
        "ics": links.ics(a.id),
        "title": localised(a, "title"),
        "description": localised(a, "description"),
        "accessibility": localised(a, "accessibility"),
        "organiser": {
            "kind": a.organiser_kind.value,
            "name": a.organiser_name,
            "contact": a.organiser_contact or None,
        },
        "district": district_object(a.district),
        "place": localised(a, "place"),
        "location": {"lat": a.lat, "lon": a.lon} if a.lat is not None else None,
        "starts_at": timestamp(a.starts_at),
        "ends_at": timestamp(a.ends_at),
        "languages": a.languages,
        "capacity": a.capacity,
        "places_left": row.places_left,
        "is_full": row.is_full,
        "waiting_list_groups": row.waiting,
        "signup": {
            "is_open": window.value == "open",
            "state": window.value,
            "opens_at": timestamp(a.signup_opens_at),
            "closes_at": timestamp(a.closes_at),
            "max_group_size": a.max_group_size,
        },
        "is_cancelled": a.is_cancelled,
        "cancellation_note": a.cancellation_note or None,
    }


@bp.route("/activities")
def activities_list() -> Any:
    lang = current_lang()
    # The API's parameter names are the ones people expect; the form's are Python's.
    args = MultiDict(request.args)
    for outer, inner in (("from", "date_from"), ("to", "date_to")):
        if outer in args:
            args[inner] = args.pop(outer)
    form = FilterForm(args)
    errors: dict[str, str] = {}
    if not form.validate():
        translate_type_errors(form)
        errors = {
            {"date_from": "from", "date_to": "to"}.get(f.name, f.name): str(f.errors[0])
            for f in form
            if f.errors
        }
    paging = parse_paging(request.args, default_per_page=DEFAULT_PER_PAGE, errors=errors)
    filters = form.filters()
    args = {key: value for key, value in request.args.items() if key in KEPT_ARGS}
    cursor = decode_keyset(paging, queries.ORDER_COLUMNS)
    links = Links.of(lang)
    if uses_keyset(paging):
        now = utcnow()
        page = queries.list_activities_keyset(
            filters, cursor=cursor, per_page=paging.per_page, now=now
        )
        count = count_at_most(queries.filtered_select(filters, now=now), COUNT_LIMIT)
        items = [activity_json(row, lang, links) for row in page.items]
        return jsonify(keyset_paged("api.activities_list", args, paging, page, items, count))
    # A numbered page (?page=N): OFFSET paging, bounded like the HTML list.
    result = queries.list_activities(filters, page=paging.page, per_page=paging.per_page)
    # The query clamps the page to the last one; past the end the API answers an empty page.
    rows = result.rows if result.page == paging.page else []
    return jsonify(
        paged(
            "api.activities_list",
            args,
            paging,
            [activity_json(row, lang, links) for row in rows],
            result.total,
        )
    )


@bp.route("/activities/<int:activity_id>")
def activities_item(activity_id: int) -> Any:
    row = queries.get_activity_row(activity_id)
    if row is None or row.activity.status != Status.PUBLISHED:
        raise ApiError(404, _("There is no such activity."))
    return jsonify(activity_json(row, current_lang()))
