"""Administrators' pages under /<lang>/admin/ (role: admin): the audit log (search, CSV) and
accounts (roles, blocking). Every change made here is written to the audit log.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from participate.accounts.models import Role, User
from participate.accounts.permissions import role_required
from participate.csv import write_csv
from participate.forms import Done, handle_form
from participate.i18n.formatting import local_datetime
from participate.i18n.urls import LANG_PREFIX
from participate.inputs import page_number
from participate.moderation import admin_queries, users
from participate.moderation.audit import AuditEntry
from participate.moderation.audit_labels import describe_action, describe_kind
from participate.moderation.forms import AuditFilterForm, BlockForm, RoleForm, UserFilterForm

bp = Blueprint("admin", __name__, url_prefix=f"{LANG_PREFIX}/admin")

bp.add_app_template_filter(describe_kind, "audit_kind")
bp.add_app_template_filter(describe_action, "audit_action")


def _audit_filters(form: AuditFilterForm) -> admin_queries.AuditFilters | None:
    if request.args and not form.validate():
        return None
    return admin_queries.AuditFilters(
        actor=form.actor.data or "",
        action=form.action.data or "",
        object_kind=form.object_kind.data or "",
        object_id=form.object_id.data,
        q=form.q.data or "",
    )


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit() -> tuple[str, int]:
    form = AuditFilterForm(formdata=request.args)
    filters = _audit_filters(form)
    page = page_number(request.args)
    pagination = admin_queries.search_audit(filters, page=page) if filters is not None else None
    return render_template(
        "moderation/audit.html",
        form=form,
        filters=filters,
        pagination=pagination,
        page_args={k: v for k, v in request.args.items() if k != "page"},
    ), (200 if filters is not None else 400)


def _who(entry: AuditEntry) -> str:
    if entry.actor is None:
        return _("The system")
    return f"{entry.actor.display_name} <{entry.actor.email}>"


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv() -> Response:
    filters = _audit_filters(AuditFilterForm(formdata=request.args))
    if filters is None:
        abort(400)
    header = [
        _("Number"),
        _("Time (UTC)"),
        _("Time"),
        _("Who"),
        _("Action"),
        _("Action (code)"),
        _("Object"),
        _("Object number"),
        _("Title"),
        _("Reason"),
        _("Before"),
        _("After"),
    ]
    rows = (
        [
            entry.id,
            entry.created_at.isoformat(),
            local_datetime(entry.created_at),
            _who(entry),
            describe_action(entry.action),
            entry.action,
            describe_kind(entry.object_kind),
            entry.object_id if entry.object_id is not None else "",
            entry.object_title,
            entry.reason,
            entry.before or "",
            entry.after or "",
        ]
        for entry in admin_queries.list_audit(filters)
    )
    return Response(
        write_csv(header, rows).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


# Accounts ------------------------------------------------------------------------------


@bp.route("/users")
@role_required(Role.ADMIN)
def users_index() -> tuple[str, int]:
    form = UserFilterForm(formdata=request.args)
    valid = form.validate() if request.args else True
    pagination = None
    if valid:
        blocked = {"yes": True, "no": False}.get(form.blocked.data or "")
        filters = admin_queries.UserFilters(
            q=form.q.data or "",
            role=Role(form.role.data) if form.role.data else None,
            blocked=blocked,
        )
        page = page_number(request.args)
        pagination = admin_queries.search_users(filters, page=page)
    return render_template(
        "moderation/users.html",
        form=form,
        pagination=pagination,
        page_args={k: v for k, v in request.args.items() if k != "page"},
    ), (200 if valid else 400)


def _user_or_404(user_id: int) -> User:
    user = admin_queries.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _user_page(
    user: User,
    *,
    role_form: RoleForm | None = None,
    block_form: BlockForm | None = None,
) -> str:
    if role_form is None:
        role_form = RoleForm(data={"role": user.role.value})
    return render_template(
        "moderation/user.html",
        user=user,
        role_form=role_form,
        block_form=block_form or BlockForm(),
        history=admin_queries.list_audit_for("user", user.id),
        is_self=user.id == current_user.id,
    )


@bp.route("/users/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int) -> str:
    return _user_page(_user_or_404(user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = RoleForm()
    return handle_form(
        form,
        lambda: users.change_role(
            user, Role(form.role.data), actor=current_user, reason=form.role_reason.data or ""
        ),
        done=lambda _result: Done(
            url_for(".user", user_id=user.id),
            _("%(name)s is now: %(role)s.", name=user.display_name, role=user.role.label),
        ),
        page=lambda: _user_page(user, role_form=form),
    )


def _block(user_id: int, *, block: bool) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = BlockForm()
    change = users.block_user if block else users.unblock_user
    if block:
        message = _("%(name)s is blocked.", name=user.display_name)
    else:
        message = _("%(name)s is no longer blocked.", name=user.display_name)
    return handle_form(
        form,
        lambda: change(user, actor=current_user, reason=form.block_reason.data or ""),
        done=lambda _result: Done(url_for(".user", user_id=user.id), message),
        page=lambda: _user_page(user, block_form=form),
    )


@bp.route("/users/<int:user_id>/block", methods=["POST"])
@role_required(Role.ADMIN)
def block(user_id: int) -> ResponseReturnValue:
    return _block(user_id, block=True)


@bp.route("/users/<int:user_id>/unblock", methods=["POST"])
@role_required(Role.ADMIN)
def unblock(user_id: int) -> ResponseReturnValue:
    return _block(user_id, block=False)
