"""A read-only JSON API for other systems (基幹系システム連携): /api/v1/submissions.

Authenticated with ``Authorization: Bearer <token>`` (``formsvc create-api-token NAME``); every
read is written to the access log under the token's name. Described by /api/v1/openapi.json.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, g, jsonify, request, url_for
from sqlalchemy import select

from formsvc.clock import JST
from formsvc.csrf import csrf
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.forms.catalog import version_by_id
from formsvc.payments import models as payment_models
from formsvc.payments.status import PaymentSummary, summary_of
from formsvc.review import payments as review_payments
from formsvc.review import queries, status_names
from formsvc.review.audit import record_access
from formsvc.review.detail import answer_rows, attachments, sent_of
from formsvc.review.openapi import document
from formsvc.review.tokens import token_for
from formsvc.submissions import status
from formsvc.submissions.identification import CounterFacts, counter_facts
from formsvc.submissions.models import Submission
from formsvc.submissions.protection import shared_value
from formsvc.submissions.reception import normalise

blueprint = Blueprint("review_api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)

MAX_LIMIT = 200
DEFAULT_LIMIT = 100


def _problem(code: int, error: str, message: str):
    response = jsonify({"error": error, "message": message})
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="formsvc", error="invalid_token"'
    return response


@blueprint.before_request
def authenticate():
    if request.endpoint == "review_api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    client = token_for(db_session(), presented.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        return _problem(401, "unauthorized", "有効なAPIトークンを Authorization: Bearer ヘッダーで送ってください")
    g.api_client = client
    return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(JST).isoformat(timespec="seconds")


def _payment(summary: PaymentSummary | None) -> dict | None:
    """How the fee stands (formsvc.payments.status): the same words as the staff pages and CSV."""
    if summary is None:
        return None
    payment = summary.payment
    return {
        "status": summary.code,
        "status_label": summary.label,
        "amount": summary.amount,
        "method": summary.method,
        "method_label": summary.method_label,
        "reference": summary.reference,
        "paid_at": _iso(summary.paid_at) if summary.paid_at else None,
        "payment_number": summary.payment_number,
        "pay_by": _iso(summary.pay_by) if summary.pay_by else None,
        "refund_status": payment.refund_status if payment is not None else payment_models.NO_REFUND,
        "refund_reason": summary.refund_reason,
        "refunded_at": _iso(payment.refunded_at) if payment is not None and payment.refunded_at else None,
    }


def _summary(submission: Submission, status_label: str, counter: CounterFacts | None = None,
             payment: PaymentSummary | None = None) -> dict:
    return {
        "reception_number": submission.reception_number,
        "form_id": submission.form_id,
        "status": submission.status,
        "status_label": status_label,  # as the procedure names it (definition status_labels)
        "channel": submission.channel,
        # Counter applications: how the resident was identified, who entered it, when they signed.
        "identification": counter.identification if counter else None,
        "entered_by": counter.entered_by if counter else None,
        "signed_at": _iso(counter.signed_at) if counter and counter.signed_at else None,
        "fee": submission.fee,
        "payment": _payment(payment),
        "submitted_at": _iso(submission.created_at),
        "updated_at": _iso(submission.updated_at),
        "url": url_for("review_api.submission", number=submission.reception_number, _external=False),
    }


@blueprint.get("/submissions")
def submissions():
    args = request.args
    statuses = [value for value in (args.get("status") or "").split(",") if value]
    if any(value not in status.LABELS for value in statuses):
        return _problem(400, "bad_request", f"status は {', '.join(status.LABELS)} から選んでください（カンマ区切り）")
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        return _problem(400, "bad_request", f"limit は1から{MAX_LIMIT}までの整数で指定してください")
    cursor = args.get("cursor")
    position = queries.decode_cursor(cursor)
    if cursor and position is None:
        return _problem(400, "bad_request",
                        "cursor が正しくありません（前の応答の next_cursor をそのまま使ってください）")
    where = [Submission.form_id == args["form_id"]] if args.get("form_id") else []
    keys = queries.seek(db_session(), tuple(statuses) or queries.ALL_STATUSES, where, position, True, limit + 1)
    rows = queries.load_rows(db_session(), [row_id for row_id, _ in keys[:limit]])
    record_access(db_session(), "api_list", [row.id for row in rows], api_client=g.api_client)
    g.api_client.last_used_at = utcnow()
    db_session().commit()
    more = len(keys) > limit
    next_cursor = queries.encode_cursor(keys[limit - 1][1], keys[limit - 1][0]) if more else None
    counter = counter_facts(db_session(), rows)
    paid = review_payments.summaries(db_session(), rows)  # one query for the page
    names = status_names.labels(db_session(), rows)
    return jsonify({"items": [_summary(row, names[row.id], counter.get(row.id), paid.get(row.id)) for row in rows],
                    "next_cursor": next_cursor})


@blueprint.get("/submissions/<number>")
def submission(number: str):
    found = db_session().scalar(select(Submission).where(Submission.reception_number == normalise(number)))
    if found is None:
        return _problem(404, "not_found", "その受付番号の申請はありません")
    compiled = version_by_id(db_session(), found.version_id, found.channel)
    assert compiled is not None  # a submission's version is never removed
    definition = compiled.definition
    answers = [{
        "page": row.page.id, "item": row.item_index, "field": row.spec.id, "type": row.spec.type,
        # A nested repeat (repeat.per): the parent item's index and the item named with it.
        **({"parent_item": row.parent_index, "item_title": row.item_title} if row.parent_index is not None else {}),
        # Another system gets a 個人番号 masked, as staff see it (formsvc.submissions.protection).
        "label": row.spec.label.ja, "value": shared_value(row.spec, row.value),
        "text": row.text, "verified": row.verified,
    } for row in answer_rows(definition, found.answers, found.created_at)]
    after = sent_of(definition, found)  # the values stored when it was sent, not computed again
    body = {
        **_summary(found, status.label(found.status, "ja", definition),
                   counter_facts(db_session(), [found]).get(found.id), summary_of(db_session(), found)),
        "form": {"id": found.form_id, "version": compiled.version_number, "title": definition.title.ja},
        "answers": answers,
        "computed": [{"id": entry.id, "label": entry.label, "role": entry.role, "value": entry.stored,
                      "text": entry.text} for entry in after.computed],
        "outcomes": [{"id": outcome.id, "title": outcome.title,
                      "deadline": outcome.deadline_day.isoformat() if outcome.deadline_day else None}
                     for outcome in after.guidance.outcomes],
        "attachments": [{"field_label": item.field_label, "filename": item.filename,
                         "content_type": item.content_type, "size": item.size, "current": item.current}
                        for item in attachments(db_session(), found, definition)],
        "events": [{"kind": event.kind, "at": _iso(event.created_at)} for event in found.events],
    }
    record_access(db_session(), "api_read", [found.id], api_client=g.api_client)
    g.api_client.last_used_at = utcnow()
    db_session().commit()
    return jsonify(body)


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(document())
