"""Going back to an application's pages after sending it (the browser's 戻る after 送信):
the resident learns it was sent, with its reception number, and is not invited to apply again."""

from __future__ import annotations

from sqlalchemy import func, select

from formsvc.submissions.models import Submission
from tests.applicant import Applicant, csrf_token
from tests.identity import sign_in

FORM = "/forms/sample-permit"


def applicant(client, app) -> Applicant:
    return Applicant(client, app, "sample-permit", answers={"resident": True, "via": "self", "copies": 2})


def shown(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"


def main(html: str) -> str:
    """The page's own content (the header links to 申請履歴 on every page)."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_back_to_the_check_page_after_sending_says_it_was_sent(client, app, sample_form):
    number = applicant(client, app).submit()
    for path in (f"{FORM}/check", f"{FORM}/pages/request", f"{FORM}/pages/items", f"{FORM}/pages/items/items/0"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert f"この申請は送信済みです（受付番号 {shown(number)}）" in page.text
        assert f'href="{FORM}/done/{number}"' in page.text  # the confirmation
        assert "入力の途中の内容が見つかりません" not in page.text
        assert "最初から申請する" not in page.text and 'class="button' not in page.text
        assert "/my/" not in main(page.text)  # not signed in: no 申請履歴 to point to
    assert "申請を受け付けました" in client.get(f"{FORM}/done/{number}").text


def test_sending_the_old_check_page_again_sends_nothing_new(client, app, sample_form, db_session):
    number = applicant(client, app).submit()
    token = csrf_token(client.get(f"{FORM}/").text)  # the old check page's form, sent again
    again = client.post(f"{FORM}/check", data={"csrf_token": token})
    assert again.status_code == 200 and shown(number) in again.text
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 1


def test_a_signed_in_resident_is_pointed_to_my_applications(client, app, sample_form):
    sign_in(client, app)
    number = applicant(client, app).submit()
    page = client.get(f"{FORM}/pages/applicant")
    assert f"この申請は送信済みです（受付番号 {shown(number)}）" in page.text
    assert 'href="/my/"' in main(page.text) and "申請履歴" in main(page.text)


def test_the_start_page_says_it_was_sent_and_still_lets_a_new_one_start(client, app, sample_form):
    number = applicant(client, app).submit()
    start = client.get(f"{FORM}/")
    assert f"この申請は送信済みです（受付番号 {shown(number)}）" in start.text
    assert "申請を始める" in start.text


def test_another_browser_sees_no_number(client, app, sample_form):
    number = applicant(client, app).submit()
    stranger = app.test_client()
    for path in (f"{FORM}/check", f"{FORM}/pages/request", f"{FORM}/"):
        page = stranger.get(path)
        assert shown(number) not in page.text and number not in page.text
    assert "入力の途中の内容が見つかりません" in stranger.get(f"{FORM}/check").text


def test_a_forged_session_list_shows_only_numbers_of_this_procedure_that_exist(client, app, sample_form):
    number = applicant(client, app).submit()
    other = app.test_client()
    # Even a session that somehow lists numbers sees only real ones of this procedure.
    with other.session_transaction() as cookie:
        cookie["submitted"] = ["NOSUCHNO", "\x00\x01", "A" * 3000, 12345, None]
    page = other.get(f"{FORM}/check")
    assert "入力の途中の内容が見つかりません" in page.text and "送信済み" not in page.text
    assert number not in page.text


def test_a_new_application_started_after_sending_is_not_mistaken_for_the_sent_one(client, app, sample_form):
    number = applicant(client, app).submit()
    Applicant(client, app, "sample-permit").start()  # a second application, then lost
    with client.session_transaction() as cookie:
        cookie["drafts"] = {"sample-permit": "a-draft-that-expired"}
    page = client.get(f"{FORM}/pages/request")
    assert "入力の途中の内容が見つかりません" in page.text
    assert shown(number) not in page.text
