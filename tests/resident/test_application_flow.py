"""A resident applies page by page: conditions, exit pages, repeats, check, submit."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from formsvc.submissions.models import Draft, Submission, SubmissionEvent
from tests.applicant import Applicant, csrf_token
from tests.conftest import JAPAN_TODAY

RECEPTION = re.compile(r"^[2-9A-HJ-NP-Z]{8}$")


def applicant(client, app, **answers) -> Applicant:
    defaults = {"resident": True, "via": "self", "copies": 2}
    return Applicant(client, app, "sample-permit", answers={**defaults, **answers})


def only_submission(db_session) -> Submission:
    submissions = db_session.scalars(select(Submission)).all()
    assert len(submissions) == 1
    return submissions[0]


def test_portal_lists_and_finds_the_procedure(client, sample_form):
    portal = client.get("/")
    assert portal.status_code == 200
    assert "見本の許可申請" in portal.text and "証明書" in portal.text  # grouped by life event
    assert "市民課" in portal.text  # and by department
    assert "見本の許可申請" in client.get("/?q=許可").text
    assert "見本の許可申請" not in client.get("/?q=犬").text


def test_start_page_says_what_the_resident_needs_to_know(client, sample_form):
    page = client.get("/forms/sample-permit/")
    assert page.status_code == 200
    for text in ("見本の許可申請", "テスト用の手続きです。", "手数料", "マイナンバーカード", "不要です",
                 "申請を始める", "03-1234-5678"):
        assert text in page.text


def test_a_complete_application_is_stored_with_its_version_and_an_audit_event(
        client, app, sample_form, db_session):
    person = applicant(client, app)
    person.items = {"items": [{"item_kind": "a"}]}
    number = person.submit()
    assert RECEPTION.match(number)
    assert person.visited == ["eligibility", "applicant", "request", "items"]

    submission = only_submission(db_session)
    assert submission.reception_number == number
    assert submission.form_id == "sample-permit"
    assert submission.version_id is not None
    assert submission.fee == 2 * 300 + 200
    assert submission.answers["fields"]["name"] == {"family": "山田", "given": "太郎"}
    assert submission.answers["items"]["items"] == [{"item_kind": "a"}]
    events = db_session.scalars(select(SubmissionEvent)).all()
    assert [(e.kind, e.actor) for e in events] == [("submitted", "resident")]

    done = client.get(f"/forms/sample-permit/done/{number}")
    assert "申請を受け付けました" in done.text
    assert f"{number[:4]}-{number[4:]}" in done.text
    assert "審査の後、郵送します。" in done.text


def test_the_exit_page_ends_the_application(client, app, sample_form):
    person = applicant(client, app, resident=False)
    page = person.apply()
    assert person.visited == ["eligibility", "not_eligible"]
    assert "この手続きは市内にお住まいの方が対象です" in page.text
    assert "お住まいの市区町村にお問い合わせください。" in page.text
    # The check page cannot be reached past an exit page.
    assert client.get("/forms/sample-permit/check").status_code == 302


def test_skipped_pages_and_hidden_fields_are_not_stored(client, app, sample_form, db_session):
    # Answer as an agent first (agent page and agent_note asked) ...
    person = applicant(client, app, via="agent", agent_name="代理花子", agent_note="連絡事項")
    person.apply()
    assert "agent" in person.visited
    # ... then change to "self" from the check page: the agent's answers must go.
    path = "/forms/sample-permit/pages/applicant?return=check"
    data = person.inputs_for(person.definition().page_by_id("applicant"), {"via": "self"})
    response = person.post(path, {**data, "return": "check"})
    assert response.status_code == 302
    check = client.get("/forms/sample-permit/check")
    assert "代理花子" not in check.text and "連絡事項" not in check.text
    client.post("/forms/sample-permit/check", data={"csrf_token": csrf_token(check.text)})
    fields = only_submission(db_session).answers["fields"]
    assert "agent_name" not in fields and "agent_note" not in fields and "proxy_letter" not in fields


def test_pages_cannot_be_skipped_by_typing_their_address(client, app, sample_form):
    Applicant(client, app, "sample-permit").start()
    response = client.get("/forms/sample-permit/pages/request")
    assert response.status_code == 302
    assert response.location.endswith("/forms/sample-permit/pages/eligibility")


def test_errors_are_summarised_linked_and_shown_beside_each_field(client, app, sample_form):
    person = applicant(client, app)
    person.apply(until="applicant")
    response = person.post("/forms/sample-permit/pages/applicant", {
        "name-family": "山田", "name-given": "", "kana-family": "やまだ", "kana-given": "たろう",
        "birth_date-year": "平成31", "birth_date-month": "5", "birth_date-day": "1",
        "postal": "123", "home-prefecture": "", "via": "",
    })
    html = response.text
    assert response.status_code == 200
    assert re.search(r"<title>エラー：申請者 - 見本の許可申請", html)
    assert "入力内容にエラーがあります" in html
    expected = {
        "name-given": "名を入力してください",
        "birth_date-year": "平成31年5月1日は存在しません",
        "postal": "郵便番号は7桁の数字で入力してください",
        "home-prefecture": "住所を入力してください",
        "via-0": "申請者を選択してください",
    }
    for target, message in expected.items():
        assert re.search(rf'<a href="#{target}">[^<]*{message}', html), target
    # Beside the field: the message, aria-invalid and aria-describedby pointing at it.
    assert re.search(r'id="postal-error"><span class="visually-hidden">エラー：</span>＊郵便番号は7桁', html)
    assert re.search(r'id="postal"[^>]*aria-describedby="postal-hint postal-error"[^>]*aria-invalid="true"',
                     html, flags=re.S)
    # Nothing typed is lost: every value is shown again as it was typed.
    assert 'value="やまだ"' in html and 'value="123"' in html and 'value="平成31"' in html


def test_a_cross_field_rule_is_shown_at_its_field(client, app, sample_form):
    pickup = JAPAN_TODAY + timedelta(days=10)
    person = applicant(client, app, pickup=pickup, pickup_last=pickup - timedelta(days=1))
    person.apply(until="request")
    data = person.inputs_for(person.definition().page_by_id("request"), person.answers)
    response = person.post("/forms/sample-permit/pages/request", data)
    assert response.status_code == 200
    assert "受取期限は受取希望日より後の日付にしてください" in response.text
    assert '<a href="#pickup_last-year">' in response.text


def test_date_bounds_relative_to_today(client, app, sample_form):
    person = applicant(client, app, pickup=JAPAN_TODAY + timedelta(days=1))
    person.apply(until="request")
    data = person.inputs_for(person.definition().page_by_id("request"), person.answers)
    response = person.post("/forms/sample-permit/pages/request", data)
    assert "受取希望日は" in response.text and "以降の日付を入力してください" in response.text


def test_answers_survive_reload_and_going_back(client, app, sample_form):
    person = applicant(client, app)
    person.apply(until="request")
    page = client.get("/forms/sample-permit/pages/applicant")  # back
    assert 'value="山田"' in page.text and 'value="タロウ"' in page.text
    assert 'value="105-0011"' in page.text or 'value="1050011"' in page.text
    again = client.get("/forms/sample-permit/pages/applicant")  # reload
    assert again.text.count('value="山田"') == 1


def test_the_postal_code_button_fills_the_address_without_javascript(client, app, sample_form):
    person = applicant(client, app)
    person.apply(until="applicant")
    response = person.post("/forms/sample-permit/pages/applicant",
                           {"postal": "１０５－００１１", "action": "lookup:postal", "name-family": "山田"})
    assert response.status_code == 200
    assert "住所を入力しました" in response.text
    for value in ("東京都", "港区", "芝公園"):
        assert f'value="{value}"' in response.text
    assert 'value="山田"' in response.text  # what was typed stays
    assert "入力内容にエラーがあります" not in response.text  # a lookup is not a submission


def test_repeating_page_add_change_remove_and_max(client, app, sample_form):
    person = applicant(client, app)
    person.apply(until="items")
    base = "/forms/sample-permit/pages/items"
    summary = client.get(f"{base}/items")
    assert "品目：0件" in summary.text and "品目を追加する" in summary.text
    assert person.post(f"{base}/items/0", {"item_kind": "a"}).status_code == 302
    assert person.post(f"{base}/items/1", {"item_kind": "b"}).status_code == 302
    summary = client.get(f"{base}/items")
    assert "証明書A" in summary.text and "証明書B" in summary.text
    assert "品目を追加する" not in summary.text and "2件まで追加できます" in summary.text
    # Change the first item.
    assert person.post(f"{base}/items/0", {"item_kind": "b"}).status_code == 302
    # Remove the second, after confirming.
    confirm = client.get(f"{base}/items/1/remove")
    assert "削除しますか" in confirm.text
    client.post(f"{base}/items/1/remove", data={"confirm": "yes", "csrf_token": csrf_token(confirm.text)})
    summary = client.get(f"{base}/items")
    assert "品目：1件" in summary.text and "証明書A" not in summary.text
    check = person.post(f"{base}/items", {"action": "continue"})
    assert check.location.endswith("/forms/sample-permit/check")
    assert "1,050円" in client.get("/forms/sample-permit/check").text  # 2 × 300 + 450


def test_change_link_returns_to_check_your_answers(client, app, sample_form):
    person = applicant(client, app)
    check = person.apply()
    assert 'href="/forms/sample-permit/pages/request?return=check#copies"' in check.text
    data = person.inputs_for(person.definition().page_by_id("request"), {**person.answers, "copies": 4})
    response = person.post("/forms/sample-permit/pages/request?return=check", {**data, "return": "check"})
    assert response.location.endswith("/forms/sample-permit/check")
    assert "4通" in client.get("/forms/sample-permit/check").text


def test_double_submission_makes_exactly_one_submission(client, app, sample_form, db_session):
    check = applicant(client, app).apply()
    token = csrf_token(check.text)
    first = client.post("/forms/sample-permit/check", data={"csrf_token": token})
    second = client.post("/forms/sample-permit/check", data={"csrf_token": token})  # double click
    assert first.status_code == 302
    assert second.status_code in (200, 302)
    assert len(db_session.scalars(select(Submission)).all()) == 1
    # Back, then submit again from the old check page: still one, and the same number.
    back = client.get("/forms/sample-permit/check")
    assert back.status_code in (200, 302)
    only_submission(db_session)


def test_the_same_draft_submitted_from_two_requests_is_stored_once(client, app, sample_form, db_session):
    """Even when the session forgot the draft (a second tab), the draft id makes it unique."""
    check = applicant(client, app).apply()
    token = csrf_token(check.text)
    cookie = client.get_cookie("session").value
    other_tab = app.test_client()
    other_tab.set_cookie("session", cookie)
    client.post("/forms/sample-permit/check", data={"csrf_token": token})
    other_tab.post("/forms/sample-permit/check", data={"csrf_token": token})
    only_submission(db_session)


def test_the_confirmation_page_is_only_for_the_browser_that_submitted(client, app, sample_form):
    number = applicant(client, app).submit()
    assert app.test_client().get(f"/forms/sample-permit/done/{number}").status_code == 404


def test_simultaneous_submits_of_one_draft_store_exactly_one(client, app, sample_form, db_session):
    """Two requests racing (a double click on a slow connection) meet the unique draft id."""
    import threading

    check = applicant(client, app).apply()
    token = csrf_token(check.text)
    cookie = client.get_cookie("session").value
    clients = [app.test_client() for _ in range(4)]
    for other in clients:
        other.set_cookie("session", cookie)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def submit(other):
        barrier.wait()
        statuses.append(other.post("/forms/sample-permit/check", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=submit, args=(other,)) for other in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    only_submission(db_session)


def test_the_postal_code_lookup_answers_json_for_the_javascript_button(client):
    found = client.get("/postal-codes/105-0011").get_json()
    assert found == {"found": True, "prefecture": "東京都", "city": "港区", "town": "芝公園"}
    assert client.get("/postal-codes/0000000").status_code == 404


def test_a_rule_broken_by_a_change_from_the_check_page_blocks_submitting(
        client, app, sample_form, db_session):
    pickup = JAPAN_TODAY + timedelta(days=10)
    person = applicant(client, app, pickup=pickup, pickup_last=pickup + timedelta(days=5))
    person.apply()
    # Answers that break the rule after its page was accepted (as a change made elsewhere
    # from the check page can): the check page must catch it before anything is submitted.
    draft_answers = db_session.scalars(select(Draft)).one()
    draft_answers.answers = {**draft_answers.answers, "fields": {
        **draft_answers.answers["fields"], "pickup": (pickup + timedelta(days=9)).isoformat()}}
    db_session.commit()
    check = client.get("/forms/sample-permit/check")
    assert "<title>エラー：申請内容の確認" in check.text
    assert "受取期限は受取希望日より後の日付にしてください" in check.text
    assert 'href="/forms/sample-permit/pages/request?return=check#pickup_last"' in check.text
    client.post("/forms/sample-permit/check", data={"csrf_token": csrf_token(check.text)})
    assert db_session.scalars(select(Submission)).all() == []


def test_changing_an_item_from_the_check_page_returns_to_the_check_page(client, app, sample_form):
    person = applicant(client, app)
    person.items = {"items": [{"item_kind": "a"}]}
    check = person.apply()
    change = "/forms/sample-permit/pages/items/items/0?return=check"
    assert f'href="{change}#item_kind"' in check.text
    saved = person.post(change, {"item_kind": "b", "return": "check"})
    assert saved.location.endswith("/forms/sample-permit/pages/items/items?return=check")
    summary = client.get("/forms/sample-permit/pages/items/items?return=check")
    assert 'href="/forms/sample-permit/pages/items/items/0/remove?return=check"' in summary.text
    done = person.post("/forms/sample-permit/pages/items/items?return=check", {"action": "continue"})
    assert done.location.endswith("/forms/sample-permit/check")
    assert "証明書B" in client.get("/forms/sample-permit/check").text


def test_a_repeating_page_without_an_application_says_it_was_not_found(client, app, sample_form):
    # A bookmark or an expired draft: the same page as for any other page, never an error.
    base = "/forms/sample-permit/pages/items"
    for response in (client.get(f"{base}/items"), client.get(f"{base}/items/0")):
        assert response.status_code == 200
        assert "入力の途中の内容が見つかりません" in response.text
