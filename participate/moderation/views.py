"""The development manager's desk under /<lang>/moderation/ (role: moderator or admin).

Generic routes work for every kind in `queries.QUEUE_KINDS`: the queue (with filters and bulk
decisions), one item (decision, reports, correction). Then the initiative's answer, the
standard reasons, statistics and the council report. docs/moderation.md describes them.

Size: over 400 lines because the desk is one blueprint whose pages share the queue and item
helpers; every form goes through participate.forms.handle_form and the charts are built in
charts.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from participate.accounts.models import Role
from participate.accounts.permissions import role_required
from participate.districts.queries import list_districts
from participate.forms import Done, handle_form
from participate.i18n.content import current_lang
from participate.i18n.formatting import local_duration
from participate.i18n.locale import LANGS
from participate.i18n.urls import LANG_PREFIX
from participate.initiatives import clock
from participate.initiatives import queries as initiative_queries
from participate.initiatives.answers import AnswerData
from participate.initiatives.models import Initiative
from participate.inputs import page_number
from participate.moderation import (
    answers,
    charts,
    council_report,
    queries,
    reports,
    services,
    standard_reasons,
    statistics,
)
from participate.moderation.editing import EDITORS
from participate.moderation.forms import (
    AnswerForm,
    BulkDecisionForm,
    CloseReportsForm,
    CouncilDecisionForm,
    DecisionForm,
    PeriodForm,
    ReasonForm,
    edit_form,
)
from participate.moderation.models import StandardReason
from participate.moderation.periods import Period, last_full_months, recent_months
from participate.paging import abort_past_the_end
from participate.text import format_body
from participate.urls import external_url
from participate.workflow.models import ModeratedMixin
from participate.workflow.services import list_transitions
from participate.workflow.states import Action, Status

bp = Blueprint("moderation", __name__, url_prefix=f"{LANG_PREFIX}/moderation")

COUNCIL_REPORT_MONTHS = 6
STATISTICS_MONTHS = 12


@bp.app_template_filter("waited")
def waited(value: timedelta) -> str:
    """How long something has waited, in words ("3 days")."""
    return local_duration(value)


def _get_item_or_404(kind: str, item_id: int) -> ModeratedMixin:
    item = queries.get_item(kind, item_id)
    # Drafts are the author's alone, even on the desk.
    if item is None or item.status == Status.DRAFT:
        abort(404)
    return item


def _item_page(
    kind: str,
    item: ModeratedMixin,
    form: DecisionForm,
    close_form: CloseReportsForm | None = None,
) -> str:
    reports = queries.list_reports(kind, item.id)  # type: ignore[attr-defined]
    return render_template(
        "moderation/item.html",
        kind=kind,
        item=item,
        form=form,
        history=list_transitions(kind, item.id),  # type: ignore[attr-defined]
        reports=reports,
        open_reports=[report for report in reports if report.is_open],
        close_form=close_form or CloseReportsForm(),
        can_edit=kind in EDITORS,
        # The kind says whether the city may answer it now (lifecycle.py); most never.
        can_answer=item.lifecycle.can_answer(item.status),
    )


# The queue -----------------------------------------------------------------------------


def _queue_page(bulk_form: BulkDecisionForm | None = None) -> str:
    districts = list_districts()
    filters = queries.parse_queue_filters(request.args, {d.slug for d in districts})
    counts = queries.count_waiting_by_kind_once()
    queue = queries.list_queue_page(filters, page=page_number(request.args), counts=counts)
    entries = queue.items
    if bulk_form is None:
        bulk_form = BulkDecisionForm()
    lang = current_lang()
    return render_template(
        "moderation/index.html",
        entries=entries,
        kinds=queries.QUEUE_KINDS,
        counts=counts,
        queue=queue,
        filters=filters,
        current_kind=filters.kind,
        district_choices=[(d.slug, d.name(lang)) for d in districts],
        whole_city=queries.WHOLE_CITY,
        age_choices=queries.AGE_CHOICES,
        langs=LANGS,
        bulk_form=bulk_form,
        bulk_possible=any(entry.is_submission for entry in entries),
    )


@bp.route("/")
@role_required(Role.MODERATOR)
def index() -> str:
    return _queue_page()


def _parse_keys(values: list[str]) -> list[tuple[str, int]]:
    keys = []
    for value in values:
        kind, _sep, item_id = value.partition(":")
        if queries.get_kind(kind) is not None and item_id.isdigit():
            keys.append((kind, int(item_id)))
    return keys


@bp.route("/bulk", methods=["POST"])
@role_required(Role.MODERATOR)
def bulk() -> ResponseReturnValue:
    form = BulkDecisionForm()

    def decide_many() -> services.BulkResult:
        items = [
            (kind, item)
            for kind, item in queries.get_items(_parse_keys(form.items.data or []))
            if item.status != Status.DRAFT
        ]
        return services.decide_many(
            items,
            Action(form.action.data),
            actor=current_user,
            reason=form.reason.data or "",
            reasons=queries.get_reasons(form.reasons.data or []),
        )

    def decided(result: services.BulkResult) -> Done:
        # The count of those decided, then one message for each item left as it was.
        if result.done:
            flash(
                ngettext(
                    "Decision saved for %(num)s submission. The author is told by e-mail.",
                    "Decision saved for %(num)s submissions. The authors are told by e-mail.",
                    len(result.done),
                ),
                "success",
            )
        for _kind, item, message in result.skipped:
            flash(
                _(
                    "Not changed: “%(title)s”. %(reason)s",
                    title=item.moderation_title(),
                    reason=message,
                ),
                "error",
            )
        filters: dict[str, Any] = request.args.to_dict()
        return Done(url_for(".index", **filters))

    return handle_form(form, decide_many, done=decided, page=lambda: _queue_page(form))


# One item ------------------------------------------------------------------------------


@bp.route("/<string:kind>/<int:item_id>")
@role_required(Role.MODERATOR)
def item(kind: str, item_id: int) -> str:
    found = _get_item_or_404(kind, item_id)
    return _item_page(kind, found, DecisionForm(item=found))


@bp.route("/<string:kind>/<int:item_id>/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(kind: str, item_id: int) -> ResponseReturnValue:
    found = _get_item_or_404(kind, item_id)
    form = DecisionForm(item=found)
    return handle_form(
        form,
        lambda: services.decide(
            found,
            Action(form.action.data),
            actor=current_user,
            reason=form.reason.data or "",
            reasons=queries.get_reasons(form.reasons.data or []),
        ),
        done=lambda _result: Done(
            url_for(".index"),
            _(
                "Decision saved (%(action)s): “%(title)s”. The author is told by e-mail.",
                action=Action(form.action.data).label,
                title=found.moderation_title(),
            ),
        ),
        page=lambda: _item_page(kind, found, form),
    )


@bp.route("/<string:kind>/<int:item_id>/reports", methods=["POST"])
@role_required(Role.MODERATOR)
def close_reports(kind: str, item_id: int) -> ResponseReturnValue:
    found = _get_item_or_404(kind, item_id)
    form = CloseReportsForm()
    return handle_form(
        form,
        lambda: reports.close_reports(found, actor=current_user, note=form.close_note.data or ""),
        done=lambda _result: Done(
            url_for(".index"),
            _("The reports are closed: “%(title)s”.", title=found.moderation_title()),
        ),
        page=lambda: _item_page(kind, found, DecisionForm(item=found), close_form=form),
    )


@bp.route("/<string:kind>/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def edit(kind: str, item_id: int) -> ResponseReturnValue:
    found = _get_item_or_404(kind, item_id)
    editor = EDITORS.get(kind)
    if editor is None:
        abort(404)
    form = edit_form(editor.fields, obj=found)
    return handle_form(
        form,
        lambda: services.edit_item(
            kind,
            found,
            {field.name: form[field.name].data or "" for field in editor.fields},
            actor=current_user,
            reason=form.reason.data or "",
        ),
        done=lambda _result: Done(
            url_for(".item", kind=kind, item_id=item_id),
            _("Your correction is saved and the author is told by e-mail."),
        ),
        template="moderation/edit.html",
        kind=kind,
        item=found,
        fields=editor.fields,
    )


# The initiative's own desk pages -------------------------------------------------------


@bp.route("/initiatives/unanswered")
@role_required(Role.MODERATOR)
def unanswered() -> str:
    """Published initiatives without the city's answer, oldest first, 50 a page; the pages
    reach the oldest 1,000 (the count says "more than" above that), 404 past the last."""
    page = page_number(request.args)
    pagination = initiative_queries.list_unanswered(page=page)
    abort_past_the_end(page, pagination.pages)
    return render_template("moderation/unanswered.html", pagination=pagination)


@bp.route("/initiatives/council-clock")
@role_required(Role.MODERATOR)
def council_clock() -> str:
    """Filed initiatives past the threshold by council deadline: overdue, due soon, later."""
    return render_template("moderation/council_clock.html", rows=_clock_rows())


def _clock_rows(
    failed: CouncilDecisionForm | None = None, failed_id: int | None = None
) -> list[tuple[Initiative, clock.ClockState | None, CouncilDecisionForm]]:
    """Each initiative on the clock with its state and its own form (ids prefixed by row)."""
    rows = []
    for initiative in clock.list_on_clock():
        if failed is not None and initiative.id == failed_id:
            form = failed
        else:
            form = CouncilDecisionForm(prefix=f"i{initiative.id}", formdata=None)
        rows.append((initiative, clock.clock_state(initiative), form))
    return rows


@bp.route("/initiative/<int:item_id>/council-decision", methods=["POST"])
@role_required(Role.MODERATOR)
def council_decision(item_id: int) -> ResponseReturnValue:
    initiative = initiative_queries.get_initiative(item_id)
    if initiative is None:
        abort(404)
    form = CouncilDecisionForm(prefix=f"i{initiative.id}")
    return handle_form(
        form,
        lambda: clock.record_council_decision(
            initiative,
            decided_on=form.decided_on.data,
            minutes_url=form.minutes_url.data or "",
            actor=current_user,
        ),
        done=lambda count: Done(
            url_for(".council_clock"),
            ngettext(
                "The council's decision is recorded. %(num)s person was told by e-mail.",
                "The council's decision is recorded. %(num)s people were told by e-mail.",
                count,
            ),
        ),
        page=lambda: render_template(
            "moderation/council_clock.html", rows=_clock_rows(form, initiative.id)
        ),
    )


@bp.route("/initiative/<int:item_id>/answer", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def answer(item_id: int) -> ResponseReturnValue:
    initiative = initiative_queries.get_initiative(item_id)
    if initiative is None or initiative.status == Status.DRAFT:
        abort(404)
    form = AnswerForm()
    return handle_form(
        form,
        lambda: answers.answer_initiative(
            initiative,
            AnswerData(
                decision_maker=form.decision_maker.data or "",
                decision_maker_translations={
                    lang: getattr(form, f"decision_maker_{lang}").data or ""
                    for lang in ("sv", "en")
                },
                decided_on=form.decided_on.data,
                bodies={
                    lang: getattr(form, f"body_{lang}").data or "" for lang in ("fi", "sv", "en")
                },
            ),
            actor=current_user,
        ),
        done=lambda _result: Done(
            url_for("initiatives.detail", initiative_id=initiative.id),
            _("The answer is published. The author and the supporters are told by e-mail."),
        ),
        template="moderation/answer.html",
        initiative=initiative,
        body_html=format_body(initiative.body),
        can_answer=initiative.lifecycle.can_answer(initiative.status),
    )


# Standard reasons ----------------------------------------------------------------------


def _reason_or_404(reason_id: int) -> StandardReason:
    reason = queries.get_reason(reason_id)
    if reason is None:
        abort(404)
    return reason


def _reason_data(form: ReasonForm) -> standard_reasons.ReasonData:
    return standard_reasons.ReasonData(
        text_fi=form.text_fi.data or "",
        text_sv=form.text_sv.data or "",
        text_en=form.text_en.data or "",
        position=form.position.data or 0,
        is_active=bool(form.is_active.data),
    )


@bp.route("/reasons")
@role_required(Role.MODERATOR)
def reasons() -> str:
    return render_template("moderation/reasons.html", reasons=queries.list_reasons())


@bp.route("/reasons/new", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def reason_new() -> ResponseReturnValue:
    form = ReasonForm()
    return handle_form(
        form,
        lambda: standard_reasons.save_reason(_reason_data(form), actor=current_user),
        done=lambda _result: Done(url_for(".reasons"), _("The standard reason is added.")),
        template="moderation/reason_form.html",
        reason=None,
    )


@bp.route("/reasons/<int:reason_id>/edit", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def reason_edit(reason_id: int) -> ResponseReturnValue:
    reason = _reason_or_404(reason_id)
    form = ReasonForm(obj=reason)
    return handle_form(
        form,
        lambda: standard_reasons.save_reason(_reason_data(form), actor=current_user, reason=reason),
        done=lambda _result: Done(url_for(".reasons"), _("The standard reason is saved.")),
        template="moderation/reason_form.html",
        reason=reason,
    )


@bp.route("/reasons/<int:reason_id>/delete", methods=["POST"])
@role_required(Role.MODERATOR)
def reason_delete(reason_id: int) -> ResponseReturnValue:
    reason = _reason_or_404(reason_id)
    back = url_for(".reasons")
    # Only the CSRF token matters here: a FlaskForm without fields checks it.
    return handle_form(
        FlaskForm(),
        lambda: standard_reasons.delete_reason(reason, actor=current_user),
        done=lambda _result: Done(
            back, _("The standard reason is removed. Past decisions keep their text.")
        ),
        back=back,
    )


# Statistics and the council report ------------------------------------------------------


def _period_form(default: Period) -> tuple[PeriodForm, Period | None]:
    """The period from ?start=&end= (or the default); None when the input is wrong."""
    if "start" in request.args or "end" in request.args:
        form = PeriodForm(formdata=request.args)
        return form, (form.period if form.validate() else None)
    form = PeriodForm(data={"start": default.start, "end": default.end})
    return form, default


@bp.route("/statistics")
@role_required(Role.MODERATOR)
def statistics_page() -> tuple[str, int]:
    form, period = _period_form(recent_months(STATISTICS_MONTHS))
    stats = statistics.build(period, current_lang()) if period else None
    return render_template(
        "moderation/statistics.html",
        form=form,
        stats=stats,
        charts=charts.statistics_charts(stats) if stats else {},
    ), (200 if stats else 400)


@bp.route("/council-report")
@role_required(Role.MODERATOR)
def council_report_page() -> tuple[str, int]:
    form, period = _period_form(last_full_months(COUNCIL_REPORT_MONTHS))
    report = (
        council_report.build(period, current_lang(), limit=council_report.PAGE_LISTED)
        if period
        else None
    )
    return render_template(
        "moderation/council_report.html",
        form=form,
        report=report,
        Status=Status,
        council_clock=clock.clock_state,
    ), (200 if report else 400)


@bp.route("/council-report.csv")
@role_required(Role.MODERATOR)
def council_report_csv() -> Response:
    _form, period = _period_form(last_full_months(COUNCIL_REPORT_MONTHS))
    if period is None:
        abort(400)
    lang = current_lang()
    report = council_report.build(period, lang)
    body = council_report.report_csv(
        report,
        lang=lang,
        entry_url=lambda initiative: external_url(
            "initiatives.detail", initiative_id=initiative.id
        ),
    )
    filename = f"council-report-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        body.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
