"""Counter mode (書かない窓口): staff enter applications for a resident at the counter.

    GET/POST /counter/                                  how the resident is identified; open visits
    GET/POST /counter/card                              read the card (demo: a test card and its PIN)
    GET/POST /counter/resident                          type the resident's details (new visit)
    GET      /counter/visits/<id>                       the visit: details, procedures, chooser
    GET/POST /counter/visits/<id>/resident              change the resident's details
    POST     /counter/visits/<id>/procedures            start a procedure (→ counter_form pages)
    POST     /counter/visits/<id>/drafts/<d>/discard    drop a procedure not yet received
    GET/POST /counter/visits/<id>/drafts/<d>/signature  print, sign, receive
    GET      /counter/visits/<id>/drafts/<d>/signature.pdf    the printout to sign
    GET      /counter/visits/<id>/signatures.pdf        every printout awaiting a signature
    POST     /counter/visits/<id>/close                 end the visit (read-only afterwards)

The procedure's own pages (questions, repeating pages, check) are the resident's pages in the
staff layout, under /counter/visits/<id>/forms/... (blueprint ``counter_form``). Every view
requires the counter role; nothing personal is logged (ids only).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from formsvc.applications.completion import completion
from formsvc.applications.flow import CHECK, Flow, StoredAnswers
from formsvc.clock import today
from formsvc.counter import service
from formsvc.counter.resident import (
    FIELDS,
    LOCKED_MESSAGE,
    MAX_ASSIST_PIN_ATTEMPTS,
    assist_pin_attempts,
    check_assist_pin,
    resident_fields,
    shared_from_card,
    verified_meanings,
    with_typed,
)
from formsvc.counter.signature import signature_form
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.fields import FieldContext, FieldSpec
from formsvc.forms.catalog import published, version_by_id
from formsvc.japanese.postal import lookup as postal_lookup
from formsvc.mock_idp.cards import TEST_CARDS, age_on, card_by_id
from formsvc.resident.forms import build_form, field_views
from formsvc.review import detail as details
from formsvc.staff import roles
from formsvc.staff.auth import current_staff, require_role
from formsvc.staff.models import StaffUser
from formsvc.submissions import identification as ident
from formsvc.submissions import reception
from formsvc.submissions.models import CounterVisit, Draft, Submission, Upload
from formsvc.submissions.service import AlreadySubmitted
from formsvc.templating import add_to_staff_menu
from formsvc.vocabulary.conditions import is_answered

blueprint = Blueprint("counter", __name__, url_prefix="/counter")
COUNTER = roles.COUNTER
FLASH = "counter"

add_to_staff_menu("counter.home", ("窓口受付", "Counter"), (COUNTER,), first=True)


def card_reader_available() -> bool:
    """Card reading needs a reader; in demo mode the mock provider's test cards stand in for one."""
    return bool(current_app.config.get("MOCK_IDP_ENABLED"))


# --- step 1: how the resident is identified ------------------------------------------------

@dataclass(frozen=True)
class Identification:
    method: str | None = None
    document: str = ""        # the chosen document (or その他)
    other: str = ""           # the document's name when その他
    errors: tuple[tuple[str, str], ...] = ()

    @property
    def documents(self) -> str | None:
        if self.method != ident.DOCUMENTS:
            return None
        return self.other if self.document == ident.OTHER_DOCUMENT else self.document

    def query(self) -> dict[str, str]:
        values = {"identification": self.method or "", "document": self.document, "other": self.other}
        return {key: value for key, value in values.items() if value}


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def read_identification(values: MultiDict) -> Identification:
    method = values.get("identification") or None
    document = (values.get("document") or "").strip()
    other = _one_line(values.get("other", ""))
    errors: list[tuple[str, str]] = []
    if method not in ident.CHOICES or (method == ident.CARD and not card_reader_available()):
        errors.append(("本人確認の方法を選んでください", "identification-card" if card_reader_available()
                       else "identification-documents"))
        method = None
    elif method == ident.DOCUMENTS:
        if document not in (*ident.DOCUMENT_CHOICES, ident.OTHER_DOCUMENT):
            errors.append(("確認した本人確認書類を選んでください", "document"))
            document = ""
        elif document == ident.OTHER_DOCUMENT and not other:
            errors.append(("確認した書類の名前を入力してください", "other"))
        elif document == ident.OTHER_DOCUMENT and len(other) > ident.MAX_DOCUMENTS_LENGTH:
            errors.append((f"書類の名前は{ident.MAX_DOCUMENTS_LENGTH}文字以内で入力してください", "other"))
    return Identification(method, document, other, tuple(errors))


