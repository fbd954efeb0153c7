"""Ordering without up/down clicks: a 移動先 select of positions and a 移動 button for every page,
question and shared block, working as a plain form post (no JavaScript)."""

from __future__ import annotations

import re

from sqlalchemy import select

from formsvc.admin.yaml_edit import load
from formsvc.db import database
from formsvc.forms.models import FormEvent
from tests.admin import test_structured_editor_constructs as constructs
from tests.admin.support import (
    FORM,
    admin_client,
    form_values,
    notices,
    publish_sample,
    submit,
    summary_of,
    working_source,
)

EDIT = f"/admin/forms/{FORM}/edit"


def page_url(page_id: str) -> str:
    return f"/admin/forms/{FORM}/pages/{page_id}"


def move_url(page_id: str) -> str:
    return f"{page_url(page_id)}/move"


def pages_of(app) -> list[str]:
    return [page["id"] for page in load(working_source(app))["pages"]]


def event_details(app) -> list[str]:
    """Each history entry's stored detail, as text (the words of the change are in it)."""
    with app.app_context(), database().transaction() as session:
        rows = session.scalars(select(FormEvent).where(FormEvent.form_id == FORM).order_by(FormEvent.id))
        return [str(row.detail) for row in rows]


def positions(html: str, select_id: str) -> list[str]:
    """The words of the 移動先 options of one item."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert select, f"no select {select_id}"
    return [words.strip() for words in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))]


def test_every_page_offers_the_other_positions_in_words(app):
    publish_sample(app)
    page = admin_client(app).get(EDIT)
    assert positions(page.text, "move-applicant") == ["2番目へ", "3番目（最後）へ"]
    assert positions(page.text, "move-agent") == ["1番目へ", "3番目（最後）へ"]
    assert positions(page.text, "move-request") == ["1番目へ", "2番目へ"]
    # Labelled for a screen reader with the page's title, and the up/down buttons remain.
    assert re.search(r'<label class="admin-move__label" for="move-agent">移動先'
                     r'<span class="visually-hidden">（ページ「代理人」）</span></label>', page.text)
    assert f'action="{page_url("agent")}/up"' in page.text


def test_a_page_moves_to_a_chosen_position_in_one_post_and_the_history_says_where(app):
    publish_sample(app)
    admin = admin_client(app)
    added = submit(admin, EDIT, f"/admin/forms/{FORM}/pages",
                   {"page_id": "contact", "page_title_ja": "連絡先", "kind": "question"})
    assert added.status_code == 302
    moved = submit(admin, EDIT, move_url("contact"), {"position": "1"})
    assert moved.status_code == 302 and moved.location.endswith(f"{EDIT}#page-contact")
    assert pages_of(app) == ["contact", "applicant", "agent", "request"]
    after = admin.get(moved.location)
    assert "ページ「連絡先」を1番目に移動。下書きに保存しました（まだ公開していません）" in notices(after.text)
    # The status line the page announces (aria-live) where the moved page now is.
    assert re.search(r'role="status" id="reorder-status" data-message="1番目に移動しました"', after.text)
    assert "ページ「連絡先」を1番目に移動" in event_details(app)[-1]
    # Back to the end: the last position's words say so.
    assert "4番目（最後）へ" in positions(after.text, "move-contact")
    assert submit(admin, EDIT, move_url("contact"), {"position": "4"}).status_code == 302
    assert pages_of(app) == ["applicant", "agent", "request", "contact"]
    assert "# 代理人のときだけ" in working_source(app)  # comments travel with their page


def test_a_move_the_definition_refuses_is_not_saved(app):
    publish_sample(app)
    admin = admin_client(app)
    # 代理人 is shown by an answer on 申請者: it cannot come first.
    refused = submit(admin, EDIT, move_url("agent"), {"position": "1"})
    assert refused.status_code == 400 and summary_of(refused.text)
    assert working_source(app) is None


def test_forged_and_hostile_positions_get_a_japanese_message_never_a_500(app):
    publish_sample(app)
    admin = admin_client(app)
    for hostile, message in (("", "移動先を一覧から選んでください"), ("abc", "移動先を一覧から選んでください"),
                             ("9" * 5000, "移動先を一覧から選んでください"),
                             ("-1", "移動先を一覧から選んでください"), ("1.5", "移動先を一覧から選んでください"),
                             ("0", "移動先は1番目から3番目までの中から選んでください"),
                             ("99", "移動先は1番目から3番目までの中から選んでください"),
                             ("3", "すでに3番目にあります。別の移動先を選んでください")):
        refused = submit(admin, EDIT, move_url("request"), {"position": hostile})
        assert refused.status_code == 400, hostile
        assert summary_of(refused.text) == [message], hostile
    # Control characters are refused by the service before any page sees them, in Japanese.
    refused = submit(admin, EDIT, move_url("request"), {"position": "\x00"})
    assert refused.status_code == 400 and "使用できない文字" in refused.text
    assert working_source(app) is None
    # A full-width digit is a position as a person types it.
    assert submit(admin, EDIT, move_url("request"), {"position": "２"}).status_code == 302
    assert pages_of(app) == ["applicant", "request", "agent"]
    # A page that is not there: not found, as for the other buttons.
    page = admin.get(EDIT)
    data = form_values(page.text, move_url("request"))
    assert admin.post(move_url("nothing"), data=data).status_code == 404


def test_a_stale_move_form_is_refused(app):
    publish_sample(app)
    admin = admin_client(app)
    stale = form_values(admin.get(EDIT).text, move_url("request"))
    assert submit(admin, EDIT, move_url("request"), {"position": "2"}).status_code == 302
    refused = admin.post(move_url("request"), data={**stale, "position": "1"})
    assert refused.status_code == 400
    assert "別の画面で変更されました" in summary_of(refused.text)[0]


def test_questions_and_shared_blocks_move_to_a_position_on_their_page(app):
    publish_sample(app, constructs.SAMPLE, "v2-sample.yaml")
    admin = admin_client(app)
    page = admin.get(constructs.PAGE)
    # note, the block, benefits, income, insurer, proof: six items, the block counts as one.
    assert positions(page.text, "move-note")[-1] == "6番目（最後）へ"
    assert positions(page.text, "move-use-1") == ["1番目へ", "3番目へ", "4番目へ", "5番目へ", "6番目（最後）へ"]
    moved = submit(admin, constructs.PAGE, f"{constructs.field_url('note')}/move", {"position": "5"})
    assert moved.status_code == 302 and moved.location.endswith("#field-note")
    items = load(working_source(app, "v2-sample"))["pages"][0]["fields"]
    assert [item.get("id", "use") for item in items] == ["use", "benefits", "income", "insurer", "note", "proof"]
    assert "項目「備考」を5番目に移動" in notices(admin.get(moved.location).text)[0]
    block = submit(admin, constructs.PAGE, f"{constructs.PAGE}/uses/0/move", {"position": "6"})
    assert block.status_code == 302 and block.location.endswith("#use-5")
    items = load(working_source(app, "v2-sample"))["pages"][0]["fields"]
    assert items[-1] == {"use": "applicant", "prefix": "applicant_"}
    after = admin.get(block.location)
    assert "共通ブロック「申請者の氏名・生年月日・住所・電話番号」を6番目に移動" in notices(after.text)[0]
    assert 'data-message="6番目に移動しました"' in after.text
    # The block's move form names the block; a forged one is refused with the existing message.
    data = form_values(after.text, f"{constructs.PAGE}/uses/5/move")
    forged = admin.post(f"{constructs.PAGE}/uses/4/move", data={**data, "position": "1"})
    assert forged.status_code == 400
    assert "その位置にありません" in summary_of(forged.text)[0]
    hostile = admin.post(f"{constructs.PAGE}/uses/5/move", data={**data, "position": "最後"})
    assert hostile.status_code == 400 and summary_of(hostile.text) == ["移動先を一覧から選んでください"]


def test_a_page_with_one_item_offers_no_move(app):
    publish_sample(app)
    page = admin_client(app).get(page_url("agent"))
    assert 'id="move-agent_name"' not in page.text
