"""Activity pages: the list and archive (with a map), one activity with its sign-up form, the
calendar file, proposing and editing, the organiser's participant list, and a participant's
own sign-up behind a private link.

Size: over 400 lines because it is the blueprint's routes (list, map, detail, calendar,
propose, edit, participants, private sign-up link), each thin; the writes are in services.py
and signups.py.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from participate.activities import maps, queries, services, signups
from participate.activities.calendar import activities_calendar, activity_calendar
from participate.activities.forms import (
    ActivityForm,
    CancelActivityForm,
    CancelSignupForm,
    FilterForm,
    MessageForm,
    ResendLinkForm,
    SignupForm,
    translate_type_errors,
)
from participate.activities.lifecycle import SignupWindow, can_edit, can_manage, is_visible_to
from participate.activities.models import Activity, Signup, SignupStatus
from participate.caching import ITEM_MAX_AGE, LIST_MAX_AGE, cached_body, conditional
from participate.csv import write_csv
from participate.db import utcnow
from participate.districts.queries import list_districts
from participate.extensions import db, limiter
from participate.forms import Done, handle_form
from participate.gone import GoneTexts, abort_gone
from participate.i18n.content import current_lang
from participate.i18n.urls import LANG_PREFIX
from participate.inputs import page_number
from participate.paging import abort_past_the_end
from participate.theme import current_theme
from participate.urls import external_url, origin_host, url_per_id
from participate.workflow.states import Status

bp = Blueprint("activities", __name__, url_prefix=LANG_PREFIX)

# Generous for a family signing up several activities, tight for a script.
SIGNUP_LIMIT = "10 per minute;40 per hour"
PROPOSE_LIMIT = "10 per hour"


@bp.context_processor
def activity_helpers() -> dict[str, Any]:
    return {
        "Window": SignupWindow,
        "Status": Status,
        "SignupStatus": SignupStatus,
        "can_manage": lambda activity: can_manage(activity, current_user),
        "can_edit": lambda activity: can_edit(activity, current_user),
    }


GONE = GoneTexts(
    heading=_l("This activity has been hidden"),
    hidden=_l(
        "The city's development manager has hidden this activity. "
        "It is no longer visible to residents."
    ),
    automatic=_l(
        "The activity was hidden automatically because residents reported it. The city's "
        "development manager checks it and decides whether it is published again."
    ),
    back=_l("See the other activities"),
    back_endpoint="activities.index",
)


def _visible_row(activity_id: int) -> queries.ActivityRow:
    """Published activities for everyone; others only for their organiser and moderators.
    A hidden one answers 410 with the reason (participate/gone.py), others 404."""
    row = queries.get_activity_row(activity_id)
    if row is None:
        abort(404)
    if not is_visible_to(row.activity, current_user):
        if row.activity.status == Status.HIDDEN:  # it was public: say so, as for initiatives
            abort_gone("activity", row.activity.id, GONE)
        abort(404)
    return row


def _managed_row(activity_id: int) -> queries.ActivityRow:
    row = queries.get_activity_row(activity_id)
    if row is None:
        abort(404)
    if not can_manage(row.activity, current_user):
        abort(403)
    return row


def _private(response: Any) -> Response:
    """Pages with personal data: never cached, never indexed."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# -- list, archive, map --------------------------------------------------------------------
def _list_page(archive: bool) -> tuple[str, int]:
    form = FilterForm(request.args)
    valid = form.validate() if request.args else True
    translate_type_errors(form)
    filters = form.filters(archive=archive) if valid else queries.ActivityFilters(archive=archive)
    page = page_number(request.args)
    result = queries.list_activities(filters, page=page)
    if not result.is_capped:  # a capped list says "narrow it" on its further pages
        abort_past_the_end(page, result.pages)
    activity_map = maps.activities_map(result.rows, lang=current_lang()) if not archive else None
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "activities/index.html",
        form=form,
        result=result,
        filters=filters,
        archive=archive,
        activity_map=activity_map,
        page_args=args,
    ), (200 if valid else 400)


@bp.route("/activities/")
def index() -> tuple[str, int]:
    return _list_page(archive=False)


@bp.route("/activities/archive")
def archive() -> tuple[str, int]:
    return _list_page(archive=True)


@bp.route("/activities/mine")
@login_required
def mine() -> str:
    return render_template(
        "activities/mine.html", activities=queries.list_own_activities(current_user.id)
    )


# -- one activity and signing up -----------------------------------------------------------
@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def detail(activity_id: int) -> Any:
    row = _visible_row(activity_id)
    form = SignupForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = current_user.display_name
        form.email.data = current_user.email
    # Every mistake at once: the group size is the service's rule, asked with the form's.
    people = form.people.data if form.is_submitted() else None
    problem = signups.group_size_problem(row.activity, people) if isinstance(people, int) else None
    return handle_form(
        form,
        lambda: signups.sign_up(
            row.activity,
            signups.SignupRequest(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data or "",
                people=form.people.data,
                accessibility_needs=form.accessibility_needs.data or "",
                consent=bool(form.consent.data),
                language=current_lang(),
                user_id=current_user.id if current_user.is_authenticated else None,
            ),
        ),
        done=lambda result: Done(
            url_for(".detail", activity_id=activity_id), _signed_up_message(result)
        ),
        page=lambda: _detail_page(row, form),
        problems=[problem],
    )