@blueprint.route("/", methods=["GET", "POST"])
@require_role(COUNTER)
def home():
    chosen = Identification()
    if request.method == "POST":
        chosen = read_identification(request.form)
        if not chosen.errors:
            if chosen.method == ident.CARD:
                return redirect(url_for(".card"))
            return redirect(url_for(".new_resident", **chosen.query()))
    user = current_staff()
    visits = db_session().scalars(select(CounterVisit).where(
        CounterVisit.staff_id == user.id, CounterVisit.closed_at.is_(None))
        .order_by(CounterVisit.created_at.desc()).limit(20)).all()
    return render_template("counter/home.html", chosen=chosen, error_summary=list(chosen.errors),
                           errors={target: message for message, target in chosen.errors},
                           identification_label=lambda v: ident.describe(v.identification, v.identity_documents),
                           visits=visits, card_reader=card_reader_available(),
                           document_choices=ident.DOCUMENT_CHOICES, other_document=ident.OTHER_DOCUMENT,
                           choices=ident.CHOICES), 400 if chosen.errors else 200


# --- reading the card ------------------------------------------------------------------------

@blueprint.route("/card", methods=["GET", "POST"])
@require_role(COUNTER)
def card():
    if not card_reader_available():
        abort(404)
    errors: dict[str, str] = {}
    chosen = request.form.get("card") or None
    if request.method == "POST":
        card = card_by_id(chosen)
        pin = unicodedata.normalize("NFKC", request.form.get("pin", "")).strip()
        if card is None:
            errors["card"] = "読み取るカードを選んでください"
        elif assist_pin_attempts(db_session()).get(card.id, 0) >= MAX_ASSIST_PIN_ATTEMPTS:
            errors["card"] = LOCKED_MESSAGE
        elif not pin:
            errors["pin"] = "券面事項入力補助用の暗証番号（数字4桁）を入力してください"
        elif not (len(pin) == 4 and pin.isascii() and pin.isdigit()):
            errors["pin"] = "暗証番号は数字4桁で入力してください"
        else:
            checked = check_assist_pin(card, pin)
            if checked.locked:
                errors["pin"] = LOCKED_MESSAGE
            elif not checked.ok:
                errors["pin"] = (f"暗証番号が違います。あと{checked.attempts_left}回間違えると、このカードの"
                                 "券面事項入力補助の機能がロックされます。")
            else:
                visit = CounterVisit(staff_id=current_staff().id, identification=ident.CARD,
                                     shared=shared_from_card(card, today()))
                db_session().add(visit)
                db_session().commit()
                current_app.logger.info("counter visit %s opened (card)", visit.id)
                flash("カードを読み取りました。フリガナと連絡先を確認・入力してください。", FLASH)
                return redirect(url_for(".resident", visit_id=visit.id))
    attempts = assist_pin_attempts(db_session())
    day = today()
    cards = [{"card": card, "age": age_on(card.birthdate(day), day), "failed": attempts.get(card.id, 0),
              "locked": attempts.get(card.id, 0) >= MAX_ASSIST_PIN_ATTEMPTS} for card in TEST_CARDS]
    first_open = next((view["card"].id for view in cards if not view["locked"]), TEST_CARDS[0].id)
    targets = {"card": f"card-{chosen if card_by_id(chosen) else first_open}", "pin": "pin"}
    return render_template("counter/card.html", cards=cards, errors=errors, chosen=chosen,
                           error_summary=[(message, targets[key]) for key, message in errors.items()],
                           max_attempts=MAX_ASSIST_PIN_ATTEMPTS,
                           mock_cards_url=url_for("mock_idp.cards") if "mock_idp.cards" in current_app.view_functions
                           else None), 400 if errors else 200


# --- the resident's details --------------------------------------------------------------------

