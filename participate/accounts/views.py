"""Account pages under /<lang>/account/."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from participate.accounts import services
from participate.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from participate.accounts.identity import get_identity
from participate.accounts.models import User
from participate.accounts.tokens import RESET_MAX_AGE, VERIFY_MAX_AGE
from participate.errors import DomainError
from participate.extensions import limiter
from participate.forms import Done, handle_action, handle_form
from participate.i18n.content import current_lang
from participate.i18n.urls import LANG_PREFIX

bp = Blueprint("accounts", __name__, url_prefix=f"{LANG_PREFIX}/account")

AUTH_LIMIT = "10 per minute;60 per hour"


def _safe_next(target: str | None) -> str | None:
    """Only paths on this site: `//evil.example` and `https://…` are open redirects."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = current_lang()
    return handle_form(
        form,
        lambda: services.register(
            services.Registration(
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                language=form.language.data,
                home_district_id=form.home_district.data,
            )
        ),
        # The same answer whether or not the address already had an account.
        done=lambda _result: render_template(
            "accounts/register_sent.html", email=form.email.data, hours=VERIFY_MAX_AGE // 3600
        ),
        template="accounts/register.html",
    )


@bp.route("/verify/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    def verified(result: tuple[User, bool]) -> Done:
        user, just_verified = result
        if just_verified and not current_user.is_authenticated:
            # The link was mailed right after registration: following it the first time
            # proves the mailbox and signs the new resident in (registration itself does
            # not, so that it answers the same for an address that already has an account).
            login_user(user)
        target = "accounts.profile" if current_user.is_authenticated else "accounts.login"
        return Done(url_for(target), _("Thank you! Your e-mail address is verified."))

    return handle_action(
        lambda: services.verify_email(token),
        done=verified,
        failed=lambda error: (
            render_template("accounts/link_problem.html", message=error.message),
            400,
        ),
    )


@bp.route("/verify", methods=["POST"])
@login_required
@limiter.limit("3 per hour")
def resend_verification() -> ResponseReturnValue:
    def send() -> None:
        if not current_user.is_verified:
            services.send_verification(current_user)

    return handle_action(
        send,
        done=lambda _result: Done(
            url_for("accounts.profile"),
            _("We sent a new link to %(email)s.", email=current_user.email),
        ),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    form = LoginForm()

    def signed_in(user: User) -> Done:
        login_user(user, remember=form.remember.data)
        target = _safe_next(request.args.get("next")) or url_for("web.index")
        return Done(target, _("You are signed in."))

    return handle_form(
        form,
        lambda: services.authenticate(form.email.data, form.password.data),
        done=signed_in,
        template="accounts/login.html",
    )


@bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("web.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    return handle_form(
        form,
        lambda: services.request_password_reset(form.email.data),
        done=lambda _result: render_template(
            "accounts/reset_sent.html", email=form.email.data, hours=RESET_MAX_AGE // 3600
        ),
        template="accounts/forgot_password.html",
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        services.check_reset_token(token)
    except DomainError as error:
        forgot = ForgotPasswordForm()
        return render_template(
            "accounts/forgot_password.html", form=forgot, problem=error.message
        ), 400
    form = ResetPasswordForm()
    return handle_form(
        form,
        lambda: services.reset_password(token, form.password.data),
        done=lambda _result: Done(
            url_for("accounts.login"),
            _("Your password is changed. Sign in with your new password."),
        ),
        template="accounts/reset_password.html",
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    form = ProfileForm(obj=current_user, prefix="profile")
    if request.method == "GET":
        form.home_district.data = current_user.home_district_id
    return handle_form(
        form,
        lambda: services.update_profile(
            current_user,
            display_name=form.display_name.data,
            language=form.language.data,
            home_district_id=form.home_district.data,
        ),
        done=lambda _result: Done(
            url_for("accounts.profile", lang_code=current_user.language),
            _("Your details are saved."),
        ),
        template="accounts/profile.html",
        password_form=ChangePasswordForm(prefix="password"),
    )


@bp.route("/password", methods=["POST"])
@login_required
@limiter.limit(AUTH_LIMIT)
def change_password() -> ResponseReturnValue:
    password_form = ChangePasswordForm(prefix="password")

    def page() -> str:
        form = ProfileForm(obj=current_user, prefix="profile", formdata=None)
        form.home_district.data = current_user.home_district_id
        return render_template("accounts/profile.html", form=form, password_form=password_form)

    return handle_form(
        password_form,
        lambda: services.change_password(
            current_user, password_form.current_password.data, password_form.password.data
        ),
        done=lambda _result: Done(url_for("accounts.profile"), _("Your password is changed.")),
        page=page,
    )


@bp.route("/my-data")
@login_required
def my_data() -> str:
    return render_template(
        "accounts/my_data.html", form=DeleteAccountForm(), identity=get_identity(current_user.id)
    )


@bp.route("/my-data/download")
@login_required
def download_data() -> Response:
    body = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="participate-my-data.json"'},
    )


@bp.route("/my-data/delete", methods=["POST"])
@login_required
@limiter.limit(AUTH_LIMIT)
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()

    def deleted(_result: None) -> Done:
        logout_user()
        return Done(url_for("web.index"), _("Your account and personal data are deleted."))

    return handle_form(
        form,
        lambda: services.delete_account(current_user, form.password.data),
        done=deleted,
        page=lambda: render_template(
            "accounts/my_data.html", form=form, identity=get_identity(current_user.id)
        ),
    )
