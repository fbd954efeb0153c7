"""axe-core (WCAG 2.1 A and AA) finds nothing on any kind of resident page.

Each procedure below is walked from its start page to its confirmation page. Every page on
the way is checked as first shown and, for question pages, again with the errors an empty
answer gives; repeating pages are checked as item page, summary and remove confirmation.
The scenarios are chosen so that together they show every field type (checked at the end).
hoiku-riyou is not walked: it needs a sign-in with the My Number card (authentication:
required), and its field types are all shown by the other procedures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from formsvc import clock
from tests.applicant import PAGE_URL
from tests.browser.support import RECEPTION_NUMBER, Shortcut, assert_accessible, pay_with_card, send_application
from tests.conftest import JAPAN_TODAY, day_in_period, hold_clock

pytestmark = pytest.mark.browser

TODAY = JAPAN_TODAY

# (form id, answers that differ from each field's example answer)
SCENARIOS = {
    "juminhyo-copy (self, counter)": ("juminhyo-copy", {}),
    "juminhyo-copy (agent, part, post)": ("juminhyo-copy", {
        "requester": "agent", "scope": "part", "receive_method": "mail",
        "id_document_copy": True}),  # by post without the card: the copy is required
    "sodai-gomi": ("sodai-gomi", {"has_recycling_appliances": False}),
    "jidoteate-nintei": ("jidoteate-nintei", {"reason_date": TODAY - timedelta(days=10)}),
    "risai-shomei (corporation)": ("risai-shomei", {
        "applicant_type": "corporation", "disaster_date": TODAY - timedelta(days=10)}),
    "inu-touroku": ("inu-touroku", {"registered_elsewhere": False}),
    "okuyami-annai (head of household)": ("okuyami-annai", {
        "circumstances": ["kokuho", "head_of_household"], "household_remaining": "two_or_more"}),
}

# Field types that the brief for these checks names; every one must be seen on some page.
FIELD_TYPES = {"radio", "text", "name", "kana", "date", "postal_code", "address", "select", "checkboxes",
               "yes_no", "number", "file", "textarea", "consent", "guidance"}

checked_field_types: set[str] = set()
walked_scenarios: set[str] = set()
# (form id, page id): question pages already checked by an earlier scenario are not checked
# again (the two juminhyo-copy walks share most pages); a scenario run alone checks them all.
checked_pages: set[tuple[str, str]] = set()


def assert_error_links_lead_to_fields(page, spec_page) -> None:
    """Each link in the error summary points at a form control (following it focuses that control:
    see test_applications.py), not at nothing."""
    for link in page.get_by_role("alert").get_by_role("link").all():
        target = (link.get_attribute("href") or "").removeprefix("#")
        found = page.evaluate(
            "id => { const e = document.getElementById(id);"
            " return e ? e.matches('input, select, textarea, button') : null; }", target)
        assert found, f"{spec_page.id}: the error link #{target} leads to " + (
            "no element" if found is None else "an element that is not a form control")


def submit_empty(page, button: str = "次へ進む") -> bool:
    """Send the page with nothing filled in; True when it came back with errors."""
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return page.locator("[data-error-summary]").count() > 0


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_page_of_an_application_is_accessible(axe_page, live_server, monkeypatch, scenario):
    form_id, answers = SCENARIOS[scenario]
    page = axe_page
    definition = live_server.definition(form_id)
    # A procedure with a 受付期間 is walked on one of its days (the server's thread reads this clock).
    hold_clock(monkeypatch, day_in_period(definition.valid_from, definition.valid_until, clock.today()))
    shortcut = Shortcut(page, definition, answers)

    page.goto(f"/forms/{form_id}/")
    assert_accessible(page, "start page")
    path = shortcut.start()
    for _ in range(50):
        match = PAGE_URL.search(path)
        if match is None:
            break
        spec_page = definition.page_by_id(match.group("page"))
        checked_field_types.update(spec.type for spec in spec_page.fields)
        base = f"/forms/{form_id}/pages/{spec_page.id}"
        if spec_page.repeat is not None:
            page.goto(f"{base}/items/0")
            assert_accessible(page, f"{spec_page.id}: first item")
            if submit_empty(page, "保存する"):
                assert_error_links_lead_to_fields(page, spec_page)
                assert_accessible(page, f"{spec_page.id}: first item with errors")
            shortcut.post(f"{base}/items/0", shortcut.inputs_for(spec_page, {}))
            page.goto(f"{base}/items")
            assert_accessible(page, f"{spec_page.id}: summary of items")
            page.get_by_role("link", name="削除").first.click()
            assert_accessible(page, f"{spec_page.id}: remove confirmation")
            path = shortcut.post(f"{base}/items", [("action", "continue")])
            continue
        if spec_page.kind == "exit":
            pytest.fail(f"{scenario} ended on exit page {spec_page.id}")
        if (form_id, spec_page.id) not in checked_pages:
            page.goto(path)
            assert_accessible(page, spec_page.id)
            if any(spec.required and spec.has_answer for spec in spec_page.fields) and submit_empty(page):
                assert page.title().startswith("エラー：")
                assert_error_links_lead_to_fields(page, spec_page)
                assert_accessible(page, f"{spec_page.id} with errors")
            checked_pages.add((form_id, spec_page.id))
        path = shortcut.post(path, shortcut.inputs_for(spec_page, answers))

    assert path == f"/forms/{form_id}/check", path
    page.goto(path)
    assert_accessible(page, "check your answers")
    send_application(page)  # a fee is paid online first (the provider's pages: test_payment_journey.py)
    page.get_by_role("heading", name="申請を受け付けました").wait_for()
    assert RECEPTION_NUMBER.match(page.locator(".reception-number").inner_text().strip())
    assert_accessible(page, "confirmation")
    # The 控え (copy of what was sent), a page of its own (formsvc.resident.receipt_copy).
    page.get_by_role("link", name="送信した内容の控えを見る（印刷・PDF）").click()
    page.get_by_role("heading", name="申請の控え").wait_for()
    assert_accessible(page, "copy of what was sent")
    walked_scenarios.add(scenario)


def test_the_walks_showed_every_field_type():
    if walked_scenarios != set(SCENARIOS):
        pytest.skip("only meaningful after every scenario above has been walked in this run")
    missing = FIELD_TYPES - checked_field_types
    assert not missing, f"no page checked had these field types: {sorted(missing)}"


def test_portal_and_search_results_are_accessible(axe_page, live_server):
    axe_page.goto("/")
    assert axe_page.get_by_role("heading", level=1).is_visible()
    assert_accessible(axe_page, "portal")
    axe_page.get_by_label("手続きを探す").fill("住民票")
    axe_page.get_by_role("button", name="検索", exact=True).click()
    axe_page.get_by_role("heading", name="「住民票」の検索結果：", exact=False).wait_for()
    assert axe_page.get_by_role("link", name="住民票の写し等の交付請求").is_visible()
    assert_accessible(axe_page, "search results")
    axe_page.goto("/?q=該当しない言葉")
    assert_accessible(axe_page, "search without results")


def test_exit_page_is_accessible(axe_page, live_server):
    path = Shortcut(axe_page, live_server.definition("juminhyo-copy"), {"requester": "third_party"}).until()
    axe_page.goto(path)
    assert axe_page.get_by_role("heading", name="この手続きではお申し込みできません").is_visible()
    assert_accessible(axe_page, "exit page")


def test_expired_application_page_is_accessible(axe_page, live_server):
    live_server.definition("juminhyo-copy")
    axe_page.goto("/forms/juminhyo-copy/pages/subject")  # a new browser: there is no draft
    assert axe_page.get_by_role("heading", name="入力の途中の内容が見つかりません").is_visible()
    assert_accessible(axe_page, "expired application")


def test_already_sent_page_is_accessible(axe_page, live_server):
    """戻る after 送信: the pages of a sent application say it was sent (issue 16)."""
    path = Shortcut(axe_page, live_server.definition("juminhyo-copy")).until()
    axe_page.goto(path)
    send_application(axe_page)
    axe_page.get_by_role("heading", name="申請を受け付けました").wait_for()
    axe_page.goto("/forms/juminhyo-copy/check")
    assert axe_page.get_by_role("heading", name="この申請は送信済みです", exact=False).is_visible()
    assert_accessible(axe_page, "already sent")


def test_not_found_page_is_accessible(axe_page):
    response = axe_page.goto("/forms/no-such-procedure/")
    assert response.status == 404
    assert axe_page.get_by_role("heading", name="ページが見つかりません").is_visible()
    assert_accessible(axe_page, "404")


def test_english_question_page_is_accessible_with_and_without_errors(axe_page, live_server):
    path = Shortcut(axe_page, live_server.definition("juminhyo-copy")).until("subject")
    axe_page.goto(f"/language/en?next={path}")
    assert axe_page.evaluate("document.documentElement.lang") == "en"
    assert axe_page.get_by_role("heading", name="The person whose certificate you need").is_visible()
    assert_accessible(axe_page, "English question page")
    axe_page.get_by_role("button", name="Continue", exact=True).click()
    axe_page.get_by_role("heading", name="There is a problem").wait_for()
    assert axe_page.title().startswith("Error: ")
    assert_accessible(axe_page, "English question page with errors")


def test_pages_in_other_states_are_accessible(axe_page, live_server):
    page = axe_page
    juminhyo = live_server.definition("juminhyo-copy")
    agent = {"requester": "agent", "scope": "part", "receive_method": "mail"}
    Shortcut(page, juminhyo, agent).until("contents")

    page.goto("/forms/juminhyo-copy/")
    assert page.get_by_role("button", name="続きから入力する").is_visible()
    assert_accessible(page, "start page with an application in progress")

    page.goto("/forms/juminhyo-copy/pages/agent")
    assert page.get_by_role("button", name="削除", exact=False).is_visible()
    assert_accessible(page, "file question with an attached file")

    page.goto("/forms/juminhyo-copy/pages/subject")
    page.get_by_label("郵便番号").fill("100-0001")
    page.get_by_role("button", name="住所を検索").click()
    page.get_by_role("status").filter(has_text="住所を入力しました").wait_for()
    assert_accessible(page, "address filled in from the postal code")


def test_repeating_page_at_its_maximum_is_accessible(axe_page, live_server):
    sodai = live_server.definition("sodai-gomi")
    maximum = sodai.page_by_id("items").repeat.max
    items = [{"item_kind": "chair", "quantity": 1}] * maximum
    Shortcut(axe_page, sodai, {"has_recycling_appliances": False}, {"items": items}).until()
    axe_page.goto("/forms/sodai-gomi/pages/items")
    assert axe_page.get_by_role("button", name="品目を追加する").count() == 0
    assert_accessible(axe_page, "repeating page with the most items allowed")


def test_english_check_and_confirmation_pages_are_accessible(axe_page, live_server):
    path = Shortcut(axe_page, live_server.definition("sodai-gomi"), {"has_recycling_appliances": False}).until()
    axe_page.goto(f"/language/en?next={path}")
    axe_page.get_by_role("heading", name="Check your answers before sending").wait_for()
    assert_accessible(axe_page, "English check your answers")
    # The fee is paid online first; the mock provider's pages are in Japanese only.
    axe_page.get_by_role("button", name="Continue to payment").click()
    pay_with_card(axe_page)
    axe_page.get_by_role("heading", name="Application received").wait_for()
    assert_accessible(axe_page, "English confirmation")
