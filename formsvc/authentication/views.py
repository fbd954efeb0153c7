"""Sign-in with OpenID Connect: authorization code flow with PKCE (S256), state and nonce."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for

from formsvc.authentication.claims import MalformedClaim, basic_four
from formsvc.authentication.provider import ProviderError, provider
from formsvc.authentication.residents import current_login, note_activity, seconds_left, sign_in, sign_out
from formsvc.authentication.tokens import Expected, TokenRefused, b64url, verify_id_token
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.navigation import safe_local_path
from formsvc.templating import signed_in

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

# RFC 9207: the provider names itself in every authorization response (see _response_issuer_problem).
ISS_PARAMETER_SUPPORTED = "authorization_response_iss_parameter_supported"


@blueprint.before_app_request
def note_resident_activity() -> None:
    # A request of a browser holding a sign-in is the resident's activity (a static file aside).
    # One without may be the app calling itself (the embedded provider's token endpoint during the
    # callback), which shares the callback's context and must leave its sign-in alone.
    if request.endpoint != "static" and "login" in session:
        note_activity()


@blueprint.app_context_processor
def resident_context():
    # Every page's header shows the signed-in resident; static/js/formsvc.js warns before the time-out.
    login = signed_in(current_login)
    return {"resident_login": login, "resident_seconds_left": seconds_left(login) if login else None}


def _callback_url() -> str:
    return url_for("auth.callback", _external=True)


@blueprint.get("/login")
def login():
    """Send the resident to the provider (the My Number card step in demo mode)."""
    if request.args.get("timed_out"):
        # Say why before sending them to the card step again.
        return render_template("auth/timed_out.html",
                               login_url=url_for("auth.login", next=safe_local_path(request.args.get("next"))))
    try:
        endpoint = provider().metadata()["authorization_endpoint"]
    except ProviderError as error:
        return _refused("provider", error.reason)
    verifier = secrets.token_urlsafe(64)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    session["oidc"] = {"state": state, "nonce": nonce, "verifier": verifier,
                       "next": _within_municipality(safe_local_path(request.args.get("next")))}
    settings = provider().settings
    params = {
        "response_type": "code", "client_id": settings.client_id, "redirect_uri": _callback_url(),
        "scope": settings.scopes, "state": state, "nonce": nonce, "acr_values": settings.acr_values,
        "code_challenge": b64url(hashlib.sha256(verifier.encode("ascii")).digest()),
        "code_challenge_method": "S256",
    }
    return redirect(f"{endpoint}?{urlencode(params)}")


@blueprint.get("/callback")
def callback():
    pending = session.pop("oidc", None)
    state = request.args.get("state", "")
    if not _pending_usable(pending) or not hmac.compare_digest(state.encode("utf-8"),
                                                                pending["state"].encode("utf-8")):
        return _refused("state", "state-mismatch")
    try:
        oidc = provider()
        issuer_problem = _response_issuer_problem(oidc)
    except ProviderError as error:
        return _refused("provider", error.reason)
    if issuer_problem:
        return _refused("token", issuer_problem)
    if request.args.get("error"):
        reason = request.args["error"]
        if reason == "access_denied":
            following = pending.get("next")
            return render_template("auth/cancelled.html",
                                   next=request.script_root + following if following else None), 200
        return _refused("provider", f"error:{reason}")
    code = request.args.get("code")
    if not code:
        return _refused("provider", "no-code")
    try:
        tokens = oidc.exchange_code(code, _callback_url(), pending["verifier"])
        settings = oidc.settings
        claims = verify_id_token(tokens["id_token"], oidc.key, Expected(
            issuer=settings.issuer, audience=settings.client_id, nonce=pending["nonce"],
            access_token=tokens["access_token"]))
        # The 基本4情報 we keep; anything else the provider sends is dropped.
        kept = basic_four(claims)
    except ProviderError as error:
        return _refused("provider", error.reason)
    except TokenRefused as refused:
        return _refused("token", refused.reason)
    except MalformedClaim as malformed:
        return _refused("token", f"claim:{malformed.claim}")
    if claims.get("acr") not in settings.acr_values.split():
        # Only the card's 利用者証明用 certificate (aal3) is accepted as "verified".
        return _refused("token", "acr")
    auth_time = claims.get("auth_time")  # checked by verify_id_token: a number up to now
    sign_in(claims["iss"], claims["sub"], kept, claims.get("acr"),
            int(auth_time) if auth_time is not None else None)
    current_app.logger.info("resident signed in (acr=%s)", claims.get("acr"))
    following = pending.get("next")
    # Back under the municipality's prefix the sign-in started at (the callback's own).
    return redirect(request.script_root + following if following else url_for("my.applications"))


@blueprint.post("/logout")
def logout():
    sign_out()
    return render_template("auth/logged_out.html")


@blueprint.post("/keep-alive")
def keep_alive():
    """Extend the sign-in (the 延長する button of the time-out warning)."""
    login = current_login()
    if login is None:
        return jsonify(signed_in=False), 401
    login.last_seen_at = utcnow()
    db_session().commit()
    return jsonify(signed_in=True, seconds_left=seconds_left(login))


def _response_issuer_problem(oidc) -> str | None:
    """RFC 9207: an authorization response from another issuer is a mix-up attack (the code or
    error came from a provider other than the one we sent the resident to). A provider that
    advertises the iss parameter must send it; a wrong one is refused even when not advertised."""
    sent = request.args.getlist("iss")
    if not sent:
        return "iss-missing" if oidc.metadata().get(ISS_PARAMETER_SUPPORTED) is True else None
    if len(sent) > 1 or sent[0] != oidc.settings.issuer:
        return "iss-mismatch"
    return None


def _within_municipality(path: str | None) -> str | None:
    """``next`` as a path of the app under the municipality's prefix: pages say it both ways
    (url_for includes the prefix /kamakura, request.path does not); the callback puts it back."""
    root = request.script_root
    if path is None or not root:
        return path
    if path == root or path.startswith(root + "/"):
        return path[len(root):] or "/"
    return path


def _pending_usable(pending) -> bool:
    """The sign-in in progress as login() stored it (not a stale or foreign session shape)."""
    return isinstance(pending, dict) and all(
        isinstance(pending.get(key), str) and pending[key] for key in ("state", "nonce", "verifier"))


def _refused(kind: str, reason: str):
    # The reason is a fixed code: never a claim, a token or anything about the resident.
    current_app.logger.warning("sign-in refused: %s (%s)", kind, reason)
    return render_template("auth/refused.html", kind=kind), 400
