"""The card step: the resident chooses a test card and enters its PIN (認証する), or cancels."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from formsvc.i18n import t
from formsvc.mock_idp import pins
from formsvc.mock_idp.card_states import CardView, card_views, refusal_message
from formsvc.mock_idp.forms import AUTHENTICATE, CANCEL, CardStepForm
from formsvc.mock_idp.service import (
    AuthorizationError,
    AuthorizationRequest,
    UntrustedRequest,
    issue_code,
    issuer,
    parse_authorization_request,
)
from formsvc.mock_idp.views.blueprint import blueprint, no_store

# The app's policy (formsvc.templating) with the relying party's origin added to form-action:
# browsers apply form-action to the redirect that follows 認証する.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "form-action 'self' {origin}; frame-ancestors 'none'")
SAFE_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


def redirect_with(uri: str, **params: str | None) -> BaseResponse:
    """Redirect to a verified redirect URI with parameters added to its query (RFC 6749 4.1.2)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(key, value) for key, value in params.items() if value is not None]
    return no_store(redirect(urlunsplit(parts._replace(query=urlencode(query))), code=302))


def _refusal(problem: AuthorizationError) -> BaseResponse:
    return redirect_with(problem.redirect_uri, error=problem.error, error_description=problem.description,
                         state=problem.state, iss=issuer())


def _authorize_page(authorization: AuthorizationRequest, views: list[CardView], form: CardStepForm) -> Response:
    query = urlencode(list(request.args.items(multi=True)))
    html = render_template(
        "mock_idp/authorize.html", authorization=authorization, cards=views, form=form,
        error_summary=form.summary(), action=f"{url_for('mock_idp.authorize')}?{query}",
        shared=_shared_items(authorization),
    )
    response = no_store(Response(html, mimetype="text/html"))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorization.redirect_uri))
    if SAFE_ORIGIN.match(origin) and urlsplit(request.url_root).netloc != urlsplit(origin).netloc:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(origin=origin)
    return response


def _shared_items(authorization: AuthorizationRequest) -> list[str]:
    labels = {"name": t("氏名", "Name"), "address": t("住所", "Address"),
              "birthdate": t("生年月日", "Date of birth"), "gender": t("性別", "Gender")}
    return [labels[scope] for scope in authorization.identity_scopes]


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize() -> ResponseReturnValue:
    try:
        authorization = parse_authorization_request(request.args)
    except UntrustedRequest as problem:
        return no_store(Response(render_template("mock_idp/error.html", problem=problem), status=400))
    except AuthorizationError as problem:
        return _refusal(problem)

    views = card_views()
    if request.method == "GET":
        return _authorize_page(authorization, views, CardStepForm(cards=views))

    form = CardStepForm(request.form, cards=views)
    if form.action.data == CANCEL:
        return redirect_with(authorization.redirect_uri, error="access_denied",
                             error_description="the user cancelled the authentication",
                             state=authorization.state, iss=issuer())
    if form.action.data != AUTHENTICATE:
        abort(400)
    view = form.chosen
    if not form.validate() or view is None:
        return _authorize_page(authorization, views, form)

    result = pins.check_pin(view.card, form.pin.data or "", pins.SIGN_IN)
    if result.ok:
        code = issue_code(authorization, view.card)
        return redirect_with(authorization.redirect_uri, code=code, state=authorization.state, iss=issuer())
    if result.just_locked:
        form.pin.errors = [t(
            "暗証番号が違います。3回続けて間違えたため、このカードはロックされました。"
            "ロックの解除は市区町村の窓口で行います（このデモでは「テスト用カードをすべて元に戻す」で解除できます）。",
            "Wrong PIN. After 3 wrong PINs the card is now locked "
            "(in this demo, use \"Reset all test cards\" to unlock it).")]
    elif result.locked:
        form.card.errors = [refusal_message(CardView(view.card, view.age, pins.MAX_ATTEMPTS)) or ""]
    else:
        form.pin.errors = [t(
            f"暗証番号が違います。あと{result.attempts_left}回間違えると、このカードはロックされます",
            f"Wrong PIN. {result.attempts_left} more wrong attempt(s) will lock this card")]
    return _authorize_page(authorization, card_views(), form)
