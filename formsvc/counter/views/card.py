"""Reading the resident's My Number card with the counter's card reader (formsvc.counter.card_reader)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from formsvc.clock import today
from formsvc.counter.card_reader import active_reader
from formsvc.counter.forms import CARD_LOCKED_MESSAGE, CardForm
from formsvc.counter.resident import shared_from_card
from formsvc.counter.views.blueprint import COUNTER, FLASH, blueprint
from formsvc.db import session as db_session
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.submissions import identification as ident
from formsvc.submissions.models import CounterVisit


@blueprint.route("/card", methods=["GET", "POST"])
@require_role(COUNTER)
def card() -> ResponseReturnValue:
    reader = active_reader()
    if reader is None:
        abort(404)
    day = today()
    cards = reader.cards(day)
    form = CardForm(request.form if request.method == "POST" else None, cards=cards)
    chosen = form.chosen
    if request.method == "POST" and form.validate() and chosen is not None:
        read = reader.read(chosen.id, form.pin.data or "", day)
        if read.ok and read.details is not None:
            visit = CounterVisit(staff_id=signed_in_staff().id, identification=ident.CARD,
                                 shared=shared_from_card(read.details, day))
            db_session().add(visit)
            db_session().commit()
            current_app.logger.info("counter visit %s opened (card)", visit.id)
            flash("カードを読み取りました。フリガナと連絡先を確認・入力してください。", FLASH)
            return redirect(url_for(".resident", visit_id=visit.id))
        form.pin.errors = [CARD_LOCKED_MESSAGE if read.locked else (
            f"暗証番号が違います。あと{read.attempts_left}回間違えると、このカードの券面事項入力補助の機能がロックされます。")]
        cards = reader.cards(day)  # with this wrong PIN counted
    summary = form.summary()
    return render_template("counter/card.html", form=form, cards=cards, error_summary=summary,
                           max_attempts=reader.max_pin_attempts,
                           demo_cards_url=reader.demo_cards_url()), 400 if summary else 200
