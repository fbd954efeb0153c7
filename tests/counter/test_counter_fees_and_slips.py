"""After receiving at the counter: the sheet signed before it, the 受付票（引換券）, 収納, 交付 the same
day, the 収納日計 and the warning about a card's address — driven like a clerk at the counter."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import segno
from bs4 import BeautifulSoup
from sqlalchemy import select

from formsvc.db import database
from formsvc.forms.loading import import_definitions
from formsvc.payments import models as pay
from formsvc.payments import service as payments
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.conftest import JAPAN_TODAY
from tests.counter.support import (
    CLERK,
    Procedure,
    counter_clerk,
    form_index,
    location,
    open_visit_by_typing,
    open_visit_with_card,
    post_form,
    sign,
    text_of,
)
from tests.counter.test_signature_pdf import SATO
from tests.records.support import compact, page_texts, pdf_reader
from tests.resident.library_support import LIBRARY, publish
from tests.staff.support import staff_client

JUMINHYO, INU = "juminhyo-copy", "inu-touroku"
ONE_COPY = {"requester": "self", "scope": "whole_household", "copies": 1, "purpose": "bank"}
DOG = {"registered_elsewhere": False, "dog_name": "こむぎ", "breed": "柴", "coat_color": "赤", "dog_sex": "female",
       "dog_birth_date": JAPAN_TODAY - timedelta(days=300), "acquired_date": JAPAN_TODAY - timedelta(days=30),
       "vaccinated": False, "receive_method": "counter"}
A4_POINTS = (595.28, 841.89)
RECEIPT_WIDTH = 226.77  # 80 mm in points
WAIT = "番号をお呼びするまでお待ちください"


@pytest.fixture
def procedures(app):
    publish(app, JUMINHYO)
    publish(app, INU)


def received(clerk, app, visit_id: int, form_id: str = JUMINHYO, answers: dict | None = None) -> Submission:
    """Enter the procedure, let the resident sign, and receive it: the stored submission."""
    signature_path = Procedure(clerk, app, visit_id, form_id, answers=answers or ONE_COPY).enter()
    assert location(sign(clerk, signature_path)) == f"/counter/visits/{visit_id}"
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission).where(Submission.visit_id == visit_id)
                                     .order_by(Submission.id.desc())).first()
        session.expunge(submission)
        return submission


def visit_page(clerk, visit_id: int):
    page = clerk.get(f"/counter/visits/{visit_id}")
    assert page.status_code == 200
    return page


def fee_block(html: str, submission: Submission) -> str:
    """What the visit page says of one received procedure's fee and issue, as read."""
    block = BeautifulSoup(html, "html.parser").find(id=f"procedure-{submission.id}")
    assert block is not None, "no fee block for the submission"
    return " ".join(block.get_text(" ").split())


def take_payment(clerk, visit_id: int, submission: Submission, method: str = "cash", page=None):
    """Choose the method and press 収納する on the visit page (as shown: ``page`` for a stale one)."""
    page = page or visit_page(clerk, visit_id)
    action = f"/counter/visits/{visit_id}/submissions/{submission.id}/payment"
    return post_form(clerk, action, page.text, {"method": method}, index=form_index(page.text, action))


def issue(clerk, visit_id: int, submission: Submission, page=None):
    page = page or visit_page(clerk, visit_id)
    action = f"/counter/visits/{visit_id}/submissions/{submission.id}/issue"
    return post_form(clerk, action, page.text, index=form_index(page.text, action))


def alert_text(html: str) -> str:
    return " ".join(" ".join(alert.get_text(" ").split()) for alert in
                    BeautifulSoup(html, "html.parser").select("main [role=alert]"))


def counter_payments(app) -> list[pay.Payment]:
    with app.app_context(), database().transaction() as session:
        rows = session.scalars(select(pay.Payment).order_by(pay.Payment.id)).all()
        session.expunge_all()
        return rows


# --- the sheet to sign ---------------------------------------------------------------------------

