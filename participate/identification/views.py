"""Strong identification routes.

/<lang>/account/identify            GET: what happens and the name choice; POST: to the IdP
/<lang>/account/identify/done       back from /saml/acs: link the identity, return
/<lang>/account/identify/sign-out   POST: sign out here and at the identity provider
/saml/metadata                      this service provider's metadata (for the IdP)
/saml/acs                           the assertion consumer (POST binding)
/saml/sls                           single logout: the IdP's LogoutRequest or LogoutResponse
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, HiddenField

from participate.accounts.identity import get_identity
from participate.accounts.models import Identity
from participate.errors import DomainError
from participate.extensions import csrf, limiter
from participate.forms import Done, handle_action, handle_form
from participate.i18n.content import current_lang
from participate.i18n.urls import LANG_PREFIX
from participate.identification import saml, services
from participate.identification.models import IdentificationRequest
from participate.theme import current_theme
from participate.urls import external_url

bp = Blueprint("identification", __name__)
PAGE = f"{LANG_PREFIX}/account/identify"
SESSION_NAME_ID = "saml_name_id"
SESSION_INDEX = "saml_session_index"


class IdentifyForm(FlaskForm):
    show_name = BooleanField(
        _l("Keep my name from the identification and show it as the name of my account")
    )
    next = HiddenField()


def _safe_path(target: str | None) -> str | None:
    """Only paths on this site: `//evil.example` and `https://…` are open redirects."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:500]
    return None


def _enabled() -> None:
    if not current_app.config["SETTINGS"].is_identification_enabled:
        abort(404)


@bp.route(PAGE, methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def identify() -> Any:
    _enabled()
    form = IdentifyForm()
    if request.method == "GET":
        form.next.data = _safe_path(request.args.get("next")) or url_for("accounts.profile")
    return handle_form(
        form,
        lambda: services.start(
            current_user,
            lang=current_lang(),
            return_to=_safe_path(form.next.data) or url_for("accounts.profile"),
            show_name=bool(form.show_name.data),
        ),
        done=lambda location: redirect(location, 303),
        page=lambda: render_template(
            "identification/identify.html", form=form, identity=get_identity(current_user.id)
        ),
    )


@bp.route(f"{PAGE}/done")
@login_required
def done() -> ResponseReturnValue:
    _enabled()

    def identified(result: tuple[Identity, IdentificationRequest]) -> Done:
        identity, finished = result
        answer = finished.result or {}
        session[SESSION_NAME_ID] = answer.get("name_id", "")
        session[SESSION_INDEX] = answer.get("session_index", "")
        if identity.counts_toward_threshold(current_app.config["SETTINGS"].municipality_code):
            return Done(
                finished.return_to,
                _("You are identified. Your supports count toward the threshold."),
            )
        return Done(
            finished.return_to,
            _(
                "You are identified. You do not live %(in_city)s or are under 18, so your "
                "supports are shown as other supports.",
                in_city=current_theme().in_city(),
            ),
        )

    return handle_action(
        lambda: services.finish(current_user, request.args.get("request", "")),
        done=identified,
        failed=lambda error: (
            render_template("identification/failed.html", message=error.message),
            400,
        ),
    )


@bp.route(f"{PAGE}/sign-out", methods=["POST"])
@login_required
def sign_out() -> BaseResponse:
    """Sign out here and, when identified in this session, at the identity provider."""
    from saml2 import BINDING_HTTP_REDIRECT  # pysaml2 only where used (saml.py)
    from saml2.saml import name_id_from_string

    if not FlaskForm().validate_on_submit():
        abort(400)
    name_id = session.pop(SESSION_NAME_ID, "")
    session_index = session.pop(SESSION_INDEX, "")
    logout_user()
    flash(_("You are signed out."), "success")
    if not name_id or not current_app.config["SETTINGS"].is_identification_enabled:
        return redirect(url_for("web.index"))
    client = saml.client()
    idp = next(iter(client.metadata.identity_providers()))
    destination = client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0][
        "location"
    ]
    _request_id, logout_request = client.create_logout_request(
        destination,
        idp,
        name_id=name_id_from_string(name_id),
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(logout_request),
        destination,
        relay_state=current_lang(),
        sign=True,
        sigalg=client.signing_algorithm or None,
    )
    return redirect(dict(info["headers"])["Location"], 303)


@bp.route("/saml/metadata")
def metadata() -> Response:
    _enabled()
    return Response(saml.metadata_xml(), mimetype="application/samlmetadata+xml")


@bp.route("/saml/acs", methods=["POST"])
@csrf.exempt  # the identity provider POSTs here; the signed assertion is the proof
@limiter.limit("30 per minute")
def acs() -> ResponseReturnValue:
    _enabled()
    relay_state = request.form.get("RelayState", "")

    def refused(error: DomainError) -> tuple[str, int]:
        # The page that started the identification chose the language (no prefix here).
        g.lang_code = lang = getattr(error, "lang", "fi")
        with force_locale(lang):
            return render_template("identification/failed.html", message=error.message), 400

    return handle_action(
        lambda: services.accept(request.form.get("SAMLResponse", ""), relay_state),
        # 303 to a GET on our own site: the SameSite=Lax session cookie comes along again.
        done=lambda answered: redirect(
            external_url("identification.done", lang_code=answered.lang, request=answered.id),
            303,
        ),
        failed=refused,
    )


@bp.route("/saml/sls", methods=["GET"])
def sls() -> BaseResponse:
    """Single logout: the IdP's answer to our LogoutRequest, or its own LogoutRequest."""
    from saml2 import BINDING_HTTP_REDIRECT  # pysaml2 only where used (saml.py)

    _enabled()
    client = saml.client()
    lang = request.args.get("RelayState", "")
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    if "SAMLResponse" in request.args:
        try:
            client.parse_logout_request_response(
                request.args["SAMLResponse"], BINDING_HTTP_REDIRECT
            )
        except Exception:
            current_app.logger.warning("SAML logout response refused")
        return redirect(url_for("web.index", lang_code=lang))
    if "SAMLRequest" not in request.args:
        abort(400)
    try:
        logout_request = client.parse_logout_request(
            request.args["SAMLRequest"], BINDING_HTTP_REDIRECT
        )
    except Exception:
        abort(400)
    session.pop(SESSION_NAME_ID, None)
    session.pop(SESSION_INDEX, None)
    logout_user()
    response = client.create_logout_response(
        logout_request.message, [BINDING_HTTP_REDIRECT], sign=False
    )
    idp = logout_request.message.issuer.text
    destination = client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0][
        "location"
    ]
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        relay_state=request.args.get("RelayState", ""),
        response=True,
        sign=True,
    )
    return redirect(dict(info["headers"])["Location"], 303)
