"""The providers' notifications (webhooks): ``POST /payments/notifications/<provider>``.

No CSRF token (a provider's server posts here, not a browser): the signature is the check
(formsvc.payments.notifications). Answers are small JSON documents a provider's retry logic reads:
2xx stops its retries (also for a replay), 4xx says the notification will never be accepted.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from formsvc.csrf import csrf
from formsvc.db import roll_back_session
from formsvc.db import session as db_session
from formsvc.payments.notifications import InvalidNotification
from formsvc.payments.service import (
    UnknownPayment,
    UnknownProvider,
    apply_notification,
    notification_tenant,
    verified_notification,
)
from formsvc.tenants.context import working_for

blueprint = Blueprint("payments", __name__)
csrf.exempt(blueprint)

# A notification body is a few hundred bytes; anything much larger is not one.
MAX_BODY = 64 * 1024


@blueprint.post("/payments/notifications/<provider>")
def notification(provider: str) -> ResponseReturnValue:
    if request.content_length is not None and request.content_length > MAX_BODY:
        return jsonify(error="too_large"), 413
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY:
        return jsonify(error="too_large"), 413
    provider = provider[:32]
    try:
        note = verified_notification(provider, body, dict(request.headers))
    except UnknownProvider:
        return jsonify(error="unknown_provider"), 404
    except InvalidNotification as refused:
        current_app.logger.warning("payment notification from %s refused: %s", provider, refused)
        return jsonify(error="invalid_notification"), refused.status
    # The return page may change the payment at the same moment (optimistic lock, unique
    # constraints): the loser starts again from what the winner stored, once.
    for attempt in range(2):
        try:
            # Applied in the payment's municipality (every row it writes is that municipality's).
            with working_for(notification_tenant(db_session(), provider, note)):
                outcome = apply_notification(db_session(), provider, note)
                db_session().commit()
            return jsonify(outcome=outcome), 200
        except UnknownPayment:
            roll_back_session()
            current_app.logger.warning("payment notification from %s for an unknown payment", provider)
            return jsonify(error="unknown_payment"), 404
        except (StaleDataError, IntegrityError):
            roll_back_session()
            if attempt:
                raise
    raise AssertionError("unreachable")
