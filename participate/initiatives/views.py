"""Initiative pages under /<lang>/initiatives/: list, map, detail, write, support, open data.

Size: over 400 lines because it is the blueprint's routes (list, map, detail, write, support,
follow, open data), each thin; the logic is in services.py and queries.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from participate.accounts.identity import get_identity
from participate.caching import LIST_MAX_AGE, MAP_CACHE, cached_body, conditional
from participate.districts.models import District
from participate.districts.queries import district_at
from participate.extensions import db, limiter
from participate.forms import Done, handle_form
from participate.gone import GoneTexts, abort_gone
from participate.i18n.content import current_lang
from participate.i18n.urls import LANG_PREFIX
from participate.initiatives import clock, follows, opendata, queries, services, supports
from participate.initiatives.forms import (
    FilterForm,
    InitiativeForm,
    SupportForm,
    parse_coordinate,
)
from participate.initiatives.lifecycle import INITIATIVE_LIFECYCLE, PUBLIC, can_edit, is_visible_to
from participate.initiatives.models import SDG_GOALS, WHOLE_CITY, AuthorDisplay, Initiative, Theme
from participate.inputs import page_number
from participate.paging import abort_past_the_end
from participate.text import format_body
from participate.urls import external_url, origin_host, url_per_id
from participate.workflow.services import list_transitions
from participate.workflow.states import Action, Status

bp = Blueprint("initiatives", __name__, url_prefix=f"{LANG_PREFIX}/initiatives")

GONE = GoneTexts(
    heading=_l("This initiative has been hidden"),
    hidden=_l(
        "The city's development manager has hidden this initiative. "
        "It is no longer visible to residents."
    ),
    automatic=_l(
        "It was hidden automatically because residents reported it. The city's development "
        "manager checks it and decides whether it is published again."
    ),
    back=_l("See the other initiatives"),
    back_endpoint="initiatives.index",
)

SUBMIT_LIMIT = "20 per hour"
SUPPORT_LIMIT = "30 per minute"


def _get_visible(initiative_id: int) -> Initiative:
    """The initiative if this person may see it; 404 otherwise (existence does not leak),
    410 with the reason for a hidden one (it was public, so its existence is known)."""
    initiative = queries.get_initiative(initiative_id)
    hidden = initiative is not None and initiative.status == Status.HIDDEN
    if hidden and not is_visible_to(initiative, current_user):
        abort_gone("initiative", initiative.id, GONE)
    if initiative is None or not is_visible_to(initiative, current_user):
        abort(404)
    return initiative


def _map_settings() -> dict[str, str]:
    """What the map script needs: the tile server and its attribution (configuration)."""
    settings = current_app.config["SETTINGS"]
    return {"tiles": settings.tile_url, "attribution": settings.tile_attribution}


# Browse ------------------------------------------------------------------------------------


def _filter_form(filters: queries.Filters) -> FilterForm:
    form = FilterForm(
        data={
            "q": filters.q,
            "district": filters.district or "",
            "theme": filters.theme or "",
            "status": filters.status.value if filters.status else "",
            "sdg": str(filters.sdg or ""),
            "sort": filters.sort,
        }
    )
    return form


@bp.route("/")
def index() -> str:
    filters = queries.parse_filters(request.args)
    page = page_number(request.args)
    pagination = queries.list_public(filters, page=max(page, 1))
    if not pagination.is_capped:  # a capped list says "narrow it" on its further pages
        abort_past_the_end(pagination.page, pagination.pages)
    return render_template(
        "initiatives/index.html",
        pagination=pagination,
        filters=filters,
        follow_targets=_follow_targets(filters),
        follow_form=SupportForm(),
        form=_filter_form(filters),
        threshold=supports.support_threshold(),
    )


def _follow_targets(filters: queries.Filters) -> list[tuple[str, int, str, bool]]:
    """(target, id, name, already following) for the theme and district the list is
    filtered by: the list page is where a resident follows a theme or a major district."""
    targets: list[tuple[str, int, str, bool]] = []
    user_id = current_user.id if current_user.is_authenticated else None
    if filters.theme:
        theme = db.session.scalar(sa.select(Theme).where(Theme.slug == filters.theme))
        if theme is not None:
            name = theme.name(current_lang()).text
            following = user_id is not None and follows.is_following(user_id, "theme", theme.id)
            targets.append(("theme", theme.id, name, following))
    if filters.district and filters.district != WHOLE_CITY:
        district = db.session.scalar(sa.select(District).where(District.slug == filters.district))
        if district is not None:
            name = district.name(current_lang())
            following = user_id is not None and follows.is_following(
                user_id, "district", district.id
            )
            targets.append(("district", district.id, name, following))
    return targets


@bp.route("/map")
def map_view() -> str:
    """The map page: the map loads its points from map.geojson; the text list beside it has
    the same initiatives, 20 a page (issue #11: no points inlined in the HTML)."""
    filters = queries.parse_filters(request.args)
    page = request.args.get("page", 1, type=int) or 1
    pagination = queries.list_public_with_point(filters, page=max(page, 1))
    return render_template(
        "initiatives/map.html",
        pagination=pagination,
        filters=filters,
        form=_filter_form(filters),
        map_settings=_map_settings(),
        points_url=url_for(".map_points", **filters.as_args()),
    )


@bp.route("/map.geojson")
def map_points() -> BaseResponse:
    """GeoJSON FeatureCollection of public initiatives with a point, newest first, at most
    queries.MAP_POINTS_MAX; `bbox=west,south,east,north` narrows it to a viewport. The
    collection's `truncated` says whether more matched (the map then asks per viewport).
    Labels and links are in the URL's language. Every map page asks for it: the body is
    built at most once a minute per language, filters and viewport in a worker
    (participate.caching.cached_body, in a cache of its own), as the feeds are."""
    filters = queries.parse_filters(request.args)
    raw_bbox = request.args.get("bbox", "")
    bbox = queries.parse_bbox(raw_bbox) if raw_bbox else None
    if raw_bbox and bbox is None:
        abort(400)
    lang = current_lang()

    def render() -> bytes:
        rows, truncated = queries.list_points(filters, bbox)
        # Built once per request, not per point (up to MAP_POINTS_MAX of them).
        detail_url = url_per_id(".detail", "initiative_id")
        labels = {status: Status(status).label for status in {row.status for row in rows}}
        features = [
            {
                "type": "Feature",
                "id": row.id,
                # GeoJSON (RFC 7946) positions are longitude first.
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {
                    "title": row.title,
                    "lang": row.language,
                    "url": detail_url(row.id),
                    "status": str(labels[row.status]),
                },
            }
            for row in rows
        ]
        collection = {"type": "FeatureCollection", "features": features, "truncated": truncated}
        # Compact, as jsonify writes it outside debug mode.
        return f"{current_app.json.dumps(collection, separators=(',', ':'))}\n".encode()

    # The links are relative: the script root (a proxy's X-Forwarded-Prefix under
    # PROXY_FIX) is part of the body, so of the key, or one request would set everyone's.
    args = tuple(sorted(filters.as_args().items()))
    key = ("initiatives.map_points", request.script_root, lang, args, bbox)
    cached = cached_body(key, render, cache_name=MAP_CACHE)
    response = Response(cached.body, content_type="application/geo+json")
    return conditional(response, max_age=LIST_MAX_AGE, etag=cached.etag)


@bp.route("/<int:initiative_id>")
def detail(initiative_id: int) -> str:
    initiative = _get_visible(initiative_id)
    is_author = current_user.is_authenticated and current_user.id == initiative.author_id
    is_moderator = current_user.is_authenticated and current_user.is_moderator
    supported = current_user.is_authenticated and queries.has_supported(
        initiative.id, current_user.id
    )
    history = list_transitions(initiative.moderation_kind, initiative.id)
    return render_template(
        "initiatives/detail.html",
        initiative=initiative,
        history=history,
        show_reasons=is_author or is_moderator,
        is_author=is_author,
        is_moderator=is_moderator,
        can_edit=can_edit(initiative, current_user),
        supported=supported,
        support_form=SupportForm(),
        following=current_user.is_authenticated
        and follows.is_following(current_user.id, "initiative", initiative.id),
        threshold=supports.support_threshold(),
        identification_enabled=current_app.config["SETTINGS"].is_identification_enabled,
        clock_state=clock.clock_state(initiative),
        can_file=clock.can_file(initiative, current_user),
        identified=current_user.is_authenticated and get_identity(current_user.id) is not None,
        map_settings=_map_settings(),
        goal_names=SDG_GOALS,
        Status=Status,
    )


@bp.route("/mine")
@login_required
def mine() -> str:
    return render_template(
        "initiatives/mine.html",
        own=queries.list_by_author(current_user.id),
        supported=queries.list_supported_by(current_user.id),
        editable=INITIATIVE_LIFECYCLE.editable,
    )


# Write -------------------------------------------------------------------------------------


def _initiative_form(initiative: Initiative | None = None) -> InitiativeForm:
    lang = current_lang()
    form = InitiativeForm(obj=None, author=current_user)
    if request.method == "GET":
        if initiative is None:
            form.language.data = lang
            form.author_display.data = AuthorDisplay.NAME.value
        else:
            form.title.data = initiative.title
            form.body.data = initiative.body
            form.theme.data = initiative.theme_id
            form.district.data = initiative.district.slug if initiative.district else WHOLE_CITY
            form.lat.data = "" if initiative.lat is None else f"{initiative.lat:.6f}"
            form.lon.data = "" if initiative.lon is None else f"{initiative.lon:.6f}"
            form.goals.data = initiative.goals
            form.language.data = initiative.language
            form.author_display.data = initiative.author_display.value
    return form


def _data_from(form: InitiativeForm) -> services.InitiativeData:
    lat, lon = form.point
    return services.InitiativeData(
        title=form.title.data or "",
        body=form.body.data or "",
        language=form.language.data or "",
        theme_id=form.theme.data,
        district=form.district.data or services.FROM_POINT,
        lat=lat,
        lon=lon,
        goals=tuple(form.goals.data or ()),
        author_display=AuthorDisplay(form.author_display.data),
    )


def _write(form: InitiativeForm, initiative: Initiative | None) -> ResponseReturnValue:
    """Preview, save or send: the one handler behind /new and /<id>/edit."""
    intent = request.form.get("intent", "save")
    if intent == "preview":
        # A preview stores nothing: valid input answers with the page and the preview.
        return handle_form(
            form,
            lambda: None,
            done=lambda _result: _form_page(
                form,
                initiative,
                preview={"title": form.title.data, "body": format_body(form.body.data or "")},
            ),
            page=lambda: _form_page(form, initiative),
        )

    def save() -> tuple[Initiative, Any]:
        """The saved initiative, and why it was not sent (None when nothing stopped it)."""
        try:
            saved = services.save_initiative(
                _data_from(form),
                actor=current_user,
                initiative=initiative,
                submit=intent == "submit",
            )
        except services.NotVerified as error:
            if error.draft is None:
                raise
            # Not an error in the text: the draft is kept (committed), and the message says
            # what to do before sending.
            return error.draft, error.message
        return saved, None

    def saved(result: tuple[Initiative, Any]) -> Done:
        saved, not_sent = result
        if not_sent is not None:
            return Done(url_for(".edit", initiative_id=saved.id), not_sent, "error")
        if intent == "submit":
            return Done(
                url_for(".detail", initiative_id=saved.id),
                _("Thank you! Your initiative is sent for review."),
            )
        return Done(
            url_for(".edit", initiative_id=saved.id),
            _("Your draft is saved. Only you can see it."),
        )

    return handle_form(form, save, done=saved, page=lambda: _form_page(form, initiative))


def _form_page(
    form: InitiativeForm, initiative: Initiative | None, preview: dict[str, Any] | None = None
) -> str:
    changes_note = None
    if initiative is not None and initiative.status == Status.CHANGES_REQUESTED:
        returned = [
            t
            for t in list_transitions("initiative", initiative.id)
            if t.action == Action.REQUEST_CHANGES
        ]
        changes_note = returned[-1].reason if returned else None
    return render_template(
        "initiatives/form.html",
        form=form,
        initiative=initiative,
        preview=preview,
        changes_note=changes_note,
        map_settings=_map_settings(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(SUBMIT_LIMIT, methods=["POST"])
def new() -> ResponseReturnValue:
    return _write(_initiative_form(), None)


@bp.route("/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(SUBMIT_LIMIT, methods=["POST"])
def edit(initiative_id: int) -> ResponseReturnValue:
    initiative = _get_visible(initiative_id)
    if not can_edit(initiative, current_user):
        if current_user.id != initiative.author_id:
            abort(404 if initiative.status not in PUBLIC else 403)
        flash(_("This initiative can no longer be changed."), "error")
        return redirect(url_for(".detail", initiative_id=initiative.id))
    return _write(_initiative_form(initiative), initiative)


@bp.route("/district-at")
def district_at_point() -> Response:
    """The major district at ?lat=&lon= (the map picker fills the select with it)."""
    try:
        lat = parse_coordinate(request.args.get("lat"))
        lon = parse_coordinate(request.args.get("lon"))
    except ValueError:
        lat = lon = None
    if lat is None or lon is None:
        return jsonify(error=_("Give lat and lon as numbers.")), 400  # type: ignore[return-value]
    district = district_at(lat, lon)
    if district is None:
        return jsonify(district=None, name=None, message=_("The point is outside the city."))
    return jsonify(district=district.slug, name=district.name(current_lang()))


# Follow ------------------------------------------------------------------------------------


def _back(default: str) -> str:
    """Back to the page the button was on (a path on this site only), else `default`."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _follow(target: str, target_id: int, name: str, default: str) -> ResponseReturnValue:
    back = _back(default)
    if request.form.get("intent") == "unfollow":
        return handle_form(
            SupportForm(),
            lambda: follows.unfollow(current_user, target, target_id),
            done=lambda _result: Done(back, _("You no longer follow %(name)s.", name=name)),
            back=back,
        )
    return handle_form(
        SupportForm(),
        lambda: follows.follow(current_user, target, target_id),
        done=lambda _result: Done(
            back,
            _(
                "You follow %(name)s. Choose how often you hear about it in your "
                "notification settings.",
                name=name,
            ),
        ),
        back=back,
    )


@bp.route("/<int:initiative_id>/follow", methods=["POST"])
@login_required
@limiter.limit(SUPPORT_LIMIT)
def follow(initiative_id: int) -> ResponseReturnValue:
    initiative = _get_visible(initiative_id)
    default = url_for(".detail", initiative_id=initiative.id)
    return _follow("initiative", initiative.id, f"“{initiative.title}”", default)


@bp.route("/themes/<int:theme_id>/follow", methods=["POST"])
@login_required
@limiter.limit(SUPPORT_LIMIT)
def follow_theme(theme_id: int) -> ResponseReturnValue:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        abort(404)
    default = url_for(".index", theme=theme.slug)
    return _follow("theme", theme.id, f"“{theme.name(current_lang())}”", default)


@bp.route("/districts/<int:district_id>/follow", methods=["POST"])
@login_required
@limiter.limit(SUPPORT_LIMIT)
def follow_district(district_id: int) -> ResponseReturnValue:
    district = db.session.get(District, district_id)
    if district is None:
        abort(404)
    default = url_for(".index", district=district.slug)
    return _follow("district", district.id, district.name(current_lang()), default)


@bp.route("/following")
@login_required
def following() -> str:
    return render_template(
        "initiatives/following.html",
        following=follows.list_following(current_user.id),
        follow_form=SupportForm(),
    )


# Support -----------------------------------------------------------------------------------


@bp.route("/<int:initiative_id>/support", methods=["POST"])
@login_required
@limiter.limit(SUPPORT_LIMIT)
def support(initiative_id: int) -> ResponseReturnValue:
    initiative = _get_visible(initiative_id)
    back = url_for(".detail", initiative_id=initiative.id, _anchor="support")
    if request.form.get("intent") == "withdraw":
        return handle_form(
            SupportForm(),
            lambda: supports.withdraw_support(initiative, user=current_user),
            done=lambda _result: Done(back, _("Your support is withdrawn.")),
            back=back,
        )
    return handle_form(
        SupportForm(),
        lambda: supports.add_support(initiative, user=current_user),
        done=lambda _result: Done(back, _("Thank you for your support!")),
        back=back,
    )


# Filing with the city ----------------------------------------------------------------------


@bp.route("/<int:initiative_id>/file", methods=["POST"])
@login_required
def file_with_city(initiative_id: int) -> ResponseReturnValue:
    """The author (or a moderator on the author's behalf) files the initiative with the city."""
    initiative = _get_visible(initiative_id)
    back = url_for(".detail", initiative_id=initiative.id, _anchor="filing")
    return handle_form(
        SupportForm(),
        lambda: clock.file_with_city(initiative, actor=current_user),
        done=lambda _result: Done(back, _("The initiative is filed with the city's registry.")),
        back=back,
    )


# Open data ---------------------------------------------------------------------------------


def _entry_urls() -> Callable[[Initiative], str]:
    """Each initiative's absolute page URL, built once for a whole feed or export."""
    detail = url_per_id(".detail", "initiative_id", external=True)
    return lambda initiative: detail(initiative.id)


@bp.route("/feed.atom")
def feed() -> Response:
    """The newest public initiatives as Atom, rendered at most once a minute per language in
    a worker (participate.caching.cached_body): feed readers poll it."""
    lang = current_lang()

    def render() -> bytes:
        return opendata.atom_feed(
            queries.list_recent_public(),
            lang=lang,
            host=origin_host(),
            feed_url=external_url(".feed"),
            page_url=external_url(".index"),
            entry_url=_entry_urls(),
        )

    cached = cached_body(("initiatives.feed", lang), render)
    response = Response(cached.body, content_type="application/atom+xml; charset=utf-8")
    return conditional(response, max_age=LIST_MAX_AGE, etag=cached.etag)


@bp.route("/export.csv")
def export_csv() -> Response:
    filters = queries.parse_filters(request.args)
    body = opendata.csv_export(
        queries.list_all_public(filters), lang=current_lang(), entry_url=_entry_urls()
    )
    return Response(
        body.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="initiatives.csv"'},
    )
