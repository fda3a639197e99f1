"""Notification settings (signed in) and one-click unsubscribe (no session, RFC 8058)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participate.extensions import csrf, limiter
from participate.forms import Done, handle_action, handle_form
from participate.i18n.urls import LANG_PREFIX
from participate.notifications import services
from participate.notifications.forms import NotificationSettingsForm
from participate.notifications.kinds import ALL_KINDS, EVENT_KINDS
from participate.notifications.models import Frequency
from participate.notifications.tokens import read_token

bp = Blueprint("notifications", __name__, url_prefix=LANG_PREFIX)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    form = NotificationSettingsForm()
    if request.method == "GET":
        for kind, frequency in services.settings_of(current_user.id).items():
            form.kinds[kind].data = frequency.value
        form.language.data = current_user.language
    return handle_form(
        form,
        lambda: services.save_settings(
            current_user,
            {kind: Frequency(form.kinds[kind].data) for kind in EVENT_KINDS},
            language=form.language.data,
        ),
        done=lambda _result: Done(
            url_for(".settings", lang_code=current_user.language),
            _("Your notification settings are saved."),
        ),
        template="notifications/settings.html",
        kinds=EVENT_KINDS,
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail clients POST without a session
@limiter.limit("30 per minute")
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET: a page with one button (link scanners must not unsubscribe anyone).
    POST: unsubscribe, from that button or from the mail client's one-click
    `List-Unsubscribe=One-Click` request (RFC 8058), with no session."""
    request_ = read_token(token)
    if request_ is None:
        abort(404)
    label = _("every digest") if request_.kind == ALL_KINDS else str(EVENT_KINDS[request_.kind][0])
    if request.method == "POST":

        def unsubscribe() -> None:
            if not services.unsubscribe(request_):
                abort(404)

        return handle_action(
            unsubscribe,
            done=lambda _result: render_template("notifications/unsubscribed.html", label=label),
        )
    return render_template("notifications/unsubscribe.html", label=label, token=token)
