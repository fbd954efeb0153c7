"""The script's part in 「該当なし」 (static/js/formsvc.js): ticking an exclusive choice unticks
the others, ticking another unticks it. The question is drawn by its own template, as an
application page draws it; without the script the server's message does the job (tested in
tests/fields/test_checkboxes.py and tests/resident/test_insurance_card.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import MultiDict

from formsvc.resident.forms import build_form, field_views
from tests.browser.support import ROOT
from tests.fields import fieldkit
from tests.fields.fieldkit import CTX, make

pytestmark = pytest.mark.browser

HANDBOOKS = {"id": "handbooks", "label": "お持ちの手帳", "choices": [
    {"value": "physical", "label": "身体障害者手帳"},
    {"value": "rehab", "label": "療育手帳"},
    {"value": "none", "label": "該当なし", "exclusive": True},
]}


def question_html(spec) -> str:
    form = build_form([spec], CTX, MultiDict())
    view = field_views(form, [spec], CTX)[0]
    return fieldkit.question_html(view)


@pytest.fixture
def question(browser):
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content(f"<!doctype html><html lang='ja'><body><main><form>"
                     f"{question_html(make('checkboxes', **HANDBOOKS))}</form></main></body></html>")
    page.add_script_tag(content=(ROOT / "static" / "js" / "formsvc.js").read_text(encoding="utf-8"))
    yield page
    context.close()
    assert not errors, errors


def test_ticking_none_of_these_unticks_the_others_and_the_reverse(question):
    physical = question.get_by_role("checkbox", name="身体障害者手帳")
    rehab = question.get_by_role("checkbox", name="療育手帳")
    none = question.get_by_role("checkbox", name="該当なし")
    for box in (physical, rehab):
        box.check(force=True)
    expect(physical).to_be_checked()
    expect(rehab).to_be_checked()
    none.check(force=True)
    expect(none).to_be_checked()
    expect(physical).not_to_be_checked()
    expect(rehab).not_to_be_checked()
    rehab.check(force=True)
    expect(rehab).to_be_checked()
    expect(none).not_to_be_checked()
    # Unticking touches nothing else.
    rehab.uncheck(force=True)
    expect(none).not_to_be_checked()
    expect(physical).not_to_be_checked()


def test_the_hint_tells_before_anything_is_unticked(question):
    group = question.get_by_role("group", name="お持ちの手帳")
    expect(group).to_have_accessible_description(
        "当てはまるものをすべて選んでください。「該当なし」は他の選択肢と一緒には選べません")
