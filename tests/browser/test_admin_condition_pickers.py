"""A condition chosen from lists in the browser: with JavaScript only the value inputs of the
chosen comparison show; without it 「値を選ぶ」 reloads the page with the question's choices."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.admin.support import publish_sample
from tests.admin.test_condition_pickers import SAMPLE
from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser

FORM = "picker-sample"
URL = f"/admin/forms/{FORM}/pages/last/fields/extra"


@pytest.fixture(scope="module")
def sample(live_server):
    publish_sample(live_server.app, SAMPLE.replace("id: admin-sample", f"id: {FORM}"), f"{FORM}.yaml")
    make_staff(live_server.app, "picker-admin", "admin", name="条件 選子")


def choose_question(page, label: str) -> None:
    page.get_by_label("次の条件のときだけ表示する").check()
    page.get_by_label("条件に使う項目").select_option(label=label)
    page.get_by_role("button", name="値を選ぶ").click()
    expect(page.get_by_text("値の欄を、選んだ項目に合わせました")).to_be_visible()


def test_a_condition_is_chosen_from_lists_with_javascript(axe_page, sample):
    page = axe_page
    sign_in_staff(page, "picker-admin")
    page.goto(URL)
    choose_question(page, "申請する方（最初の質問）")
    value = page.get_by_label("値（「が次と同じ」「が次と違う」のとき）")
    expect(value).to_be_visible()
    several = page.get_by_role("group", name="値（「が次のどれか」のとき。いくつでも選べます）")
    expect(several).to_be_hidden()  # shown for 「が次のどれか」 only
    page.get_by_label("比べ方").select_option(label="が次のどれか")
    expect(several).to_be_visible()
    expect(value).to_be_hidden()
    several.get_by_label("本人").check()
    several.get_by_label("代理人").check()
    assert_accessible(page, "the condition form of a question")
    page.get_by_role("button", name="項目を保存する").click()
    expect(page.get_by_text("今の条件：「申請する方」が「本人」「代理人」のどれか")).to_be_visible()

    # Enter in a text box saves the question (it does not press 「値を選ぶ」).
    page.get_by_label("質問（ラベル）", exact=False).first.fill("追加の記入欄")
    page.get_by_label("質問（ラベル）", exact=False).first.press("Enter")
    expect(page.get_by_role("status").filter(has_text="項目「追加の記入欄」を変更")).to_be_visible()


def test_without_javascript_the_picker_reloads_with_the_questions_dates(new_page, sample):
    page = new_page(javascript=False)
    sign_in_staff(page, "picker-admin")
    page.goto(URL)
    choose_question(page, "転居した日（最初の質問）")
    page.get_by_label("比べ方").select_option(label="が次の日か、それより後")
    page.get_by_label("日付", exact=True).fill("2027-04-01")
    page.get_by_role("button", name="項目を保存する").click()
    expect(page.get_by_text("今の条件：「転居した日」が2027-04-01以降")).to_be_visible()
