"""Ordering pages and questions in the browser: drag and drop (progressive enhancement) posts the
same move form as the keyboard path (移動先 + 移動); focus returns to the moved item and the move is
announced; without JavaScript the select and button still work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.admin.support import publish_sample
from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser

FORM = "reorder-sample"
SAMPLE = """\
id: reorder-sample
title: 並べ替えの見本
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、郵送します。
retention: {years: 5}
pages:
  - id: alpha
    title: 一つ目
    fields:
      - {type: text, id: first_note, label: 最初の記入, required: false, max_length: 20}
      - {type: text, id: second_note, label: 次の記入, required: false, max_length: 20}
      - {type: text, id: third_note, label: 最後の記入, required: false, max_length: 20}
  - id: beta
    title: 二つ目
    fields:
      - {type: text, id: beta_note, label: 二つ目の記入, required: false, max_length: 20}
  - id: gamma
    title: 三つ目
    fields:
      - {type: text, id: gamma_note, label: 三つ目の記入, required: false, max_length: 20}
"""
EDIT = f"/admin/forms/{FORM}/edit"


@pytest.fixture(scope="module")
def sample(live_server):
    publish_sample(live_server.app, SAMPLE, "reorder-sample.yaml")
    make_staff(live_server.app, "reorder-admin", "admin", name="並べ 替子")


def page_titles(page) -> list[str]:
    # all_inner_texts does not wait: a page whose top is shown may still be receiving its list.
    page.wait_for_load_state()
    return [text.strip() for text in page.locator("ol.admin-items > li .admin-item__title").all_inner_texts()]


def test_drag_and_drop_and_the_keyboard_alternative(axe_page, sample):
    page = axe_page
    sign_in_staff(page, "reorder-admin")
    page.goto(EDIT)
    expect(page.get_by_text("ドラッグして並べ替えることもできます")).to_be_visible()
    assert page_titles(page) == ["一つ目", "二つ目", "三つ目"]

    # Drag 三つ目 onto 一つ目: it becomes the first page, in one post.
    page.locator("#page-gamma").drag_to(page.locator("#page-alpha"))
    page.wait_for_url(re.compile(r"#page-gamma$"))
    expect(page.locator("#reorder-status")).to_have_text("1番目に移動しました")
    assert page_titles(page) == ["三つ目", "一つ目", "二つ目"]
    assert page.evaluate("document.activeElement.id") == "page-gamma"
    expect(page.get_by_role("status").filter(has_text="ページ「三つ目」を1番目に移動")).to_be_visible()

    # The keyboard: choose 移動先 and press 移動, without a mouse.
    select = page.get_by_label("移動先（ページ「一つ目」）")
    select.focus()
    select.select_option(label="3番目（最後）へ")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("移動")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#page-alpha$"))
    expect(page.locator("#reorder-status")).to_have_text("3番目に移動しました")
    assert page_titles(page) == ["三つ目", "二つ目", "一つ目"]
    assert page.evaluate("document.activeElement.id") == "page-alpha"
    assert_accessible(page, "the pages of the structured editor after a move")

    # Questions on a page move the same way.
    page.goto(f"/admin/forms/{FORM}/pages/alpha")
    page.locator("#field-third_note").drag_to(page.locator("#field-first_note"))
    page.wait_for_url(re.compile(r"#field-third_note$"))
    expect(page.locator("#reorder-status")).to_have_text("1番目に移動しました")
    assert page_titles(page) == ["最後の記入", "最初の記入", "次の記入"]
    assert_accessible(page, "the questions of a page after a move")


def test_without_javascript_the_select_and_button_move(new_page, sample):
    page = new_page(javascript=False)
    sign_in_staff(page, "reorder-admin")
    page.goto(f"/admin/forms/{FORM}/pages/alpha")
    before = page_titles(page)
    assert page.get_by_text("ドラッグして並べ替えることもできます").count() == 0
    last = before[-1]
    page.get_by_label(f"移動先（項目「{last}」）").select_option(label="1番目へ")
    page.get_by_role("button", name=re.compile(f"^移動\\s*：項目「{last}」$")).click()
    expect(page.get_by_role("status").filter(has_text=f"項目「{last}」を1番目に移動")).to_be_visible()
    # The notice comes before the list in the page: wait for the list too (it may still be arriving).
    expect(page.locator("ol.admin-items > li .admin-item__title")).to_have_text([last, *before[:-1]])


def drag_and_hold(page, source: str, target: str):
    """Start dragging ``source`` and hold it over ``target`` (the mouse still pressed)."""
    page.evaluate("window.scrollTo(0, 0)")  # both in view (a move scrolls to the moved item)
    page.locator(source).hover()
    page.mouse.down()
    box = page.locator(target).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    page.mouse.move(box["x"] + box["width"] / 2 + 2, box["y"] + box["height"] / 2 + 2, steps=2)


def border_widths(page, selector: str) -> tuple[str, str]:
    return tuple(page.eval_on_selector(selector, "item => [getComputedStyle(item).borderTopWidth, "
                                                 "getComputedStyle(item).borderBottomWidth]"))


def test_the_drop_line_shows_where_the_item_will_land(axe_page, sample):
    page = axe_page
    sign_in_staff(page, "reorder-admin")
    page.goto(EDIT)
    ids = page.locator("ol.admin-items > li").evaluate_all("items => items.map(item => item.id)")
    first, last = ids[0], ids[-1]
    titles = page_titles(page)

    # Dragged down onto the last page: it lands after it, so the line is at the last page's bottom.
    drag_and_hold(page, f"#{first}", f"#{last}")
    assert border_widths(page, f"#{last}") == ("0px", "4px")
    page.mouse.up()
    page.wait_for_url(re.compile(f"#{first}$"))
    assert page_titles(page) == [*titles[1:], titles[0]]
    expect(page.locator("#reorder-status")).to_have_text(f"{len(titles)}番目に移動しました")

    # Dragged up onto the (new) first page: it lands before it, the line at its top.
    ids = page.locator("ol.admin-items > li").evaluate_all("items => items.map(item => item.id)")
    drag_and_hold(page, f"#{ids[-1]}", f"#{ids[0]}")
    top, bottom = border_widths(page, f"#{ids[0]}")
    assert top == "4px" and bottom != "4px", page.locator("ol.admin-items > li").evaluate_all(
        "items => items.map(item => item.id + ':' + item.className)")
    with page.expect_navigation():  # the URL already ends with this item's id
        page.mouse.up()
    assert page.url.endswith(f"#{ids[-1]}")
    assert page_titles(page) == titles