def test_the_sheet_for_one_juminhyo_is_one_page_with_the_signature_box_and_no_unanswered_rows(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, JUMINHYO, answers=ONE_COPY).enter()

    pdf = clerk.get(f"{signature_path}.pdf")

    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = pdf_reader(pdf.data)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_POINTS
    text = compact(page_texts(pdf.data)[0])
    for expected in ("申請内容確認書（署名用）", "住民票の写し等の交付請求", "山田太郎", "世帯全員", "1通",
                     "金融機関・保険会社の手続き", "300円", "不正な目的で請求するものではありません。",
                     "署名欄", "氏名（自署）", "職員記入欄", "確認印"):
        assert expected in text, expected
    assert "（回答なし）" not in text  # その他の使いみち, 提出先, メールアドレス were left empty
    assert "提出先" not in text and "メールアドレス" not in text
    # Card-read answers carry one wording, as on the counter's pages and the staff box.
    assert text.count("［マイナンバーカードから読取］") == 4  # 氏名, 生年月日, 郵便番号, 住所
    assert text.count("カードから読取") == text.count("マイナンバーカードから読取") == 5  # and the staff box's
    assert "カードで確認" not in text and "券面事項入力補助から読取" not in text
    # The check page before it says it the same way (online it says 確認済み: verified by the sign-in).
    check = text_of(clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/check").text)
    assert check.count("マイナンバーカードから読取") == 4 and "確認済み" not in check


def test_a_long_sheet_keeps_the_last_answers_on_the_page_with_the_signature_box(app):
    publish(app, "jidoteate-nintei")
    from tests.counter.test_counter_applications import CHILD_BENEFIT, NEWBORN

    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    children = [dict(NEWBORN, child_name={"family": "山田", "given": f"子{n}"}) for n in range(1, 5)]
    signature_path = Procedure(clerk, app, visit_id, "jidoteate-nintei", answers=CHILD_BENEFIT,
                               items={"children": children}).enter()

    pages = [compact(text) for text in page_texts(clerk.get(f"{signature_path}.pdf").data)]

    assert len(pages) >= 2
    assert "氏名（自署）" in pages[-1] and all("氏名（自署）" not in text for text in pages[:-1])
    # Never on a page of its own: some answers are read on the page that is signed.
    before_fee = pages[-1].split("手数料")[0]
    assert "申請内容確認書（署名用）児童手当" in pages[-1]
    assert len(before_fee) > 80, pages[-1][:300]


# --- 収納 and 交付 ---------------------------------------------------------------------------------

def test_a_clerk_takes_the_fee_in_cash_then_issues_the_certificate(app, procedures, db_session):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)

    before = fee_block(visit_page(clerk, visit_id).text, submission)
    assert "手数料 300円" in before and "収納 未払い" in before and "窓口で即日交付" in before
    assert "収納する" in before and "手数料を収納すると交付できます" in before
    assert "交付する" not in before.replace("即日交付", "")
    # Signed at the counter with a fee: it is taken there (収納) before anything is decided.
    assert db_session.get(Submission, submission.id).payment_required

    response = take_payment(clerk, visit_id, submission, "cash")

    assert location(response) == f"/counter/visits/{visit_id}"
    page = visit_page(clerk, visit_id)
    assert "の手数料 300円を現金で収納しました。" in text_of(page.text)
    after = fee_block(page.text, submission)
    assert "収納 支払い済み （現金・収納番号" in after and "収納する" not in after
    [payment] = counter_payments(app)
    assert (payment.channel, payment.method, payment.amount, payment.status) == ("counter", "cash", 300, "success")
    assert payment.submission_id == submission.id and payment.visit_id == visit_id

    assert location(issue(clerk, visit_id, submission, page)) == f"/counter/visits/{visit_id}"

    page = visit_page(clerk, visit_id)
    assert "を交付しました。" in text_of(page.text)
    assert "交付 交付済み" in fee_block(page.text, submission)
    assert "住民票の写し等の交付請求 交付済み 受付番号" in text_of(page.text)
    db_session.expire_all()
    stored = db_session.get(Submission, submission.id)
    assert stored.status == "completed"
    event = db_session.scalars(select(SubmissionEvent).where(SubmissionEvent.submission_id == submission.id)
                               .order_by(SubmissionEvent.id.desc())).first()
    assert event.kind == "completed" and event.actor == f"staff:{CLERK[0]}"
    assert event.data["staff_name"] == CLERK[1] and event.data["from"] == "received"
    # Issued once: no button any more, and a second press (a stale page) changes nothing and says so.
    assert "交付する" not in fee_block(page.text, submission)
    forged = clerk.post(f"/counter/visits/{visit_id}/submissions/{submission.id}/issue",
                        data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)})
    assert "すでに交付済みです" in alert_text(clerk.get(location(forged)).text)


