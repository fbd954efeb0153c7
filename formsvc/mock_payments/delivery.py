"""Delivering the mock's notifications to the service, signed, through the real webhook route.

How they travel, and why: a real provider POSTs to the service's notification URL from its own
servers, after its own transaction has committed. The mock lives in the same process, so it
calls the app in-process (a WSGI call through ``POST /payments/notifications/mock``: the same
route, CSRF exemption and signature check a real provider's request meets), at the end of the
request that caused the change (``after_this_request``): by then the view has committed both
the mock's change and the service's own work, so the notification finds them, and nothing waits
for a lock (on SQLite a POST over HTTP to oneself could even deadlock a single-threaded dev
server or a sync gunicorn worker). This works the same under the dev server, gunicorn and the
test client. A notification that is not accepted (the route was down, an error) stays queued
in mock_payment_notifications: `formsvc mock-payments deliver` and the button on /mock-pay/
send it again, as a real provider retries.
"""

from __future__ import annotations

import logging

from flask import Flask, after_this_request, current_app, g, has_request_context
from sqlalchemy import select
from werkzeug.test import Client

from formsvc.db import database, utcnow
from formsvc.mock_payments.models import MockPaymentNotification
from formsvc.payments import notifications

log = logging.getLogger(__name__)

NOTIFICATION_PATH = "/payments/notifications/mock"
BATCH = 100


def schedule() -> None:
    """Deliver the queued notifications once the current request has done its work."""
    if not has_request_context() or g.get("mock_payments_delivery"):
        return
    g.mock_payments_delivery = True

    @after_this_request
    def _deliver(response):
        try:
            deliver_pending(current_app._get_current_object())  # type: ignore[attr-defined]  # the app itself
        except Exception:  # a failed delivery must not fail the payer's page: it stays queued
            log.exception("mock payment notifications not delivered; they stay queued")
        return response


def deliver_pending(app: Flask) -> tuple[int, int]:
    """Send every notification not yet accepted, oldest first: (delivered, not accepted)."""
    with database().session_factory() as session:
        queued = [(note.id, note.body) for note in session.scalars(
            select(MockPaymentNotification).where(MockPaymentNotification.delivered_at.is_(None))
            .order_by(MockPaymentNotification.id).limit(BATCH))]
    delivered = failed = 0
    for note_id, body in queued:
        accepted = _post(app, body.encode("utf-8"))
        # Its own short transaction, after the call: the service's request wrote in between.
        with database().transaction() as session:
            note = session.get_one(MockPaymentNotification, note_id)
            note.attempts += 1
            if accepted:
                note.delivered_at = utcnow()
        delivered, failed = (delivered + 1, failed) if accepted else (delivered, failed + 1)
    return delivered, failed


def _post(app: Flask, body: bytes) -> bool:
    """True when the service accepted it (2xx; a replay is a 200 too)."""
    secret = app.config.get("PAYMENT_WEBHOOK_SECRET") or ""
    # A fresh application context: a request made while another is running would otherwise reuse
    # the caller's (Flask pushes a new one only for another app), and with it the caller's ``g``
    # and database session. A real provider's request has its own; so does this one.
    with app.app_context():
        response = Client(app).post(NOTIFICATION_PATH, data=body, headers={
            notifications.HEADER: notifications.signature_header(secret, body),
            "Content-Type": "application/json"})
        try:
            if not 200 <= response.status_code < 300:
                log.warning("mock payment notification refused with %s", response.status_code)
            return 200 <= response.status_code < 300
        finally:
            response.close()


def undelivered_count() -> int:
    with database().session_factory() as session:
        return len(list(session.scalars(select(MockPaymentNotification.id).where(
            MockPaymentNotification.delivered_at.is_(None)))))
