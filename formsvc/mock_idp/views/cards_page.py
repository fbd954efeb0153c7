"""The test cards' page (their PINs and state), and unlocking every card."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from formsvc.i18n import t
from formsvc.mock_idp import pins
from formsvc.mock_idp.card_states import card_views
from formsvc.mock_idp.forms import ResetCardsForm
from formsvc.mock_idp.views.blueprint import blueprint, no_store


@blueprint.get("/")
def cards() -> ResponseReturnValue:
    return no_store(Response(render_template("mock_idp/cards.html", cards=card_views()), mimetype="text/html"))


def _safe_next(value: str | None) -> str:
    """Back to the authorization page the reset was pressed on, or to the cards' page."""
    authorize_path = url_for("mock_idp.authorize") + "?"
    if value and value.startswith(authorize_path) and not any(c in value for c in "\r\n\\"):
        return value
    return url_for("mock_idp.cards")


@blueprint.post("/reset-cards")
def reset_cards() -> ResponseReturnValue:
    pins.reset_test_cards()
    flash(t("テスト用カードをすべて元に戻しました（ロックと誤入力の回数を解除しました）。",
            "All test cards have been reset (locks and wrong-PIN counts cleared)."), "mock_idp")
    return redirect(_safe_next(ResetCardsForm(request.form).next.data), code=303)