def _details_form(specs: list[FieldSpec], values: dict, ctx: FieldContext):
    """(form, notice, typed answers or None): the details as sent, or as stored on a GET."""
    if request.method != "POST":
        return build_form(specs, ctx, None, values), None, None
    action = request.form.get("action", "save")
    formdata = MultiDict(request.form)
    if action == "lookup:postal_code":
        found = postal_lookup(request.form.get("postal_code", ""))
        if found is None:
            notice = "郵便番号から住所が見つかりませんでした。番号を確かめるか、住所を直接入力してください。"
        else:
            for part, value in (("prefecture", found.prefecture), ("city", found.city), ("town", found.town)):
                formdata[f"address-{part}"] = value
            notice = f"住所を入力しました（{found.prefecture}{found.city}{found.town}）。続けて番地を入力してください。"
        return build_form(specs, ctx, formdata, values), notice, None
    form = build_form(specs, ctx, formdata, values)
    if not form.validate():
        return form, None, None
    typed = {spec.id: spec.to_json(form[spec.id].data) if is_answered(form[spec.id].data) else None
             for spec in specs}
    return form, None, typed


def _render_details(form, specs, locked, values, ctx, notice, **context):
    views = field_views(form, [spec for spec in resident_fields() if spec in specs or spec in locked], ctx,
                        locked=locked, values=values)
    summary = [(view.error, view.error_target) for view in views if view.error]
    return render_template("counter/resident.html", fields=views, field_context=ctx, error_summary=summary,
                           notice=notice, **context), 400 if summary else 200


@blueprint.route("/resident", methods=["GET", "POST"])
@require_role(COUNTER)
def new_resident():
    chosen = read_identification(request.values)
    if chosen.errors or chosen.method == ident.CARD:
        return redirect(url_for(".home"))
    ctx = FieldContext(locale="ja", today=today())
    specs = resident_fields()
    form, notice, typed = _details_form(specs, {}, ctx)
    if typed is not None:
        visit = CounterVisit(staff_id=current_staff().id, identification=chosen.method,
                             identity_documents=chosen.documents, shared=with_typed({}, typed))
        db_session().add(visit)
        db_session().commit()
        current_app.logger.info("counter visit %s opened (%s)", visit.id, chosen.method)
        flash("申請者の情報を登録しました。手続きを選んでください。", FLASH)
        return redirect(url_for(".visit", visit_id=visit.id))
    return _render_details(form, specs, [], {}, ctx, notice, visit=None, chosen=chosen,
                           identification_text=ident.describe(chosen.method, chosen.documents),
                           back_url=url_for(".home"))


def _visit_or_404(visit_id: int) -> CounterVisit:
    visit = db_session().get(CounterVisit, visit_id)
    if visit is None:
        abort(404)
    return visit


def _open_visit_or_redirect(visit_id: int):
    """(visit, None) for an open visit; (None, a redirect to its page) for a closed one."""
    visit = _visit_or_404(visit_id)
    if visit.closed_at is not None:
        flash("この来庁対応は終了しています。内容の変更や新しい手続きはできません。", FLASH)
        return None, redirect(url_for(".visit", visit_id=visit_id))
    return visit, None


@blueprint.route("/visits/<int:visit_id>/resident", methods=["GET", "POST"])
@require_role(COUNTER)
def resident(visit_id: int):
    visit, closed = _open_visit_or_redirect(visit_id)
    if closed:
        return closed
    ctx = FieldContext(locale="ja", today=today())
    shared = visit.shared or {}
    from_card = verified_meanings(shared)
    locked = [spec for spec in resident_fields() if spec.id in from_card]
    specs = [spec for spec in resident_fields() if spec.id not in from_card]
    values = {meaning: FIELDS[meaning].from_json(shared[meaning]) for meaning in FIELDS if meaning in shared}
    form, notice, typed = _details_form(specs, values, ctx)
    if typed is not None:
        visit.shared = with_typed(shared, typed)
        db_session().commit()
        flash("申請者の情報を保存しました。", FLASH)
        return redirect(url_for(".visit", visit_id=visit.id))
    return _render_details(form, specs, locked, values, ctx, notice, visit=visit, chosen=None,
                           identification_text=ident.describe(visit.identification, visit.identity_documents),
                           back_url=url_for(".visit", visit_id=visit.id))


# --- the visit -------------------------------------------------------------------------------

