"""The mock provider's endpoints, under /mock-idp (mounted only when MOCK_IDP_ENABLED).

    GET  /mock-idp/.well-known/openid-configuration   discovery
    GET  /mock-idp/jwks                                the public signing key
    GET  /mock-idp/authorize                           the card step (choose a test card, PIN)
    POST /mock-idp/authorize                           認証する / キャンセル
    POST /mock-idp/token                               code → ID token and access token
    GET  /mock-idp/userinfo  (and POST)                the 基本4情報 for a Bearer access token
    GET  /mock-idp/                                    the test cards, their PINs and lock state
    POST /mock-idp/reset-cards                         unlock every test card
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from formsvc import csrf
from formsvc.i18n import t
from formsvc.mock_idp import signing
from formsvc.mock_idp.cards import EXPIRED, REVOKED, TEST_CARDS, MockCard, age_on, today_in_japan
from formsvc.mock_idp.clients import Client, client_by_id
from formsvc.mock_idp.service import (
    ACR,
    MAX_PIN_ATTEMPTS,
    SUPPORTED_SCOPES,
    AuthorizationError,
    AuthorizationRequest,
    TokenError,
    UntrustedRequest,
    check_pin,
    exchange_code,
    failed_pin_attempts,
    issue_code,
    issuer,
    parse_authorization_request,
    reset_test_cards,
    use_up_codes,
    userinfo_claims,
)

blueprint = Blueprint("mock_idp", __name__, url_prefix="/mock-idp")

CLAIMS_SUPPORTED = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "at_hash",
                    "name", "address", "birthdate", "gender"]
# The app's policy (formsvc.templating) with the relying party's origin added to form-action:
# browsers apply form-action to the redirect that follows 認証する.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "form-action 'self' {origin}; frame-ancestors 'none'")
SAFE_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# --- discovery and keys -----------------------------------------------------------------------

@blueprint.get("/.well-known/openid-configuration")
def discovery():
    base = issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [signing.ALGORITHM],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": list(SUPPORTED_SCOPES),
        "claims_supported": CLAIMS_SUPPORTED,
        "acr_values_supported": [ACR],
        "subject_types_supported": ["pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    })


@blueprint.get("/jwks")
def jwks():
    response = jsonify(signing.public_jwks())
    response.mimetype = "application/jwk-set+json"
    return response


# --- the card step ----------------------------------------------------------------------------

def redirect_with(uri: str, **params: str | None) -> Response:
    """Redirect to a verified redirect URI with parameters added to its query (RFC 6749 4.1.2)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(key, value) for key, value in params.items() if value is not None]
    return _no_store(redirect(urlunsplit(parts._replace(query=urlencode(query))), code=302))


def _refusal(problem: AuthorizationError) -> Response:
    return redirect_with(problem.redirect_uri, error=problem.error, error_description=problem.description,
                         state=problem.state, iss=issuer())


@dataclass(frozen=True)
class CardView:
    card: MockCard
    age: int
    failed_attempts: int

    @property
    def locked(self) -> bool:
        return self.failed_attempts >= MAX_PIN_ATTEMPTS

    @property
    def status_text(self) -> str:
        if self.card.status == EXPIRED:
            return t("有効期限切れ", "Expired")
        if self.card.status == REVOKED:
            return t("失効", "Revoked")
        if self.locked:
            return t("ロック中", "Locked")
        if self.failed_attempts:
            return t(f"暗証番号の誤入力{self.failed_attempts}回", f"{self.failed_attempts} wrong PIN(s)")
        return t("有効", "Valid")


def card_views() -> list[CardView]:
    today = today_in_japan()
    failures = failed_pin_attempts()
    return [CardView(card, age_on(card.birthdate(today), today), failures.get(card.id, 0)) for card in TEST_CARDS]


