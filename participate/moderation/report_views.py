"""Residents report inappropriate content: /<lang>/report/<kind>/<id> (signed in, rate-limited).

The pages of initiatives and activities link here ("Report inappropriate content"); the
report lands in the desk's queue, and enough of them hide the item until it is checked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participate.extensions import limiter
from participate.forms import Done, handle_form
from participate.i18n.urls import LANG_PREFIX
from participate.moderation import queries, reports
from participate.moderation.forms import ReportForm
from participate.moderation.models import ReportReason
from participate.workflow.models import ModeratedMixin

bp = Blueprint("report", __name__, url_prefix=f"{LANG_PREFIX}/report")

# Enough for a person who reads a lot, too few for a script that tries to hide content.
REPORT_LIMIT = "10 per hour"


def _item_url(item: ModeratedMixin) -> str | None:
    if not item.is_public:
        return None
    endpoint, values = item.moderation_link()
    return url_for(endpoint, **values)


def _page(item: ModeratedMixin, form: ReportForm, *, reported: bool) -> str:
    return render_template(
        "moderation/report.html",
        item=item,
        form=form,
        reported=reported,
        item_url=_item_url(item),
    )


@bp.route("/<string:kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(REPORT_LIMIT, methods=["POST"])
def new(kind: str, item_id: int) -> Any:
    item = queries.get_item(kind, item_id)
    if item is None:
        abort(404)
    already = queries.get_report_by(kind, item_id, current_user.id) is not None
    if already:
        # The thank-you page, also after the report hid the item.
        return _page(item, ReportForm(formdata=None), reported=True)
    if not item.is_public:
        abort(404)
    form = ReportForm()

    def reported(result: reports.ReportResult) -> Done:
        if result.hidden:
            message = _(
                "Thank you for your report. The content is hidden until the city's "
                "development manager has checked it."
            )
        else:
            message = _("Thank you for your report. The city's development manager will check it.")
        return Done(url_for(".new", kind=kind, item_id=item_id), message)

    return handle_form(
        form,
        lambda: reports.report_item(
            item,
            reporter=current_user,
            reason=ReportReason(form.reason.data),
            details=form.details.data or "",
        ),
        done=reported,
        page=lambda: _page(item, form, reported=False),
    )