def procedure_url(visit: CounterVisit, procedure: service.Procedure) -> str:
    """Where a procedure of the visit continues."""
    if procedure.state == service.RECEIVED:
        return url_for("review.submission", number=procedure.submission.reception_number)
    if procedure.state == service.AWAITING_SIGNATURE:
        return url_for(".signature", visit_id=visit.id, draft_id=procedure.draft.id)
    page_id = procedure.resume_page_id
    if page_id == CHECK:
        return url_for("counter_form.check", visit_id=visit.id, form_id=procedure.draft.form_id)
    return url_for("counter_form.question", visit_id=visit.id, form_id=procedure.draft.form_id, page_id=page_id)


def shared_rows(shared: dict) -> list[tuple[str, str, bool]]:
    """(label, text, read from the card) of each detail the visit holds."""
    from_card = verified_meanings(shared)
    return [(spec.label.ja, spec.display(spec.from_json(shared[spec.id])), spec.id in from_card)
            for spec in resident_fields() if shared.get(spec.id) is not None]


@blueprint.get("/visits/<int:visit_id>")
@require_role(COUNTER)
def visit(visit_id: int):
    found = _visit_or_404(visit_id)
    session = db_session()
    query = request.args.get("q", "").strip()[:100]
    procedures = service.visit_procedures(session, found, today())
    choices = service.procedures(session, query) if found.closed_at is None else []
    opened_by = session.get(StaffUser, found.staff_id)
    return render_template(
        "counter/visit.html", visit=found, shared=shared_rows(found.shared or {}), procedures=procedures,
        procedure_url=procedure_url, choices=choices, query=query, opened_by=opened_by,
        identification_text=ident.describe(found.identification, found.identity_documents),
        awaiting=[p for p in procedures if p.state == service.AWAITING_SIGNATURE],
        display_number=reception.display, states=service)


@blueprint.post("/visits/<int:visit_id>/procedures")
@require_role(COUNTER)
def start_procedure(visit_id: int):
    found, closed = _open_visit_or_redirect(visit_id)
    if closed:
        return closed
    session = db_session()
    compiled = published(session, request.form.get("form_id", ""))
    if compiled is None:
        abort(404)
    existing = service.open_draft(session, found, compiled.id)
    if existing is not None:
        flash(f"「{compiled.definition.title.ja}」は入力中です。続きから入力します。", FLASH)
        procedure = service.Procedure(existing, compiled, completion(compiled.definition, existing, today()), None)
        return redirect(procedure_url(found, procedure))
    draft = service.start_procedure(session, found, compiled, current_staff(), today())
    session.commit()
    current_app.logger.info("counter visit %s: draft %s started (%s)", found.id, draft.id, compiled.id)
    return redirect(url_for("counter_form.question", visit_id=found.id, form_id=compiled.id,
                            page_id=compiled.definition.pages[0].id))


def _draft_or_404(visit: CounterVisit, draft_id: int) -> Draft:
    draft = db_session().get(Draft, draft_id)
    if draft is None or draft.visit_id != visit.id or draft.channel != service.CHANNEL:
        abort(404)
    return draft


def _submission_of(draft: Draft) -> Submission | None:
    return db_session().scalar(select(Submission).where(Submission.draft_id == draft.id))


@blueprint.post("/visits/<int:visit_id>/drafts/<int:draft_id>/discard")
@require_role(COUNTER)
def discard(visit_id: int, draft_id: int):
    found, closed = _open_visit_or_redirect(visit_id)
    if closed:
        return closed
    draft = _draft_or_404(found, draft_id)
    if draft.submitted_at is not None or _submission_of(draft) is not None:
        flash("受け付けた申請は取りやめられません。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    title = (version_by_id(db_session(), draft.version_id).definition.title.ja
             if draft.version_id else draft.form_id)
    session = db_session()
    session.execute(delete(Upload).where(Upload.draft_id == draft.id, Upload.submission_id.is_(None)))
    session.delete(draft)
    session.commit()
    flash(f"「{title}」の入力を取りやめました。", FLASH)
    return redirect(url_for(".visit", visit_id=found.id))


@blueprint.post("/visits/<int:visit_id>/close")
@require_role(COUNTER)
def close_visit(visit_id: int):
    found = _visit_or_404(visit_id)
    if found.closed_at is None:
        found.closed_at = utcnow()
        db_session().commit()
        current_app.logger.info("counter visit %s closed", found.id)
    flash("来庁対応を終了しました。", FLASH)
    return redirect(url_for(".home"))


