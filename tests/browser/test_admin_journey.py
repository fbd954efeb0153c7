"""A clerk builds a procedure in the browser without writing YAML, a second person approves it,
and a resident applies: the template gallery, a page and a question added in the structured
editor, a condition chosen from lists, the preview jumping to a page, 決裁, publishing, and the
resident's pages. axe checks every admin page on the way, error states included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser

FORM = "machi-survey"


def test_a_procedure_built_from_the_gallery_is_approved_published_and_applied_for(axe_page, new_page, live_server):
    make_staff(live_server.app, "journey-admin", "admin", name="作成 花子")
    make_staff(live_server.app, "journey-approver", "approver", name="承認 一郎")
    page = axe_page
    sign_in_staff(page, "journey-admin")

    # The gallery: アンケート.
    page.goto("/admin/")
    page.get_by_role("link", name="ひな形から新しい手続きを作る").click()
    assert_accessible(page, "the template gallery")
    page.get_by_role("button", name="下書きとして作成する").click()  # nothing filled in: errors
    expect(page.get_by_role("heading", name="入力内容にエラーがあります")).to_be_visible()
    assert_accessible(page, "the template gallery with errors")
    page.get_by_role("group", name=re.compile("ひな形")).get_by_label("アンケート").check()
    page.get_by_label("手続きID", exact=False).fill(FORM)
    page.get_by_label(re.compile(r"^手続き名\s*※必須")).fill("窓口サービスのアンケート")
    page.get_by_label(re.compile(r"^担当課\s*※必須")).fill("市民課")
    page.get_by_role("button", name="下書きとして作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("窓口サービスのアンケート")
    assert_accessible(page, "the new procedure's page")

    # A page added in the structured editor, shown only to the dissatisfied.
    page.get_by_role("link", name="編集", exact=True).click()
    assert_accessible(page, "the structured editor")
    page.get_by_label("ページID").fill("reason")
    page.get_by_label(re.compile(r"^ページの見出し\s*※必須")).fill("不満だった理由")
    page.get_by_role("button", name="ページを追加").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("不満だった理由")
    page.get_by_label("項目の種類").select_option(label="複数行のテキスト")
    page.get_by_label("項目ID", exact=False).fill("reason_text")
    page.get_by_label(re.compile(r"^質問（ラベル）")).fill("不満だった理由を教えてください")
    page.get_by_role("button", name="項目を追加").click()
    expect(page.get_by_role("status").first).to_contain_text("下書きに保存しました")

    page.goto(f"/admin/forms/{FORM}/pages/reason")
    page.get_by_label("次の条件のときだけ表示する").check()
    page.get_by_label("条件に使う項目").select_option(label="全体としての満足度（質問）")
    page.get_by_role("button", name="値を選ぶ").click()
    expect(page.get_by_text("値の欄を、選んだ項目に合わせました")).to_be_visible()
    page.get_by_role("button", name="ページの設定を保存する").click()  # no value chosen yet: an error
    expect(page.get_by_role("heading", name="入力内容にエラーがあります")).to_be_visible()
    assert_accessible(page, "a page's condition with an error")
    page.get_by_label("比べ方").select_option(label="が次と同じ")
    page.get_by_label(re.compile("^値（「が次と同じ」")).select_option(label="不満")
    page.get_by_role("button", name="ページの設定を保存する").click()
    expect(page.get_by_text("今の条件：「全体としての満足度」が「不満」")).to_be_visible()
    assert_accessible(page, "a page's editor with its condition")
    assert "YAML" not in page.get_by_role("main").inner_text().replace("YAMLで編集", "")

    # The preview jumps straight to the new page, and says why it would be hidden.
    page.get_by_role("link", name="プレビュー", exact=True).first.click()
    page.get_by_role("combobox", name="ページへ移動").select_option(label="3. 不満だった理由（条件つき）")
    page.get_by_role("button", name="移動", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("不満")
    assert_accessible(page, "the preview after a jump")

    # 決裁: approval required, asked for, and given by someone else.
    page.goto(f"/admin/forms/{FORM}")
    page.get_by_role("button", name="公開前に承認を必要とする").click()
    expect(page.get_by_text("公開するには、承認者の承認が必要です")).to_be_visible()
    page.get_by_label("コメント", exact=False).first.fill("新しいアンケートです。確認をお願いします。")
    page.get_by_role("button", name="承認を依頼する").click()
    assert_accessible(page, "the procedure page waiting for approval")

    approver = new_page(bypass_csp=True)  # axe-core is injected
    sign_in_staff(approver, "journey-approver")
    approver.goto("/admin/approvals")
    assert_accessible(approver, "the approvers' list")
    approver.get_by_role("link", name=re.compile("窓口サービスのアンケート")).click()
    expect(approver.get_by_role("main")).to_contain_text("新しいアンケートです。確認をお願いします。")
    assert_accessible(approver, "an approval request")
    approver.get_by_role("button", name="承認する").click()
    expect(approver.get_by_role("main")).to_contain_text("承認済み")

    page.reload()
    expect(page.get_by_role("main")).to_contain_text("承認 一郎")
    page.get_by_role("button", name="公開する", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("公開")
    assert_accessible(page, "the procedure page after publishing")

    # The resident applies; the page appears because of the answer chosen.
    resident = new_page()
    resident.goto(f"/forms/{FORM}/")
    resident.get_by_role("button", name="申請を始める").click()
    resident.get_by_role("button", name="次へ進む").click()  # 年代: optional
    resident.get_by_role("group", name=re.compile("全体としての満足度")).get_by_label("不満", exact=True).check()
    resident.get_by_role("button", name="次へ進む").click()
    expect(resident.get_by_role("heading", level=1)).to_contain_text("不満だった理由")
    resident.get_by_label("不満だった理由を教えてください").fill("待ち時間が長かった")
    resident.get_by_role("button", name="次へ進む").click()
    expect(resident.get_by_role("main")).to_contain_text("待ち時間が長かった")
    expect(resident.get_by_role("main")).to_contain_text("上記の内容で回答します。")
    resident.get_by_role("button", name="同意して申請する").click()
    expect(resident.get_by_role("main")).to_contain_text("受付番号")
