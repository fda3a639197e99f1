"""Admins add, change and remove councillors: /<lang>/councillors/admin/…"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from participate.accounts.models import Role
from participate.accounts.permissions import role_required
from participate.councillors import queries, services
from participate.councillors.forms import CouncillorForm
from participate.councillors.models import Councillor, CouncillorRole
from participate.councillors.views import bp
from participate.forms import Done, handle_form


def _form(obj: Councillor | None = None) -> CouncillorForm:
    form = CouncillorForm()
    if request.method == "GET":
        if obj is not None:
            form.fill_from(services.data_of(obj))
        else:
            form.role.data = CouncillorRole.MEMBER.value
            form.languages.data = ["fi"]
    return form


def _get_or_404(councillor_id: int) -> Councillor:
    councillor = queries.get_councillor(councillor_id)
    if councillor is None:
        abort(404)
    return councillor


@bp.route("/admin/")
@role_required(Role.ADMIN)
def admin_index() -> str:
    return render_template("councillors/admin/index.html", councillors=queries.list_councillors())


@bp.route("/admin/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_new() -> ResponseReturnValue:
    form = _form()
    return handle_form(
        form,
        lambda: services.create_councillor(form.to_data(), actor=current_user),
        done=lambda councillor: Done(
            url_for("councillors.admin_index"), _("%(name)s is added.", name=councillor.full_name)
        ),
        template="councillors/admin/form.html",
        councillor=None,
    )


@bp.route("/admin/<int:councillor_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_edit(councillor_id: int) -> ResponseReturnValue:
    councillor = _get_or_404(councillor_id)
    form = _form(councillor)
    return handle_form(
        form,
        lambda: services.update_councillor(councillor, form.to_data(), actor=current_user),
        done=lambda _result: Done(
            url_for("councillors.admin_index"),
            _("The details of %(name)s are saved.", name=councillor.full_name),
        ),
        template="councillors/admin/form.html",
        councillor=councillor,
    )


@bp.route("/admin/<int:councillor_id>/remove", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_remove(councillor_id: int) -> ResponseReturnValue:
    councillor = _get_or_404(councillor_id)
    form = FlaskForm()
    name = councillor.full_name
    return handle_form(
        form,
        lambda: services.delete_councillor(councillor, actor=current_user),
        done=lambda _result: Done(
            url_for("councillors.admin_index"), _("%(name)s is removed.", name=name)
        ),
        template="councillors/admin/remove.html",
        councillor=councillor,
    )
