"""JSON under /api/v1: upcoming published activities with places left. No personal data:
only what the activity page shows to everyone, and counts.

    GET /api/v1/activities?district=suur-tapiola&from=2026-12-01&to=2026-12-31
                           &language=sv&has_places=1&page=1&per_page=50
    GET /api/v1/activities/<id>

Errors are JSON with a message in the language of the request (cookie, Accept-Language).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from participate.activities import queries
from participate.activities.forms import FilterForm, translate_type_errors
from participate.activities.services import SPOKEN_LANGUAGES
from participate.api import bp
from participate.districts.queries import list_districts
from participate.i18n.content import current_lang
from participate.i18n.locale import LANGS
from participate.workflow.states import Status

MAX_PER_PAGE = 100


def _error(status: int, message: str, field: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {
        "error": {400: "Bad Request", 404: "Not Found"}.get(status, "Error"),
        "status": status,
        "message": message,
    }
    if field:
        body["field"] = field
    return jsonify(body), status


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def activity_json(row: queries.ActivityRow, lang: str) -> dict[str, Any]:
    a = row.activity
    window = a.signup_window()
    return {
        "id": a.id,
        "url": url_for("activities.detail", lang_code=lang, activity_id=a.id, _external=True),
        "ics": url_for("activities.calendar", lang_code=lang, activity_id=a.id, _external=True),
        "title": {
            code: getattr(a, f"title_{code}") for code in LANGS if getattr(a, f"title_{code}")
        },
        "description": {
            code: getattr(a, f"description_{code}")
            for code in LANGS
            if getattr(a, f"description_{code}")
        },
        "accessibility": {
            code: getattr(a, f"accessibility_{code}")
            for code in LANGS
            if getattr(a, f"accessibility_{code}")
        },
        "organiser": {
            "kind": a.organiser_kind.value,
            "name": a.organiser_name,
            "contact": a.organiser_contact or None,
        },
        "district": {
            "slug": a.district.slug,
            **{f"name_{code}": a.district.name(code) for code in LANGS},
        },
        "place": a.place,
        "location": {"lat": a.lat, "lon": a.lon} if a.lat is not None else None,
        "starts_at": _iso(a.starts_at),
        "ends_at": _iso(a.ends_at),
        "languages": a.languages,
        "capacity": a.capacity,
        "places_left": row.places_left,
        "is_full": row.is_full,
        "waiting_list_groups": row.waiting,
        "signup": {
            "is_open": window.value == "open",
            "state": window.value,
            "opens_at": _iso(a.signup_opens_at),
            "closes_at": _iso(a.closes_at),
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
    form.district.choices = [("", ""), *((d.slug, d.slug) for d in list_districts())]
    form.language.choices = [("", ""), *((code, code) for code in SPOKEN_LANGUAGES)]
    if not form.validate():
        translate_type_errors(form)
        name, errors = next((f.name, f.errors) for f in form if f.errors)
        outer_name = {"date_from": "from", "date_to": "to"}.get(name, name)
        message = str(errors[0])
        return _error(400, f"{outer_name}: {message}", outer_name)
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 50, type=int)
    if not 1 <= per_page <= MAX_PER_PAGE:
        return _error(400, _("per_page must be from 1 to %(max)s.", max=MAX_PER_PAGE), "per_page")
    filters = queries.ActivityFilters(
        district=form.district.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        language=form.language.data or None,
        has_places=bool(form.has_places.data),
    )
    result = queries.list_activities(filters, page=page or 1, per_page=per_page)
    return jsonify(
        {
            "activities": [activity_json(row, lang) for row in result.rows],
            "page": result.page,
            "pages": result.pages,
            "total": result.total,
        }
    )


@bp.route("/activities/<int:activity_id>")
def activities_item(activity_id: int) -> Any:
    row = queries.get_activity_row(activity_id)
    if row is None or row.activity.status != Status.PUBLISHED:
        return _error(404, _("There is no such activity."))
    return jsonify(activity_json(row, current_lang()))