def _signed_up_message(result: signups.SignupResult) -> str:
    email = result.signup.email
    if result.position is None:
        return _(
            "You are signed up. We sent a confirmation to %(email)s with a link for "
            "seeing or cancelling your sign-up.",
            email=email,
        )
    return " ".join(
        (
            _("The activity is full, so you are on the waiting list."),
            _("You are number %(position)s on the waiting list.", position=result.position),
            _(
                "We will e-mail %(email)s if you get a place. The e-mail we sent "
                "you has a link for cancelling.",
                email=email,
            ),
        )
    )


def _detail_page(
    row: queries.ActivityRow,
    form: SignupForm,
    *,
    resend_form: ResendLinkForm | None = None,
) -> str:
    translate_type_errors(form)
    activity = row.activity
    form.people.description = ngettext(
        "Yourself included. At most %(num)s person per sign-up.",
        "Yourself included. At most %(num)s people per sign-up.",
        activity.max_group_size,
    )
    return render_template(
        "activities/detail.html",
        row=row,
        activity=activity,
        form=form,
        resend_form=resend_form or ResendLinkForm(prefix="resend"),
        window=activity.signup_window(),
        is_past=activity.is_past(),
        activity_map=maps.activity_map(activity, lang=current_lang()),
    )


@bp.route("/activities/<int:activity_id>/resend-link", methods=["POST"])
@limiter.limit("5 per hour")
def resend_link(activity_id: int) -> Any:
    row = _visible_row(activity_id)
    form = ResendLinkForm(prefix="resend")

    def page() -> str:
        translate_type_errors(form)
        return _detail_page(row, SignupForm(formdata=None), resend_form=form)

    return handle_form(
        form,
        lambda: signups.resend_link(row.activity, form.email.data),
        # The same answer either way: the page must not tell who has signed up.
        done=lambda _result: Done(
            url_for(".detail", activity_id=activity_id),
            _(
                "If %(email)s is signed up for this activity, we sent a new link there. "
                "Earlier links no longer work.",
                email=form.email.data,
            ),
        ),
        page=page,
    )


@bp.route("/activities/calendar.ics")
def calendar_feed() -> Response:
    """What is on in the next queries.CALENDAR_DAYS, or in one major district
    (`?district=<slug>`), as a calendar to subscribe to; an unknown district is a 404.

    The rendered file is reused for a minute per language and district
    (participate.caching.cached_body): calendars poll it, and rendering hundreds of events
    costs far more than serving them."""
    slug = request.args.get("district") or None
    lang = current_lang()
    district = next((d for d in list_districts() if d.slug == slug), None) if slug else None
    if slug and district is None:
        abort(404)

    def render() -> bytes:
        detail_url = url_per_id(".detail", "activity_id", external=True)
        name = (
            _("Activities in %(district)s", district=district.name(lang))
            if district
            else _("Neighbourhood activities %(in_city)s", in_city=current_theme().in_city())
        )
        return activities_calendar(
            queries.list_for_calendar(district.id if district else None),
            lang=lang,
            name=name,
            url_of=lambda activity: detail_url(activity.id),
            host=origin_host(),
        )

    cached = cached_body(("activities.calendar_feed", lang, slug), render)
    response = Response(cached.body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="activities.ics"'
    return conditional(response, max_age=LIST_MAX_AGE, etag=cached.etag)


@bp.route("/activities/<int:activity_id>.ics")
def calendar(activity_id: int) -> Response:
    activity = db.get_or_404(Activity, activity_id)
    if not activity.is_public:
        abort(404)
    lang = current_lang()
    url = external_url(".detail", activity_id=activity.id)
    body = activity_calendar(activity, lang=lang, url=url, host=origin_host())
    response = Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="activity-{activity.id}.ics"',
        },
    )
    return conditional(response, max_age=ITEM_MAX_AGE, last_modified=activity.updated_at)


# -- proposing and editing -----------------------------------------------------------------
@bp.route("/activities/new", methods=["GET", "POST"])
@login_required
@limiter.limit(PROPOSE_LIMIT, methods=["POST"])
def new() -> Any:
    form = ActivityForm()
    if request.method == "GET":
        form.languages.data = [current_lang()]

    def save() -> Activity:
        if current_user.is_moderator:
            return services.create_activity(form.details(), actor=current_user)
        return services.propose_activity(form.details(), author=current_user)

    def saved(activity: Activity) -> Done:
        if activity.is_public:
            message = _("The activity is published.")
        else:
            message = _(
                "Thank you! Your proposal is waiting for review. We will e-mail you "
                "when the city's development manager has checked it."
            )
        return Done(url_for(".detail", activity_id=activity.id), message)

    return handle_form(form, save, done=saved, page=lambda: _form_page(form, None))


