"""The development manager's desk under /<lang>/moderation/ (role: moderator or admin).

Generic routes work for every kind in `queries.QUEUE_KINDS`; the initiative's answer has its
own. docs/initiatives.md ("Moderation desk: adding a kind") describes the contract.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from participate.accounts.models import Role
from participate.accounts.permissions import role_required
from participate.errors import DomainError
from participate.extensions import db
from participate.forms import show_domain_error
from participate.initiatives import queries as initiative_queries
from participate.initiatives.models import Initiative
from participate.initiatives.services import AnswerData
from participate.initiatives.text import format_body
from participate.moderation import answers, queries, services
from participate.moderation.forms import DESK_ACTIONS, AnswerForm, DecisionForm
from participate.workflow.models import ModeratedMixin
from participate.workflow.services import list_transitions
from participate.workflow.states import Action, Status

bp = Blueprint("moderation", __name__, url_prefix="/<any(fi,sv,en):lang_code>/moderation")


@bp.app_template_filter("waited")
def waited(value: timedelta) -> str:
    """How long something has waited, in words ("3 days")."""
    return format_timedelta(value, threshold=1.1, add_direction=False)


def _get_item_or_404(kind: str, item_id: int) -> ModeratedMixin:
    item = queries.get_item(kind, item_id)
    # Drafts are the author's alone, even on the desk.
    if item is None or item.status == Status.DRAFT:
        abort(404)
    return item


def _decision_form(item: ModeratedMixin) -> DecisionForm:
    form = DecisionForm()
    form.action.choices = [
        (action.value, action.label)
        for action in DESK_ACTIONS
        if item.workflow.can(item.status, action)
    ]
    return form


def _item_page(kind: str, item: ModeratedMixin, form: DecisionForm) -> str:
    extra = {}
    if isinstance(item, Initiative):
        extra = {"body_html": format_body(item.body), "can_answer": item.status == Status.PUBLISHED}
    return render_template(
        "moderation/item.html",
        kind=kind,
        item=item,
        form=form,
        history=list_transitions(kind, item.id),  # type: ignore[attr-defined]
        **extra,
    )


@bp.route("/")
@role_required(Role.MODERATOR)
def index() -> str:
    kind = request.args.get("kind") or None
    if kind is not None and queries.get_kind(kind) is None:
        kind = None
    return render_template(
        "moderation/index.html",
        entries=queries.list_queue(kind),
        kinds=queries.QUEUE_KINDS,
        current_kind=kind,
    )


@bp.route("/<string:kind>/<int:item_id>")
@role_required(Role.MODERATOR)
def item(kind: str, item_id: int) -> str:
    found = _get_item_or_404(kind, item_id)
    return _item_page(kind, found, _decision_form(found))


@bp.route("/<string:kind>/<int:item_id>/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(kind: str, item_id: int) -> tuple[str, int] | BaseResponse:
    found = _get_item_or_404(kind, item_id)
    form = _decision_form(found)
    if form.validate_on_submit():
        action = Action(form.action.data)
        try:
            services.decide(found, action, actor=current_user, reason=form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Decision saved (%(action)s): “%(title)s”. The author is told by e-mail.",
                    action=action.label,
                    title=found.moderation_title(),
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return _item_page(kind, found, form), 400


# The initiative's own desk pages -----------------------------------------------------------


@bp.route("/initiatives/unanswered")
@role_required(Role.MODERATOR)
def unanswered() -> str:
    return render_template(
        "moderation/unanswered.html", initiatives=initiative_queries.list_unanswered()
    )


@bp.route("/initiative/<int:item_id>/answer", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def answer(item_id: int) -> str | tuple[str, int] | BaseResponse:
    initiative = initiative_queries.get_initiative(item_id)
    if initiative is None or initiative.status == Status.DRAFT:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        data = AnswerData(
            decision_maker=form.decision_maker.data or "",
            decided_on=form.decided_on.data,
            bodies={lang: getattr(form, f"body_{lang}").data or "" for lang in ("fi", "sv", "en")},
        )
        try:
            answers.answer_initiative(initiative, data, actor=current_user)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The answer is published. The author and the supporters are told by e-mail."),
                "success",
            )
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    page = render_template(
        "moderation/answer.html",
        initiative=initiative,
        form=form,
        body_html=format_body(initiative.body),
        can_answer=initiative.status == Status.PUBLISHED,
    )
    return (page, 400) if request.method == "POST" else page
