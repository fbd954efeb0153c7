"""The CSV export options page (issue 16): each choice is checked in the bytes a clerk downloads.

The clerk goes from the queue to 「形式を選んでCSVを出力する」, picks the options on a GET form (no
JavaScript) and presses 「CSVを出力する」; these tests follow that path and read the file back.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest
from sqlalchemy import select

from formsvc.clock import JST
from formsvc.review.models import AccessLog
from formsvc.submissions import reception
from formsvc.submissions.models import Submission
from tests.applicant import Applicant
from tests.identity import sign_in
from tests.review.conftest import REVIEW_FORM
from tests.staff.support import staff_client


def apply(app, items=None, signed_in=False, **answers) -> str:
    client = app.test_client()
    if signed_in:
        sign_in(client, app)
    return Applicant(client, app, REVIEW_FORM, answers=answers, items=items or {}).submit()


def form_fields(html: str) -> dict[str, str]:
    """What the options page's GET form sends as the page shows it: hidden inputs and checked radios."""
    sent = {}
    form = html[html.index('<form method="get" action="/staff/queue/export.csv"'):]
    for tag in re.findall(r"<input[^>]*>", form[:form.index("</form>")]):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and ('type="hidden"' in tag or " checked" in tag):
            sent[name.group(1)] = unescape(value.group(1))
    return sent


def options_page(exporter, **filters):
    """The options page as the queue's link opens it (test_the_queue_links_to_the_options_page)."""
    page = exporter.get(f"/staff/queue/export?{urlencode({'version': 1, 'form': REVIEW_FORM, **filters})}")
    assert page.status_code == 200
    return page


def test_the_queue_links_to_the_options_page(app, review_form):
    apply(app)
    exporter = staff_client(app, "shinsa", "reviewer")
    queue = exporter.get(f"/staff/queue?form={REVIEW_FORM}&status=all")
    link = unescape(re.search(r'href="(/staff/queue/export\?[^"]+)">形式を選んでCSVを出力する', queue.text).group(1))
    assert dict(parse_qsl(urlparse(link).query)) == {"version": "1", "form": REVIEW_FORM, "status": "all"}


def download(exporter, choices: dict[str, str] | None = None, **filters):
    """Open the options page from the queue, change ``choices``, press 「CSVを出力する」."""
    page = options_page(exporter, **filters)
    sent = {**form_fields(page.text), **(choices or {})}
    return exporter.get(f"/staff/queue/export.csv?{urlencode(sent)}")


def read(content: bytes, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode(encoding), newline="")))


def stored(db_session, number: str) -> Submission:
    return db_session.scalars(select(Submission).where(Submission.reception_number == number)).one()


def test_the_options_page_preselects_choices_for_excel(app, review_form):
    apply(app)
    exporter = staff_client(app, "shinsa", "reviewer")
    page = options_page(exporter, status="all")
    text = page.text
    assert "CSVの出力形式を選ぶ" in text and "第1版（1件）" in text
    assert form_fields(text) == {"form": REVIEW_FORM, "status": "all", "version": "1", "encoding": "utf-8-sig",
                                 "booleans": "words", "dates": "slash", "reception": "display", "breaks": "keep",
                                 "repeats": "columns"}
    for label in ("Shift_JIS（CP932）", "はい／いいえ", "和暦（令和8年12月1日）", "和暦の略記（R08.12.01）",
                  "ハイフン付き（ABCD-EF23）", "セルの中で改行する", "別のCSVにする（1項目1行）"):
        assert label in text
    # The procedure has a repeating page (品目): its own file can be asked for from the same form.
    assert 'name="file" value="items"' in text and "「追加の品目」のCSV（1項目1行）を出力する" in text
    # Without a procedure there is nothing to choose from.
    refused = exporter.get("/staff/queue/export")
    assert refused.status_code == 302 and "notice=csv_needs_form" in refused.location


def test_the_preselected_file_opens_in_excel_as_residents_and_clerks_read_it(app, review_form, db_session):
    number = apply(app, note='1行目, "引用"\n2行目', purposes=["bank"], birth_date=date(1990, 4, 1),
                   items={"items": [{"item_kind": "a"}, {"item_kind": "b"}]})
    exporter = staff_client(app, "shinsa", "reviewer")
    response = download(exporter, status="all")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    content = response.data
    assert content.startswith(b"\xef\xbb\xbf")
    # The textarea answer keeps its line break, comma and quote inside one quoted cell; records end with CRLF.
    assert b'"1\xe8\xa1\x8c\xe7\x9b\xae, ""\xe5\xbc\x95\xe7\x94\xa8""\n2\xe8\xa1\x8c\xe7\x9b\xae"' in content
    assert content.count(b"\r\n") == 2 and content.endswith(b"\r\n")
    [row] = read(content)
    submission = stored(db_session, number)
    assert row["受付番号"] == reception.display(number) == f"{number[:4]}-{number[4:]}"
    assert row["連絡事項"] == '1行目, "引用"\n2行目'
    assert row["市内にお住まいですか"] == "はい"
    assert (row["使いみち（銀行）"], row["使いみち（勤務先）"]) == ("はい", "いいえ")
    assert row["生年月日"] == "1990/04/01"
    pickup = date.fromisoformat(submission.answers["fields"]["pickup"])
    assert row["受取希望日"] == f"{pickup:%Y/%m/%d}"
    assert row["受取期限"] == ""  # not answered
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", row["申請日時"])
    created = datetime.strptime(row["申請日時"], "%Y/%m/%d %H:%M:%S")
    assert created.hour == submission.created_at.astimezone(JST).hour  # Japan time
    assert (row["品目1_品目"], row["品目2_品目"]) == ("証明書A", "証明書B")
    assert row["本人確認"] == "確認なし"
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "csv")).one()
    assert logged.submission_ids == [submission.id] and logged.detail == f"{REVIEW_FORM} v1"