def test_the_fee_is_taken_once_a_second_press_is_refused_with_a_clear_message(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    page = visit_page(clerk, visit_id)

    first = take_payment(clerk, visit_id, submission, "cashless", page=page)
    second = take_payment(clerk, visit_id, submission, "cash", page=page)  # the same page, pressed again

    assert location(first) == location(second) == f"/counter/visits/{visit_id}"
    shown = clerk.get(f"/counter/visits/{visit_id}").text
    assert "すでに収納済みです（キャッシュレス決済 300円）" in alert_text(shown)
    assert "支払い済み" in fee_block(shown, submission)
    assert [(p.method, p.amount) for p in counter_payments(app)] == [("cashless", 300)]


def test_no_method_is_chosen_for_the_clerk_and_pressing_without_one_is_refused_clearly(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    page = visit_page(clerk, visit_id)
    radios = BeautifulSoup(page.text, "html.parser").find(id=f"procedure-{submission.id}").select(
        "input[name=method]")
    assert [radio["value"] for radio in radios] == ["cash", "cashless"]
    assert not any(radio.has_attr("checked") for radio in radios)  # the clerk chooses; nothing is assumed

    action = f"/counter/visits/{visit_id}/submissions/{submission.id}/payment"
    response = post_form(clerk, action, page.text, index=form_index(page.text, action))  # as shown

    assert location(response) == f"/counter/visits/{visit_id}"
    shown = visit_page(clerk, visit_id).text
    assert "収納の方法（現金またはキャッシュレス決済）を選んでください" in alert_text(shown)
    assert "収納 未払い" in fee_block(shown, submission)
    assert counter_payments(app) == []


def test_nothing_is_issued_before_the_fee_is_taken_and_a_reviewed_procedure_is_not_issued_here(app, procedures,
                                                                                               db_session):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    certificate = received(clerk, app, visit_id)
    dog = received(clerk, app, visit_id, INU, DOG)
    page = visit_page(clerk, visit_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert "審査の後に交付" in fee_block(page.text, dog)

    unpaid = clerk.post(f"/counter/visits/{visit_id}/submissions/{certificate.id}/issue", data={"csrf_token": token})
    assert "手数料を収納してから交付してください" in alert_text(clerk.get(location(unpaid)).text)
    assert location(take_payment(clerk, visit_id, dog, "cash"))
    reviewed = clerk.post(f"/counter/visits/{visit_id}/submissions/{dog.id}/issue", data={"csrf_token": token})
    assert "窓口で即日交付しません" in alert_text(clerk.get(location(reviewed)).text)
    db_session.expire_all()
    assert {db_session.get(Submission, s.id).status for s in (certificate, dog)} == {"received"}


def test_forged_and_hostile_requests_get_clear_answers_and_change_nothing(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    other_visit = open_visit_by_typing(clerk, SATO)
    page = visit_page(clerk, visit_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    # A submission of another visit, an unknown one, a huge id: not found.
    for path in (f"/counter/visits/{other_visit}/submissions/{submission.id}/payment",
                 f"/counter/visits/{visit_id}/submissions/999999/payment",
                 f"/counter/visits/{visit_id}/submissions/{10**30}/payment"):
        assert clerk.post(path, data={"csrf_token": token, "method": "cash"}).status_code == 404, path
    assert clerk.get(f"/counter/visits/{other_visit}/submissions/{submission.id}/receipt.pdf").status_code == 404
    # Control characters are refused before anything is read (formsvc.request_guard).
    assert clerk.post(f"/counter/visits/{visit_id}/submissions/{submission.id}/payment",
                      data={"csrf_token": token, "method": "cash\x00"}).status_code == 400
    # An unknown method: refused with the reason, nothing stored.
    for method in ("card", "", "現金" * 1000):
        response = clerk.post(f"/counter/visits/{visit_id}/submissions/{submission.id}/payment",
                              data={"csrf_token": token, "method": method})
        assert "収納の方法（現金またはキャッシュレス決済）を選んでください" in alert_text(
            clerk.get(location(response)).text)
    # Without the CSRF token: refused.
    assert clerk.post(f"/counter/visits/{visit_id}/submissions/{submission.id}/payment",
                      data={"method": "cash"}).status_code == 400
    assert counter_payments(app) == []


# --- 受付票（引換券） -------------------------------------------------------------------------------

def qr_modules_drawn(pdf: bytes) -> list[list[bool]]:
    """The QR code drawn on the slip, module by module: WeasyPrint draws the embedded SVG as strokes
    one module high ("x y+0.5 m  x2 y+0.5 l") in the symbol's own units, inside a tagged /Figure."""
    content = pdf_reader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    figure = content[content.index("/Figure"):]
    figure = figure[:figure.index("EMC")]
    strokes = re.findall(r"(\d+) (\d+)\.5 m\n(\d+) \2\.5 l", figure)
    assert strokes, "no QR strokes found"
    size = max(int(end) for _x, _y, end in strokes) + 4  # the quiet zone on the far side
    modules = [[False] * size for _ in range(size)]
    for start, row, end in strokes:
        for column in range(int(start), int(end)):
            modules[int(row)][column] = True
    return modules


def test_the_slip_after_receiving_has_the_number_as_text_and_qr_the_fee_paid_and_where_to_wait(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    take_payment(clerk, visit_id, submission, "cash")
    page = visit_page(clerk, visit_id)
    links = [a["href"] for a in BeautifulSoup(page.text, "html.parser").select("main a[href$='receipt.pdf']")]
    assert links == [f"/counter/visits/{visit_id}/receipt.pdf",
                     f"/counter/visits/{visit_id}/submissions/{submission.id}/receipt.pdf"]

    response = clerk.get(links[0])

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    reader = pdf_reader(response.data)
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width), 2) == RECEIPT_WIDTH
    assert float(reader.pages[0].mediabox.height) < 842  # as long as the slip, not an A4 page
    text = compact(page_texts(response.data)[0])
    number = f"{submission.reception_number[:4]}-{submission.reception_number[4:]}"
    for expected in ("デモ市", "受付票（引換券）", f"受付番号{number}", "住民票の写し等の交付請求", "市民課住民記録係",
                     "手数料", "収納", "現金300円", "領収", "300円を現金で領収しました。", WAIT,
                     "デモ市役所本庁舎1階3番窓口", f"令和{JAPAN_TODAY.year - 2018}年{JAPAN_TODAY.month}月"
                     f"{JAPAN_TODAY.day}日（{JAPAN_TODAY.year}年{JAPAN_TODAY.month}月{JAPAN_TODAY.day}日）"):
        assert expected in text, expected
    assert "山田" not in text  # nothing says whose slip it is
    # The QR code is the reception number's (the same symbol segno makes), quiet zone included.
    expected = segno.make_qr(submission.reception_number, error="m", boost_error=False)
    assert not expected.is_micro
    assert qr_modules_drawn(response.data) == [[bool(bit) for bit in row] for row in expected.matrix_iter(border=4)]
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "ja"

    one = clerk.get(links[1])
    assert one.status_code == 200 and number in compact(page_texts(one.data)[0])


def test_an_unpaid_slip_says_so_and_a_reviewed_procedure_says_where_to_ask(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    certificate = received(clerk, app, visit_id)
    received(clerk, app, visit_id, INU, DOG)

    pages = [compact(text) for text in page_texts(clerk.get(f"/counter/visits/{visit_id}/receipt.pdf").data)]

    assert len(pages) == 2  # one slip per procedure, each cut on its own
    assert certificate.reception_number[:4] in pages[0] and "未払い" in pages[0] and "領収" not in pages[0]
    assert "犬の登録" in pages[1] and WAIT not in pages[1] and "3,000円" in pages[1]


# --- 収納日計 ---------------------------------------------------------------------------------------

def test_the_cashbook_totals_the_day_per_procedure_method_and_clerk_with_refunds_and_csv(app, procedures):
    hanako = counter_clerk(app)
    jiro = counter_clerk(app, "mado-jiro", "窓口 次郎")
    first_visit = open_visit_with_card(hanako)
    certificate = received(hanako, app, first_visit)
    take_payment(hanako, first_visit, certificate, "cash")
    second_visit = open_visit_by_typing(jiro, SATO)
    two_copies = received(jiro, app, second_visit, JUMINHYO, dict(ONE_COPY, copies=2))
    dog = received(jiro, app, second_visit, INU, DOG)
    take_payment(jiro, second_visit, two_copies, "cashless")
    take_payment(jiro, second_visit, dog, "cash")
    # The dog's fee goes back (the application was withdrawn): handed back by 次郎.
    with app.app_context(), database().transaction() as session:
        submission = session.get(Submission, dog.id)
        payment = payments.mark_refund_due(session, submission, "取下げ")
        payments.refund(session, payment, session.scalar(select(StaffUser).where(StaffUser.username == "mado-jiro")))

    page = hanako.get("/counter/cashbook")

    assert page.status_code == 200
    text = text_of(page.text)
    assert "収納合計 3,900円 （3件）" in text and "返金合計 3,000円（1件）" in text and "差引合計 900円" in text
    # Each group: fees taken, refunds paid back and the difference — the till is counted on 差引.
    heads = "件数 収納金額 返金件数 返金金額 差引"
    assert (f"手続き別 手続き 収納{heads} 犬の登録と狂犬病予防注射済票の交付申請 1 3,000円 1 3,000円 0円 "
            "住民票の写し等の交付請求 2 900円 0 0円 900円") in text
    assert f"方法別 方法 収納{heads} 現金 2 3,300円 1 3,000円 300円 キャッシュレス決済 1 600円 0 0円 600円" in text
    assert f"職員別 職員 収納{heads} 窓口 次郎 2 3,600円 1 3,000円 600円 窓口 花子 1 300円 0 0円 300円" in text
    assert "返金の一覧 時刻 受付番号 手続き 方法 金額 職員 収納番号" in text and "窓口 次郎" in text
    soup = BeautifulSoup(page.text, "html.parser")
    rows = [[" ".join(cell.get_text().split()) for cell in row.find_all("td")]
            for row in soup.find(id="payments-title").find_next("table").select("tbody tr")]
    assert [row[1:6] for row in rows] == [
        [f"{certificate.reception_number[:4]}-{certificate.reception_number[4:]}", "住民票の写し等の交付請求", "現金",
         "300円", "窓口 花子"],
        [f"{two_copies.reception_number[:4]}-{two_copies.reception_number[4:]}", "住民票の写し等の交付請求",
         "キャッシュレス決済", "600円", "窓口 次郎"],
        [f"{dog.reception_number[:4]}-{dog.reception_number[4:]}", "犬の登録と狂犬病予防注射済票の交付申請", "現金",
         "3,000円", "窓口 次郎"]]
    assert all(re.fullmatch(r"\d\d:\d\d", row[0]) and re.fullmatch(r"F[0-9A-Z]+", row[6]) for row in rows)

    download = hanako.get(soup.find("a", string=re.compile("CSVをダウンロード"))["href"])

    assert download.status_code == 200 and download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert table[0] == ["区分", "日時", "受付番号", "手続き", "方法", "金額", "職員", "収納番号"]
    assert [(row[0], row[4], row[5], row[6]) for row in table[1:5]] == [
        ("収納", "現金", "300", "窓口 花子"), ("収納", "キャッシュレス決済", "600", "窓口 次郎"),
        ("収納", "現金", "3000", "窓口 次郎"), ("返金", "現金", "-3000", "窓口 次郎")]
    assert ["集計", "区分", "項目", "収納件数", "収納金額", "返金件数", "返金金額", "差引"] in table
    totals = {(row[1], row[2]): row[3:] for row in table if row and row[0] == ""}
    assert totals[("方法別", "現金")] == ["2", "3300", "1", "3000", "300"]
    assert totals[("方法別", "キャッシュレス決済")] == ["1", "600", "0", "0", "600"]
    assert totals[("職員別", "窓口 次郎")] == ["2", "3600", "1", "3000", "600"]
    assert totals[("職員別", "窓口 花子")] == ["1", "300", "0", "0", "300"]
    assert totals[("手続き別", "犬の登録と狂犬病予防注射済票の交付申請")] == ["1", "3000", "1", "3000", "0"]
    assert totals[("合計", "合計")] == ["3", "3900", "1", "3000", "900"]

    # Another day holds nothing of today.
    yesterday = (JAPAN_TODAY - timedelta(days=1)).isoformat()
    assert "この日の収納はありません。" in text_of(hanako.get(f"/counter/cashbook?day={yesterday}").text)


def test_the_cashbook_counts_a_renamed_procedure_once_under_its_current_title(app, procedures, tmp_path):
    """A new version published during the day changes the title: one procedure, one row."""
    clerk = counter_clerk(app)
    first_visit = open_visit_with_card(clerk)
    take_payment(clerk, first_visit, received(clerk, app, first_visit), "cash")
    renamed = tmp_path / f"{JUMINHYO}.yaml"
    source = (LIBRARY / f"{JUMINHYO}.yaml").read_text(encoding="utf-8")
    renamed.write_text(source.replace("住民票の写し等の交付請求", "住民票の写しの交付請求"), encoding="utf-8")
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [renamed], actor="test")
    assert report.errors == [] and report.updated == [JUMINHYO]
    second_visit = open_visit_by_typing(clerk, SATO)
    take_payment(clerk, second_visit, received(clerk, app, second_visit), "cashless")

    page = clerk.get("/counter/cashbook")

    soup = BeautifulSoup(page.text, "html.parser")
    rows = [[" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
            for row in soup.find(id="by-procedure-title").find_next("table").select("tbody tr")]
    assert rows == [["住民票の写しの交付請求", "2", "600円", "0", "0円", "600円"]]
    table = list(csv.reader(io.StringIO(clerk.get("/counter/cashbook.csv").data.decode("utf-8-sig"))))
    assert [row[2:] for row in table if row and row[:2] == ["", "手続き別"]] == [
        ["住民票の写しの交付請求", "2", "600", "0", "0", "600"]]


def test_the_cashbook_day_is_the_japanese_day(app, procedures, db_session):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    take_payment(clerk, visit_id, submission, "cash")
    # 00:30 in Japan is still the previous day in UTC: the payment counts for the Japanese day.
    payment = db_session.scalar(select(pay.Payment))
    payment.paid_at = datetime(JAPAN_TODAY.year, JAPAN_TODAY.month, JAPAN_TODAY.day, tzinfo=UTC) - timedelta(
        hours=8, minutes=30)
    db_session.commit()

    assert "収納合計 300円 （1件）" in text_of(clerk.get(f"/counter/cashbook?day={JAPAN_TODAY.isoformat()}").text)
    assert "00:30" in text_of(clerk.get("/counter/cashbook").text)
    yesterday = (JAPAN_TODAY - timedelta(days=1)).isoformat()
    assert "収納合計 0円 （0件）" in text_of(clerk.get(f"/counter/cashbook?day={yesterday}").text)


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2026/04/01", "20260401", "1999-12-31",
                                 "9999-12-31", "１２３４-０１-０１", "2026-02-30", "9" * 5000])
def test_a_bad_day_gets_a_clear_error_not_a_crash(app, day):
    clerk = counter_clerk(app)

    page = clerk.get("/counter/cashbook", query_string={"day": day})
    download = clerk.get("/counter/cashbook.csv", query_string={"day": day})

    assert page.status_code == 400 and download.status_code == 400
    assert "<title>エラー：" in page.text
    summary = " ".join(BeautifulSoup(page.text, "html.parser").select_one(".error-summary").get_text().split())
    assert "指定してください" in summary
    assert 'href="#day"' in page.text


def test_a_day_with_control_characters_is_refused(app):
    clerk = counter_clerk(app)
    for path in ("/counter/cashbook", "/counter/cashbook.csv"):
        assert clerk.get(path, query_string={"day": "2026-04-01\x00"}).status_code == 400


def test_the_counter_start_page_links_to_the_cashbook(app):
    clerk = counter_clerk(app)
    home = BeautifulSoup(clerk.get("/counter/").text, "html.parser")
    link = home.find("a", string=re.compile("収納日計"))
    assert link["href"] == "/counter/cashbook"


# --- the card's address -----------------------------------------------------------------------

def test_a_card_address_outside_the_municipality_is_warned_about(app):
    clerk = counter_clerk(app)
    outside = open_visit_with_card(clerk, card="sato-hanako", kana={"family": "サトウ", "given": "ハナコ"})
    inside = open_visit_with_card(clerk, card="yamada-taro")
    typed = open_visit_by_typing(clerk, SATO)  # 札幌市, but typed from a document: nothing read from a card

    warning = alert_text(visit_page(clerk, outside).text)
    assert "カードの住所がデモ市の外です。転入の手続きが済んでいない可能性があります。" in warning
    assert "東京都港区芝公園" in warning
    assert BeautifulSoup(visit_page(clerk, outside).text, "html.parser").select_one(
        "main [role=alert]")["aria-labelledby"] == "address-warning-title"
    assert alert_text(visit_page(clerk, inside).text) == ""
    assert alert_text(visit_page(clerk, typed).text) == ""


def test_the_municipality_address_is_a_setting(app):
    app.config["MUNICIPALITY_ADDRESS"] = "東京都港区,東京都千代田区"
    app.extensions["formsvc.tenants"].forget()  # the default municipality's address is read from it again
    clerk = counter_clerk(app)
    minato = open_visit_with_card(clerk, card="sato-hanako", kana={"family": "サトウ", "given": "ハナコ"})
    saitama = open_visit_with_card(clerk, card="yamada-taro")
    assert alert_text(visit_page(clerk, minato).text) == ""
    assert "カードの住所がデモ市の外です" in alert_text(visit_page(clerk, saitama).text)
    app.config["MUNICIPALITY_ADDRESS"] = ""
    app.extensions["formsvc.tenants"].forget()
    assert alert_text(visit_page(clerk, saitama).text) == ""


# --- who may ------------------------------------------------------------------------------------

def test_only_counter_staff_take_fees_issue_print_slips_and_see_the_cashbook(app, procedures):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    submission = received(clerk, app, visit_id)
    reviewer = staff_client(app, "shinsa", "reviewer")
    token = re.search(r'name="csrf_token" value="([^"]+)"', reviewer.get("/staff/").text).group(1)

    for path in ("/counter/cashbook", "/counter/cashbook.csv", f"/counter/visits/{visit_id}/receipt.pdf",
                 f"/counter/visits/{visit_id}/submissions/{submission.id}/receipt.pdf"):
        assert reviewer.get(path).status_code == 403, path
    for action in ("payment", "issue"):
        response = reviewer.post(f"/counter/visits/{visit_id}/submissions/{submission.id}/{action}",
                                 data={"csrf_token": token, "method": "cash"})
        assert response.status_code == 403, action
    anonymous = app.test_client()
    assert anonymous.get("/counter/cashbook").status_code in (302, 401, 403)
    assert counter_payments(app) == []
