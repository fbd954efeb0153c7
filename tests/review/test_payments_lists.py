"""Payment status in the queue (its 「支払い」 column and filter), the CSV and the API."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import event, select

from formsvc.db import database, utcnow
from formsvc.payments import models as payment_models
from formsvc.payments.models import Payment
from formsvc.submissions import status
from formsvc.submissions.models import Submission
from tests.review.payment_support import payments_of
from tests.review.support import BASE_TIME, make_submissions, numbers_on, paid_payment
from tests.review.test_api import bearer, new_token
from tests.staff.support import staff_client


def four_kinds(app, form_id: str) -> dict[str, str]:
    """An application of each payment state, one minute apart: paid, unpaid, awaiting, refund due."""
    paid = make_submissions(app, form_id, 1, created_at=BASE_TIME)[0]
    unpaid = make_submissions(app, form_id, 1, created_at=BASE_TIME + timedelta(minutes=1), paid=False,
                              channel="counter")[0]
    awaiting = make_submissions(app, form_id, 1, created_at=BASE_TIME + timedelta(minutes=2), paid=False)[0]
    refund = make_submissions(app, form_id, 1, created_at=BASE_TIME + timedelta(minutes=3),
                              status=status.REJECTED)[0]
    with app.app_context(), database().transaction() as session:
        rows = {s.reception_number: s for s in session.scalars(select(Submission))}
        session.add(paid_payment(rows[awaiting], int(rows[awaiting].fee), utcnow(), status=payment_models.PENDING,
                                 method=payment_models.KONBINI, paid_at=None, payment_number="987654321098"))
        for payment in session.scalars(select(Payment).where(Payment.submission_id == rows[refund].id)):
            payment.refund_status, payment.refund_reason = payment_models.REFUND_DUE, "却下"
    return {"paid": paid, "unpaid": unpaid, "awaiting": awaiting, "refund_due": refund}


def payment_cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r'<td class="queue-table__payment">(.*?)</td>', html, re.S)]


def test_the_queue_shows_each_payment_status_with_one_query_per_page(app, review_form):
    numbers = four_kinds(app, review_form)
    reviewer = staff_client(app, "shinsa", "reviewer")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = database().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = reviewer.get("/staff/queue?status=all")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.status_code == 200
    assert ">支払い</th>" in page.text
    assert numbers_on(page.text) == [numbers["paid"], numbers["unpaid"], numbers["awaiting"], numbers["refund_due"]]
    assert payment_cells(page.text) == ["支払い済み", "未払い", "支払い待ち", "返金予定"]
    assert sum(bool(re.search(r"\bFROM payments\b", statement)) for statement in statements) == 1
    # Each row's payment state is read with the page's rows, not with one query per row.
    assert not [statement for statement in statements if re.search(r"\bFROM submissions\b", statement)
                and re.search(r"WHERE submissions\.id = ", statement)]


def test_the_payment_filter_finds_what_needs_doing(app, review_form):
    numbers = four_kinds(app, review_form)
    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get("/staff/queue")
    assert re.search(r'<label[^>]* for="filter-payment">支払い</label>', page.text)
    for code, label in [("paid", "支払い済み"), ("unpaid", "未払い"), ("awaiting", "支払い待ち"),
                        ("refund_due", "返金予定")]:
        found = reviewer.get(f"/staff/queue?status=all&payment={code}")
        assert found.status_code == 200, re.findall(r'error-message.*?</p>', found.text)
        assert numbers_on(found.text) == [numbers[code]], code
        assert payment_cells(found.text) == [label]
        assert "該当する申請：1件" in found.text
        assert f'<option value="{code}" selected' in found.text
        # The tabs count with the filter too; paging links keep it.
        assert f"payment={code}" in re.search(r'<nav class="status-counts".*?</nav>', found.text, re.S).group()
    assert reviewer.get("/staff/queue?status=all&payment=refunded").text.count("queue-table__number") == 0
    # An unknown value is ignored (everything is shown), never an error.
    ignored = reviewer.get("/staff/queue?status=all&payment=nonsense")
    assert ignored.status_code == 200 and len(numbers_on(ignored.text)) == 4


def test_unpaid_leaves_out_procedures_paid_later(app, review_form):
    from tests.review.conftest import REVIEW_SAMPLE, publish

    counter = make_submissions(app, review_form, 1, paid=False, channel="counter")[0]
    publish(app, REVIEW_SAMPLE.replace("fee:\n", "fee:\n  online_payment: false\n"), "postpay.yaml")
    # Sent without a payment step (payment_required False), as the resident pages do for it.
    online_later = make_submissions(app, review_form, 1, paid=False, payment_required=False,
                                    created_at=BASE_TIME + timedelta(hours=1))[0]
    reviewer = staff_client(app, "shinsa", "reviewer")
    found = reviewer.get("/staff/queue?payment=unpaid")
    assert numbers_on(found.text) == [counter]
    everything = reviewer.get("/staff/queue").text
    assert online_later in everything
    assert payment_cells(everything) == ["未払い", "支払い不要"]


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_the_csv_appends_the_payment_columns(app, review_form):
    numbers = four_kinds(app, review_form)
    reviewer = staff_client(app, "shinsa", "reviewer")
    response = reviewer.get(f"/staff/queue/export.csv?form={review_form}&status=all")
    assert response.status_code == 200
    rows = {row["受付番号"]: row for row in read_csv(response.data)}
    headers = list(next(iter(rows.values())))
    assert headers[:7] == ["受付番号", "申請日時", "状況", "経路", "手数料", "入力した職員", "本人確認"]
    assert headers[-5:] == ["支払い状況", "支払方法", "支払日時", "決済番号", "返金状況"]
    [paid_payment_row] = payments_of(app, numbers["paid"])
    paid = rows[numbers["paid"]]
    assert paid["手数料"] == str(paid_payment_row.amount) and paid["支払い状況"] == "支払い済み"
    assert paid["支払方法"] == "クレジットカード" and paid["決済番号"] == paid_payment_row.reference
    assert paid["支払日時"].endswith("+09:00") and paid["返金状況"] == ""
    unpaid = rows[numbers["unpaid"]]
    assert (unpaid["支払い状況"], unpaid["支払方法"], unpaid["支払日時"], unpaid["決済番号"]) == ("未払い", "", "", "")
    assert rows[numbers["awaiting"]]["支払い状況"] == "支払い待ち"
    assert rows[numbers["awaiting"]]["支払方法"] == "コンビニ払い" and rows[numbers["awaiting"]]["支払日時"] == ""
    refund = rows[numbers["refund_due"]]
    assert refund["支払い状況"] == "返金予定" and refund["返金状況"] == "返金予定"
    # The filter applies to the CSV as to the page.
    only = read_csv(reviewer.get(f"/staff/queue/export.csv?form={review_form}&status=all&payment=unpaid").data)
    assert [row["受付番号"] for row in only] == [numbers["unpaid"]]


def test_the_api_gives_the_payment_of_each_application(app, review_form):
    numbers = four_kinds(app, review_form)
    headers = bearer(new_token(app))
    client = app.test_client()
    listed = client.get("/api/v1/submissions", headers=headers).json["items"]
    items = {item["reception_number"]: item for item in listed}
    [payment] = payments_of(app, numbers["paid"])
    assert items[numbers["paid"]]["payment"] == {
        "status": "paid", "status_label": "支払い済み", "amount": payment.amount, "method": "card",
        "method_label": "クレジットカード", "reference": payment.reference,
        "paid_at": items[numbers["paid"]]["payment"]["paid_at"], "payment_number": None, "pay_by": None,
        "refund_status": "none", "refund_reason": None, "refunded_at": None}
    assert items[numbers["paid"]]["payment"]["paid_at"].endswith("+09:00")
    assert items[numbers["unpaid"]]["payment"]["status"] == "unpaid"
    assert items[numbers["unpaid"]]["payment"]["reference"] is None
    assert items[numbers["awaiting"]]["payment"]["payment_number"] == "987654321098"
    one = client.get(f"/api/v1/submissions/{numbers['refund_due']}", headers=headers).json
    assert one["payment"]["status"] == "refund_due" and one["payment"]["refund_status"] == "due"
    assert one["payment"]["refund_reason"] == "却下"

    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert "payment" in schemas["SubmissionSummary"]["required"]
    assert set(schemas["Payment"]["properties"]) == set(items[numbers["paid"]]["payment"])
    assert schemas["Payment"]["properties"]["status"]["enum"] == [
        "not_required", "unpaid", "awaiting", "paid", "refund_due", "refunded"]