def test_machine_readable_choices_give_one_line_per_record(app, review_form):
    apply(app, note="一行目\n二行目", purposes=["work"], birth_date=date(1990, 4, 1))
    exporter = staff_client(app, "shinsa", "reviewer")
    content = download(exporter, {"encoding": "utf-8", "booleans": "digits", "dates": "iso",
                                  "reception": "plain", "breaks": "space"}, status="all").data
    assert not content.startswith(b"\xef\xbb\xbf") and content.count(b"\n") == 2
    [row] = read(content)
    assert row["連絡事項"] == "一行目 二行目" and row["市内にお住まいですか"] == "1"
    assert (row["使いみち（銀行）"], row["使いみち（勤務先）"]) == ("0", "1")
    assert row["生年月日"] == "1990-04-01" and row["申請日時"].endswith("+09:00")
    assert "-" not in row["受付番号"]


@pytest.mark.parametrize(("style", "birth"), [("wareki", "平成2年4月1日"), ("wareki_short", "H02.04.01")])
def test_dates_in_the_japanese_calendar(app, review_form, style, birth):
    apply(app, birth_date=date(1990, 4, 1))
    exporter = staff_client(app, "shinsa", "reviewer")
    [row] = read(download(exporter, {"dates": style}, status="all").data)
    assert row["生年月日"] == birth
    pattern = r"令和\d+年\d+月\d+日 \d\d:\d\d:\d\d" if style == "wareki" else r"R\d\d\.\d\d\.\d\d \d\d:\d\d:\d\d"
    assert re.fullmatch(pattern, row["申請日時"])


def test_card_sign_ins_are_marked_in_the_identity_column(app, review_form):
    card = apply(app, signed_in=True)
    plain = apply(app)
    exporter = staff_client(app, "shinsa", "reviewer")
    rows = {row["受付番号"]: row for row in read(download(exporter, {"reception": "plain"}, status="all").data)}
    assert rows[card]["本人確認"] == "マイナンバーカード（公的個人認証）"
    assert rows[plain]["本人確認"] == "確認なし"


def test_repeats_as_rows_in_a_second_file_keyed_by_number_and_item(app, review_form):
    first = apply(app, items={"items": [{"item_kind": "a"}, {"item_kind": "b"}]})
    second = apply(app, items={"items": [{"item_kind": "b"}]})
    exporter = staff_client(app, "shinsa", "reviewer")
    main = read(download(exporter, {"repeats": "rows"}, status="all").data)
    assert "品目1_品目" not in main[0] and [row["受付番号"] for row in main] == [
        reception.display(first), reception.display(second)]
    response = download(exporter, {"repeats": "rows", "file": "items"}, status="all")
    assert response.status_code == 200 and "_items_" in response.headers["Content-Disposition"]
    content = response.data
    assert content.startswith(b"\xef\xbb\xbf")
    items = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert items == [["受付番号", "件番号", "品目"],
                     [reception.display(first), "1", "証明書A"], [reception.display(first), "2", "証明書B"],
                     [reception.display(second), "1", "証明書B"]]
    # A page that is not a repeating page of this version is not a file.
    assert download(exporter, {"file": "applicant"}, status="all").status_code == 404
    assert download(exporter, {"file": "../../etc/passwd"}, status="all").status_code == 404


def test_forged_options_fall_back_to_the_defaults(app, review_form):
    number = apply(app)
    exporter = staff_client(app, "shinsa", "reviewer")
    response = exporter.get(f"/staff/queue/export.csv?form={REVIEW_FORM}&status=all&encoding=utf-7"
                            "&booleans=%E3%81%AF&dates=" + "x" * 5000 + "&reception=<script>&unencodable=drop")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    [row] = read(response.data)
    assert row["受付番号"] == reception.display(number) and row["市内にお住まいですか"] == "はい"
    page = options_page(exporter, encoding="shift_jis", repeats="rows\r\n")
    assert form_fields(page.text)["encoding"] == "utf-8-sig" and form_fields(page.text)["repeats"] == "columns"
    # Control characters are refused before any view (formsvc.request_guard).
    assert exporter.get(f"/staff/queue/export.csv?form={REVIEW_FORM}&booleans=%00").status_code == 400