def _date_ja(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def refusal_message(view: CardView) -> str | None:
    """Why a card cannot be used at all (whatever PIN is entered)."""
    if view.card.status == EXPIRED:
        expired_on = view.card.certificate_expired_on()
        return t(f"このカードの利用者証明用電子証明書は有効期限が切れています（{_date_ja(expired_on)}まで）。"
                 "お住まいの市区町村の窓口で更新の手続きをしてください。",
                 f"This card's authentication certificate expired on {expired_on.isoformat()}. "
                 "Renew it at your municipal office.")
    if view.card.status == REVOKED:
        return t("このカードの利用者証明用電子証明書は失効しています（紛失の届出があったため）。"
                 "このカードでは本人確認ができません。",
                 "This card's authentication certificate has been revoked (the card was reported lost). "
                 "It cannot be used.")
    if view.locked:
        return t("このカードは暗証番号を3回続けて間違えたため、ロックされています。"
                 "ロックの解除は市区町村の窓口で行います（このデモでは「テスト用カードをすべて元に戻す」で解除できます）。",
                 "This card is locked after 3 wrong PINs. Unlocking is done at the municipal office "
                 "(in this demo, use \"Reset all test cards\").")
    return None


def _normalized_pin(value: str) -> str:
    # Full-width digits (１２３４) are accepted; spaces around are ignored.
    return unicodedata.normalize("NFKC", value).strip()


def _authorize_page(authorization: AuthorizationRequest, views: list[CardView], errors: dict[str, str],
                    chosen: str | None) -> Response:
    targets = {"card": f"card-{chosen or TEST_CARDS[0].id}", "pin": "pin"}
    summary = [(message, targets[field]) for field, message in errors.items()]
    query = urlencode(list(request.args.items(multi=True)))
    html = render_template(
        "mock_idp/authorize.html", authorization=authorization, cards=views, errors=errors,
        error_summary=summary, chosen=chosen, action=f"{url_for('mock_idp.authorize')}?{query}",
        shared=_shared_items(authorization),
    )
    response = _no_store(Response(html, mimetype="text/html"))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorization.redirect_uri))
    if SAFE_ORIGIN.match(origin) and urlsplit(request.url_root).netloc != urlsplit(origin).netloc:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(origin=origin)
    return response


def _shared_items(authorization: AuthorizationRequest) -> list[str]:
    labels = {"name": t("氏名", "Name"), "address": t("住所", "Address"),
              "birthdate": t("生年月日", "Date of birth"), "gender": t("性別", "Gender")}
    return [labels[scope] for scope in authorization.identity_scopes]


@blueprint.route("/authorize", methods=["GET", "POST"])
def authorize():
    try:
        authorization = parse_authorization_request(request.args)
    except UntrustedRequest as problem:
        return _no_store(Response(render_template("mock_idp/error.html", problem=problem), status=400))
    except AuthorizationError as problem:
        return _refusal(problem)

    views = card_views()
    if request.method == "GET":
        return _authorize_page(authorization, views, {}, None)

    action = request.form.get("action")
    if action == "cancel":
        return redirect_with(authorization.redirect_uri, error="access_denied",
                             error_description="the user cancelled the authentication",
                             state=authorization.state, iss=issuer())
    if action != "authenticate":
        abort(400)

    chosen_id = request.form.get("card")
    view = next((view for view in views if view.card.id == chosen_id), None)
    pin = _normalized_pin(request.form.get("pin", ""))
    errors: dict[str, str] = {}
    if view is None:
        errors["card"] = t("使用するテスト用カードを選んでください", "Choose a test card")
    elif refusal_message(view):
        errors["card"] = refusal_message(view)
    if "card" not in errors or view is None:
        if not pin:
            errors["pin"] = t("暗証番号を入力してください", "Enter the PIN")
        elif not re.fullmatch(r"[0-9]{4}", pin):
            errors["pin"] = t("暗証番号は数字4桁で入力してください", "The PIN is 4 digits")
    if errors:
        return _authorize_page(authorization, views, errors, view.card.id if view else None)

    result = check_pin(view.card, pin)
    if result.ok:
        code = issue_code(authorization, view.card)
        return redirect_with(authorization.redirect_uri, code=code, state=authorization.state, iss=issuer())
    if result.just_locked:
        errors["pin"] = t("暗証番号が違います。3回続けて間違えたため、このカードはロックされました。"
                          "ロックの解除は市区町村の窓口で行います（このデモでは「テスト用カードをすべて元に戻す」で解除できます）。",
                          "Wrong PIN. After 3 wrong PINs the card is now locked "
                          "(in this demo, use \"Reset all test cards\" to unlock it).")
    elif result.locked:
        errors["card"] = refusal_message(CardView(view.card, view.age, MAX_PIN_ATTEMPTS))
    else:
        errors["pin"] = t(f"暗証番号が違います。あと{result.attempts_left}回間違えると、このカードはロックされます",
                          f"Wrong PIN. {result.attempts_left} more wrong attempt(s) will lock this card")
    return _authorize_page(authorization, card_views(), errors, view.card.id)