def _form_page(form: ActivityForm, activity: Activity | None) -> str:
    translate_type_errors(form)
    return render_template("activities/form.html", form=form, activity=activity)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int) -> Any:
    row = queries.get_activity_row(activity_id)
    if row is None:
        abort(404)
    activity = row.activity
    if not can_edit(activity, current_user):
        abort(403)
    form = ActivityForm()
    if request.method == "GET":
        form.fill_from(activity)
    return handle_form(
        form,
        lambda: services.update_activity(activity, form.details(), actor=current_user),
        done=lambda _result: Done(
            url_for(".detail", activity_id=activity_id), _("Your changes are saved.")
        ),
        page=lambda: _form_page(form, activity),
    )


# -- the organiser's view ------------------------------------------------------------------
def _participants_page(
    row: queries.ActivityRow,
    *,
    message_form: MessageForm | None = None,
    cancel_form: CancelActivityForm | None = None,
) -> Response:
    confirmed, waiting = queries.list_signups(row.activity.id)
    html = render_template(
        "activities/participants.html",
        row=row,
        activity=row.activity,
        confirmed=confirmed,
        waiting=waiting,
        message_form=message_form or MessageForm(prefix="message"),
        cancel_form=cancel_form or CancelActivityForm(prefix="cancel"),
    )
    return _private(html)


@bp.route("/activities/<int:activity_id>/participants")
@login_required
def participants(activity_id: int) -> Response:
    return _participants_page(_managed_row(activity_id))


@bp.route("/activities/<int:activity_id>/participants.csv")
@login_required
def participants_csv(activity_id: int) -> Response:
    row = _managed_row(activity_id)
    confirmed, waiting = queries.list_signups(activity_id)
    phone = _("Telephone number")
    header = [
        _("Status"),
        _("Position on the waiting list"),
        _("Name"),
        _("E-mail address"),
        phone,
        _("Number of people"),
        _("Accessibility needs"),
        _("Language"),
        _("Signed up"),
    ]
    from participate.i18n.formatting import local_datetime

    rows = [
        [
            signup.status.label,
            position or "",
            signup.name,
            signup.email,
            signup.phone,
            signup.people,
            signup.accessibility_needs,
            signup.language,
            local_datetime(signup.created_at),
        ]
        for position, signup in [(None, s) for s in confirmed] + list(enumerate(waiting, start=1))
    ]
    response = Response(
        write_csv(header, rows, phone_columns=[phone]).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="activity-{row.activity.id}-participants.csv"'
            )
        },
    )
    return _private(response)


@bp.route("/activities/<int:activity_id>/message", methods=["POST"])
@login_required
@limiter.limit("20 per hour")
def message(activity_id: int) -> ResponseReturnValue:
    row = _managed_row(activity_id)
    form = MessageForm(prefix="message")
    return handle_form(
        form,
        lambda: services.message_participants(
            row.activity,
            actor=current_user,
            subject=form.subject.data,
            body=form.body.data,
            include_waiting=bool(form.include_waiting.data),
        ),
        done=lambda sent: Done(
            url_for(".participants", activity_id=activity_id),
            ngettext("Message sent to %(num)s person.", "Message sent to %(num)s people.", sent),
        ),
        page=lambda: _participants_page(row, message_form=form),
    )


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@login_required
def cancel(activity_id: int) -> ResponseReturnValue:
    row = _managed_row(activity_id)
    form = CancelActivityForm(prefix="cancel")
    return handle_form(
        form,
        lambda: services.cancel_activity(row.activity, actor=current_user, note=form.note.data),
        done=lambda told: Done(
            url_for(".detail", activity_id=activity_id),
            ngettext(
                "The activity is cancelled. We told %(num)s person by e-mail.",
                "The activity is cancelled. We told %(num)s people by e-mail.",
                told,
            ),
        ),
        page=lambda: _participants_page(row, cancel_form=form),
    )


# -- a participant's own sign-up (private link) ---------------------------------------------
def _signup_or_404(token: str) -> Signup:
    signup = queries.get_signup_by_token(token)
    if signup is None:
        html = render_template("activities/link_problem.html")
        abort(_private((html, 404)))
    return signup


def _signup_page(signup: Signup, form: CancelSignupForm) -> Response:
    row = queries.get_activity_row(signup.activity_id)
    if row is None:  # cannot happen: the foreign key guarantees the activity
        abort(404)
    html = render_template(
        "activities/signup.html",
        signup=signup,
        row=row,
        activity=row.activity,
        position=queries.waiting_position(signup),
        form=form,
        can_cancel=signup.is_live and row.activity.starts_at > utcnow(),
    )
    return _private(html)


@bp.route("/signups/<token>", methods=["GET", "POST"])
@limiter.limit(SIGNUP_LIMIT, methods=["POST"])
def signup(token: str) -> ResponseReturnValue:
    record = _signup_or_404(token)
    form = CancelSignupForm()
    return handle_form(
        form,
        lambda: signups.cancel_signup(record),
        done=lambda _result: Done(
            url_for(".signup", token=token),
            _("Your sign-up is cancelled. We sent you a confirmation."),
        ),
        page=lambda: _signup_page(record, form),
    )