# --- Shift_JIS ---------------------------------------------------------------------------------

def test_shift_jis_download_when_every_character_fits(app, review_form):
    apply(app, name={"family": "髙橋", "given": "〜花子①"}, note="ﾊﾝｶｸ−テスト")
    exporter = staff_client(app, "shinsa", "reviewer")
    response = download(exporter, {"encoding": "cp932"}, status="all")
    assert response.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
    content = response.data
    assert not content.startswith(b"\xef\xbb\xbf")
    [row] = read(content, "cp932")
    # 髙 is in CP932 (an IBM extension); 〜 and − are written as CP932's own ～ and －; ① as 1.
    assert (row["氏名（氏）"], row["氏名（名）"]) == ("髙橋", "～花子1")
    assert row["連絡事項"] == "ﾊﾝｶｸ－テスト" and row["市内にお住まいですか"] == "はい"


def test_characters_outside_shift_jis_are_reported_before_anything_is_lost(app, review_form, db_session):
    fits = apply(app, name={"family": "髙橋", "given": "花子"})
    lacks = apply(app, name={"family": "𠮷田", "given": "花子"}, note="よろしく😀お願いします")
    exporter = staff_client(app, "shinsa", "reviewer")
    report = download(exporter, {"encoding": "cp932"}, status="all")
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("text/html")
    text = report.text
    assert "Shift_JISにない文字があります" in text and "2か所" in text
    assert reception.display(lacks) in text and reception.display(fits) not in text
    assert "氏名（氏）" in text and "𠮷" in text and "連絡事項" in text and "😀" in text
    assert "髙" not in text
    replace_link = unescape(re.search(r'href="([^"]+)">「〓」に置き換えて出力する', text).group(1))
    cancel_link = unescape(re.search(r'href="([^"]+)">出力をやめる', text).group(1))
    # Cancel goes back to the options page with the same choices.
    back = exporter.get(cancel_link)
    assert back.status_code == 200 and form_fields(back.text)["encoding"] == "cp932"
    # Looking at the report is logged; the download is logged again.
    assert [log.detail for log in db_session.scalars(select(AccessLog).where(AccessLog.action == "csv"))] == [
        f"{REVIEW_FORM} v1 文字コードの確認"]

    replaced = exporter.get(replace_link)
    assert replaced.status_code == 200 and replaced.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert dict(parse_qsl(urlparse(replace_link).query))["unencodable"] == "replace"
    rows = {row["受付番号"]: row for row in read(replaced.data, "cp932")}
    assert rows[reception.display(lacks)]["氏名（氏）"] == "〓田"
    assert rows[reception.display(lacks)]["連絡事項"] == "よろしく〓お願いします"
    assert rows[reception.display(fits)]["氏名（氏）"] == "髙橋"
    assert len(list(db_session.scalars(select(AccessLog).where(AccessLog.action == "csv")))) == 2


def test_counter_staff_may_not_choose_export_options(app, review_form):
    counter = staff_client(app, "madoguchi", "counter")
    assert counter.get(f"/staff/queue/export?form={REVIEW_FORM}").status_code == 403
    assert counter.get(f"/staff/queue/export.csv?form={REVIEW_FORM}&encoding=cp932").status_code == 403


def test_a_nested_repeat_as_rows_names_the_parent_item():
    """世帯員ごとの収入: each income row says which member (世帯員の件番号) and which income (件番号)."""
    from types import SimpleNamespace

    from formsvc.definitions.loader import load_text
    from formsvc.review import export
    from formsvc.review.export_options import ExportOptions
    from tests.applications.test_nested_repeat import SHOTOKU

    definition = load_text(SHOTOKU, "shotoku.yaml").definition
    incomes = definition.page_by_id("incomes")
    submission = SimpleNamespace(reception_number="ABCDEF23", answers={
        "fields": {"applicant_name": "山田太郎"},
        "items": {"members": [{"member_name": "山田太郎"}, {"member_name": "山田花子"}],
                  "incomes": [[{"income_kind": "salary", "employer": "デモ商事", "amount": 3000000}],
                              [{"income_kind": "pension", "amount": 500000}]]}})
    rows = list(export.item_rows(definition, incomes, [export.Batch([submission], {}, {})], ExportOptions()))
    header = rows[0]
    assert header[:3] == ["受付番号", "世帯員の件番号", "件番号"] and "勤務先" in header
    by_column = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(row["世帯員の件番号"], row["件番号"], row["年間の収入額"]) for row in by_column] == [
        ("1", "1", "3000000"), ("2", "1", "500000")]
    assert by_column[0]["受付番号"] == "ABCD-EF23" and by_column[0]["勤務先"] == "デモ商事"
    # Written as columns, the main file has no income columns when repeats are rows.
    assert not any(column.page.repeat for column in export.columns(definition, "rows"))