# --- print, sign, receive ----------------------------------------------------------------------

CONFIRM_MESSAGE = "申請者が確認書に署名したこと、本人確認をしたことを確かめて、チェックを入れてください"


@blueprint.route("/visits/<int:visit_id>/drafts/<int:draft_id>/signature", methods=["GET", "POST"])
@require_role(COUNTER)
def signature(visit_id: int, draft_id: int):
    found = _visit_or_404(visit_id)
    draft = _draft_or_404(found, draft_id)
    session = db_session()
    existing = _submission_of(draft)
    if existing is not None:
        flash(f"受付番号 {reception.display(existing.reception_number)} で受け付け済みです。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    compiled = version_by_id(session, draft.version_id)
    if compiled is None:
        abort(404)
    ready = completion(compiled.definition, draft, today())
    procedure = service.Procedure(draft, compiled, ready, None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and ready.ready:
        if found.closed_at is not None:
            errors.append(("この来庁対応は終了しています。受け付けるには新しい来庁対応を始めてください", "confirm"))
        elif request.form.get("confirm") != "yes":
            errors.append((CONFIRM_MESSAGE, "confirm"))
        else:
            user = current_staff()
            try:
                submission = service.sign(session, found, draft, compiled, ready, user, today())
                session.commit()
            except AlreadySubmitted as already:
                session.rollback()
                submission = already.submission
            current_app.logger.info("counter submission stored form=%s id=%s visit=%s", compiled.id,
                                    submission.id, found.id)
            flash(f"「{compiled.definition.title.ja}」を受付番号 {reception.display(submission.reception_number)} "
                  "で受け付けました。", FLASH)
            return redirect(url_for(".visit", visit_id=found.id))
    flow = Flow(compiled.definition, StoredAnswers(compiled.definition, ready.answers, today()))
    return render_template(
        "counter/signature.html", visit=found, draft=draft, compiled=compiled, definition=compiled.definition,
        ready=ready, procedure=procedure, resume_url=procedure_url(found, procedure) if not ready.ready else None,
        sections=details.sections(flow.rows("ja")), computed=flow.computed_values(),
        fee=service.fee_text(ready.fee), error_summary=errors,
        identification_text=ident.describe(found.identification, found.identity_documents),
    ), 400 if errors else 200


def _pdf(content: bytes, filename: str):
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=False,
                         download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _signature_forms(found: CounterVisit, drafts: list[Draft]) -> list:
    from formsvc.records import render_signature_forms  # WeasyPrint is loaded only to print

    session = db_session()
    forms = []
    for draft in drafts:
        compiled = version_by_id(session, draft.version_id)
        ready = completion(compiled.definition, draft, today()) if compiled else None
        if ready is None or not ready.ready:
            continue
        forms.append(signature_form(session, found, draft, compiled, ready, current_staff(),
                                    current_app.config["MUNICIPALITY_NAME"], today()))
    if not forms:
        return None
    return render_signature_forms(forms, f"申請内容確認書（署名用） {len(forms)}件")


@blueprint.get("/visits/<int:visit_id>/drafts/<int:draft_id>/signature.pdf")
@require_role(COUNTER)
def signature_pdf(visit_id: int, draft_id: int):
    found = _visit_or_404(visit_id)
    draft = _draft_or_404(found, draft_id)
    if _submission_of(draft) is not None:
        abort(404)
    content = _signature_forms(found, [draft])
    if content is None:
        return redirect(url_for(".signature", visit_id=found.id, draft_id=draft.id))
    return _pdf(content, f"signature-{found.id}-{draft.id}.pdf")


@blueprint.get("/visits/<int:visit_id>/signatures.pdf")
@require_role(COUNTER)
def visit_pdf(visit_id: int):
    found = _visit_or_404(visit_id)
    waiting = [p.draft for p in service.visit_procedures(db_session(), found, today())
               if p.state == service.AWAITING_SIGNATURE]
    content = _signature_forms(found, waiting)
    if content is None:
        flash("署名待ちの申請はありません。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    return _pdf(content, f"signatures-{found.id}.pdf")