# --- the test cards' page and reset -----------------------------------------------------------

@blueprint.get("/")
def cards():
    return _no_store(Response(render_template("mock_idp/cards.html", cards=card_views()), mimetype="text/html"))


def _safe_next(value: str | None) -> str:
    """Back to the authorization page the reset was pressed on, or to the cards' page."""
    authorize_path = url_for("mock_idp.authorize") + "?"
    if value and value.startswith(authorize_path) and not any(c in value for c in "\r\n\\"):
        return value
    return url_for("mock_idp.cards")


@blueprint.post("/reset-cards")
def reset_cards():
    reset_test_cards()
    flash(t("テスト用カードをすべて元に戻しました（ロックと誤入力の回数を解除しました）。",
            "All test cards have been reset (locks and wrong-PIN counts cleared)."), "mock_idp")
    return redirect(_safe_next(request.form.get("next")), code=303)


# --- token and userinfo -----------------------------------------------------------------------

def _token_error(problem: TokenError, basic_used: bool = False) -> Response:
    response = jsonify(error=problem.error, error_description=problem.description)
    response.status_code = problem.status
    if problem.status == 401 and basic_used:
        response.headers["WWW-Authenticate"] = 'Basic realm="mock-idp"'
    return _no_store(response)


def _basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenError("invalid_client", "malformed HTTP Basic credentials", 401) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise TokenError("invalid_client", "malformed HTTP Basic credentials", 401)
    # RFC 6749 2.3.1: both are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def _authenticate_client() -> Client:
    basic = _basic_credentials()
    form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
    if basic is not None:
        if form_secret is not None:
            raise TokenError("invalid_request", "use only one client authentication method")
        if form_id is not None and form_id != basic[0]:
            raise TokenError("invalid_request", "client_id does not match the HTTP Basic credentials")
        client_id, secret = basic
    else:
        client_id, secret = form_id, form_secret
    if not client_id or secret is None:
        raise TokenError("invalid_client", "client authentication is required", 401)
    client = client_by_id(client_id)
    if client is None or not client.secret_matches(secret):
        raise TokenError("invalid_client", "client authentication failed", 401)
    return client


@blueprint.post("/token")
@csrf.exempt
def token():
    basic_used = request.headers.get("Authorization", "").lower().startswith("basic ")
    try:
        # First: an unauthenticated caller cannot burn anyone's code.
        client = _authenticate_client()
        try:
            code, redirect_uri, code_verifier = _token_request_parameters()
        except TokenError:
            # Whatever else is wrong, a code presented by a client is used up (exchange_code
            # does the same for a wrong redirect URI or code_verifier).
            use_up_codes([presented for presented in request.form.getlist("code") if presented])
            raise
        body = exchange_code(client, code, redirect_uri, code_verifier)
    except TokenError as problem:
        return _token_error(problem, basic_used)
    return _no_store(jsonify(body))


def _token_request_parameters() -> tuple[str, str, str]:
    """code, redirect_uri and code_verifier of an authorization_code grant, or TokenError."""
    repeated = sorted(key for key in request.form if len(request.form.getlist(key)) > 1)
    if repeated:
        raise TokenError("invalid_request", f"parameter included more than once: {repeated[0]}")
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise TokenError("invalid_request", "grant_type is required")
    if grant_type != "authorization_code":
        raise TokenError("unsupported_grant_type", "only authorization_code is supported")
    values = {name: request.form.get(name) for name in ("code", "redirect_uri", "code_verifier")}
    for name, value in values.items():
        if not value:
            raise TokenError("invalid_request", f"{name} is required")
    return values["code"], values["redirect_uri"], values["code_verifier"]


def _bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@blueprint.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    access_token = _bearer_token()
    try:
        if access_token is None:
            raise TokenError("invalid_token", "a Bearer access token is required", 401)
        claims = userinfo_claims(access_token)
    except TokenError as problem:
        response = jsonify(error=problem.error, error_description=problem.description)
        response.status_code = problem.status
        challenge = 'Bearer realm="mock-idp"'
        if access_token is not None:
            challenge += f', error="{problem.error}"'
        response.headers["WWW-Authenticate"] = challenge
        return _no_store(response)
    return _no_store(jsonify(claims))
