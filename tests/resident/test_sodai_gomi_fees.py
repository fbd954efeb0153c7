"""粗大ごみ: the fee is charged per piece, and the resident is told so (one 処理券's worth per piece)."""

from __future__ import annotations

import re

import pytest

from formsvc.db import session as db_session
from formsvc.forms.catalog import published
from tests.resident.library_support import fee_shown, publish
from tests.resident.test_library_sodai_gomi import FORM, resident

ITEM_PAGE = "/forms/sodai-gomi/pages/items/items/0"


@pytest.fixture
def form(app):
    return publish(app, FORM)


def fee_table(app) -> tuple[dict[str, int], dict[str, int]]:
    """(fee per piece as the items page says it, by item label; the amounts the fee is computed from)."""
    with app.app_context():
        definition = published(db_session(), FORM).definition
    said: dict[str, int] = {}
    for paragraph in definition.field_by_id("fee_per_piece").paragraphs("ja"):
        found = re.fullmatch(r"([\d,]+)円：(.+)", paragraph)
        if found:
            for label in re.split(r"、(?![^（]*）)", found.group(2)):
                said[label] = int(found.group(1).replace(",", ""))
    computed = {choice.label.ja: int(choice.amount) for choice in definition.choice_lists["bulky_items"]}
    return said, computed


def test_the_items_page_lists_the_fee_of_every_item_as_the_fee_is_computed(app, form):
    said, computed = fee_table(app)
    assert said == computed  # every item, at the amount the fee is computed with


def test_the_items_page_says_each_piece_is_charged(client, app, form):
    person = resident(client, app)
    person.apply(until="items")
    page = client.get(ITEM_PAGE)
    assert page.status_code == 200
    assert "1点あたりの手数料" in page.text
    assert "1,000円：ソファ（2人掛け以上）、ベッド（フレーム）" in page.text
    assert "同じ品目を2点出す場合は、手数料も2点分かかります。" in page.text
    assert "手数料は1点ごとにかかります" in page.text  # beside the quantity


def test_check_and_done_pages_say_the_fee_is_per_piece(client, app, form):
    person = resident(client, app, items=[{"item_kind": "sofa", "quantity": 2}])
    check = person.apply()
    assert fee_shown(check.text) == "2,000円"
    assert "1点ごとに手数料がかかります" in check.text
    number = person.submit_from_check()
    done = client.get(f"/forms/{FORM}/done/{number}").text
    assert "2,000円" in done and "1点ごとに手数料がかかります" in done
    assert "処理券の購入は不要です" in done and "受付番号を大きく書いた紙を1点ごとに" in done
    assert "収集日は、2日以内" in done
    assert "受付番号は、お問い合わせの際に必要です。" in done and "窓口でのお受け取り" not in done
    copy = client.get(f"/forms/{FORM}/done/{number}/copy").text
    assert "2,000円" in copy and "1点ごとに手数料がかかります" in copy


def test_the_fee_list_asks_nothing(app, form):
    # The guidance is a question-less field: nothing is asked or stored for it.
    with app.app_context():
        spec = published(db_session(), FORM).definition.field_by_id("fee_per_piece")
    assert not spec.has_answer
