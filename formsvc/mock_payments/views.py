"""The mock provider's pages under /mock-pay: the payer's (choose a way to pay, card, 3-D
Secure, コンビニ/Pay-easy number) and the demo's own page (confirm a コンビニ payment, resend
notifications, pretend to be down).

A payment's page is found by its id (``mp_`` and 32 random hex digits): knowing it is what lets
the payer in, as with a real provider's hosted payment page. Every change commits the mock's
side first; its notification to the service goes at the end of the request (delivery.schedule).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from formsvc.db import session as db_session
from formsvc.mock_payments import cards, delivery, service
from formsvc.mock_payments.forms import METHODS, CardForm, ChallengeForm, DownForm, MethodForm
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import providers

blueprint = Blueprint("mock_payments", __name__, url_prefix="/mock-pay")

STATE_LABELS = {providers.CREATED: "作成済み", providers.STARTED: "入力中", providers.SUBMITTED: "本人認証中",
                providers.PENDING: "支払い待ち", providers.SUCCESS: "支払い済み", providers.FAILED: "失敗",
                providers.CANCELLED: "取消し", providers.ERROR: "エラー"}


@blueprint.after_request
def _no_store(response: Response) -> Response:
    # Payment pages are never kept in a cache (a shared computer's 戻る must not show them).
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(template: str, status: int = 200, **context) -> ResponseReturnValue:
    return render_template(f"mock_payments/{template}", test_cards=cards.TEST_CARDS, spaced=cards.spaced,
                           challenge_code=cards.THREE_D_SECURE_CODE, methods=METHODS, state_labels=STATE_LABELS,
                           **context), status


def _payment(payment_id: str) -> MockPayment:
    payment = service.find(db_session(), payment_id)
    if payment is None:
        abort(404)
    return payment


def _payable(payment_id: str, expected: tuple[str, ...]) -> MockPayment | ResponseReturnValue:
    """The payment a payer's step is for, or the page to show instead: the service is down
    (503), or the payment is finished or waiting for コンビニ (not a state this step is for)."""
    if service.is_down():
        return _render("unavailable.html", status=503)
    payment = _payment(payment_id)
    if payment.state == providers.PENDING:
        return redirect(url_for(".number", payment_id=payment.id))
    if payment.state not in expected:
        return _render("finished.html", payment=payment, status=409 if request.method == "POST" else 200)
    return payment


def _back_to_service(payment: MockPayment) -> Response:
    delivery.schedule()
    return redirect(payment.return_url)


# --- the payer's pages ----------------------------------------------------------------------------

PAYABLE = (providers.CREATED, providers.STARTED)


@blueprint.route("/pay/<payment_id>", methods=["GET", "POST"])
def pay(payment_id: str) -> ResponseReturnValue:
    payment = _payable(payment_id, (*PAYABLE, providers.SUBMITTED))
    if not isinstance(payment, MockPayment):
        return payment
    if payment.state == providers.SUBMITTED:
        return redirect(url_for(".challenge", payment_id=payment.id))
    form = MethodForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if form.method.data == "card":
            return redirect(url_for(".card", payment_id=payment.id))
        return redirect(url_for(".konbini", payment_id=payment.id, method=form.method.data))
    if request.method == "GET" and payment.state == providers.CREATED:
        service.start(db_session(), payment)
        db_session().commit()
    return _render("choose.html", payment=payment, form=form, errors=form.summary(),
                   status=400 if form.errors else 200)


@blueprint.route("/pay/<payment_id>/card", methods=["GET", "POST"])
def card(payment_id: str) -> ResponseReturnValue:
    payment = _payable(payment_id, PAYABLE)
    if not isinstance(payment, MockPayment):
        return payment
    form = CardForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        outcome = service.pay_by_card(db_session(), payment, form.number.data or "")
        db_session().commit()
        if outcome == cards.THREE_D_SECURE:
            return redirect(url_for(".challenge", payment_id=payment.id))
        return _back_to_service(payment)
    return _render("card.html", payment=payment, form=form, errors=form.summary(),
                   status=400 if form.errors else 200)


@blueprint.route("/pay/<payment_id>/3ds", methods=["GET", "POST"])
def challenge(payment_id: str) -> ResponseReturnValue:
    payment = _payable(payment_id, (providers.SUBMITTED,))
    if not isinstance(payment, MockPayment):
        return payment
    form = ChallengeForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        service.answer_challenge(db_session(), payment, form.code.data or "")
        db_session().commit()
        return _back_to_service(payment)
    return _render("challenge.html", payment=payment, form=form, errors=form.summary(),
                   status=400 if form.errors else 200)


@blueprint.route("/pay/<payment_id>/konbini", methods=["GET", "POST"])
def konbini(payment_id: str) -> ResponseReturnValue:
    payment = _payable(payment_id, PAYABLE)
    if not isinstance(payment, MockPayment):
        return payment
    method = request.values.get("method", "")
    if method not in (service.KONBINI, service.PAYEASY):
        return redirect(url_for(".pay", payment_id=payment.id))
    if request.method == "POST":
        service.choose_konbini(db_session(), payment, method)
        db_session().commit()
        delivery.schedule()
        return redirect(url_for(".number", payment_id=payment.id))
    return _render("konbini.html", payment=payment, method=method)


@blueprint.get("/pay/<payment_id>/number")
def number(payment_id: str) -> ResponseReturnValue:
    payment = _payment(payment_id)
    if payment.state != providers.PENDING and payment.payment_number is None:
        return redirect(url_for(".pay", payment_id=payment.id))
    return _render("number.html", payment=payment)


@blueprint.post("/pay/<payment_id>/cancel")
def cancel(payment_id: str) -> ResponseReturnValue:
    payment = _payment(payment_id)
    service.cancel_by_payer(db_session(), payment)
    db_session().commit()
    return _back_to_service(payment)


# --- the demo's page ------------------------------------------------------------------------------

@blueprint.get("/")
def admin() -> ResponseReturnValue:
    return _render("admin.html", pending=service.pending(db_session()), recent=service.recent(db_session()),
                   down=service.is_down(), undelivered=delivery.undelivered_count())


@blueprint.post("/payments/<payment_id>/confirm")
def confirm(payment_id: str) -> ResponseReturnValue:
    """支払われたことにする: the コンビニ/Pay-easy money arrived; the service hears it by notification."""
    payment = _payment(payment_id)
    try:
        service.confirm_pending(db_session(), payment)
    except service.NotPayable:
        flash("この支払いは支払い待ちではありません（すでに支払い済みか、取り消されています）。", "mock_payments")
        return redirect(url_for(".admin"))
    db_session().commit()
    delivery.schedule()
    flash(f"お支払い {payment.reference} を支払い済みにし、申請サービスに通知しました。", "mock_payments")
    return redirect(url_for(".admin"))


@blueprint.post("/deliver")
def deliver() -> ResponseReturnValue:
    delivered, failed = delivery.deliver_pending(_app())
    flash(f"未送信の通知を送りました：受け付けられた {delivered} 件、受け付けられなかった {failed} 件", "mock_payments")
    return redirect(url_for(".admin"))


@blueprint.post("/down")
def down() -> ResponseReturnValue:
    form = DownForm(request.form)
    service.set_down(form.down.data == "on")
    flash("決済サービスを「停止中」にしました。" if form.down.data == "on" else "決済サービスを再開しました。",
          "mock_payments")
    return redirect(url_for(".admin"))


def _app():
    return current_app._get_current_object()  # type: ignore[attr-defined]  # the app itself
