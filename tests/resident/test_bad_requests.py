"""Bad requests get a clear page and never a 500; sessions that expire say what to do."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from formsvc import create_app
from formsvc.db import database, utcnow
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Draft, Submission
from tests.applicant import Applicant, csrf_token
from tests.conftest import empty_all_tables
from tests.resident.conftest import SAMPLE


def start(client, app) -> Applicant:
    person = Applicant(client, app, "sample-permit", answers={"resident": True, "via": "self"})
    person.apply(until="applicant")
    return person


def test_unknown_procedures_and_pages_get_a_404_page(client, sample_form):
    for path in ("/forms/no-such-form/", "/forms/no-such-form/pages/x", "/no/such/path"):
        response = client.get(path)
        assert response.status_code == 404
        assert "ページが見つかりません" in response.text


def test_an_unknown_page_of_a_procedure_gets_a_404_page(client, app, sample_form):
    start(client, app)
    response = client.get("/forms/sample-permit/pages/no_such_page")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.text


def test_a_missing_csrf_token_explains_and_keeps_what_was_typed(client, app, sample_form, db_session):
    start(client, app)
    response = client.post("/forms/sample-permit/pages/applicant",
                           data={"name-family": "佐藤", "name-given": "花子"})
    assert response.status_code == 400
    assert "安全のため、送信を受け付けられませんでした" in response.text
    assert 'value="佐藤"' in response.text and 'value="花子"' in response.text
    # A fresh token is on the page, so sending again works.
    assert csrf_token(response.text)
    draft = db_session.scalars(select(Draft)).one()
    assert "name" not in draft.answers["fields"]  # nothing unverified was stored


def test_a_stale_csrf_token_on_submit_explains_and_submits_nothing(client, app, sample_form, db_session):
    check = Applicant(client, app, "sample-permit",
                      answers={"resident": True, "via": "self", "copies": 1}).apply()
    assert "申請内容の確認" in check.text
    response = client.post("/forms/sample-permit/check", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "もう一度「同意して申請する」を押してください" in response.text
    assert db_session.scalars(select(Submission)).all() == []


def stored_draft(db_session) -> tuple:
    """What a POST could change in the draft: its answers, its pages and its lifetime."""
    db_session.expire_all()
    draft = db_session.scalars(select(Draft)).one()
    return draft.answers, draft.completed_pages, draft.expires_at


def test_a_forged_token_does_nothing_a_button_asks_for_and_shows_what_was_typed(
        client, app, sample_form, db_session):
    start(client, app)
    before = stored_draft(db_session)
    url = "/forms/sample-permit/pages/applicant"
    for action in ("continue", "lookup:postal"):
        response = client.post(url, data={"action": action, "csrf_token": "forged", "name-family": "佐藤",
                                          "postal": "1050011"}, content_type="multipart/form-data")
        assert response.status_code == 400
        assert "安全のため、送信を受け付けられませんでした" in response.text
        assert 'value="佐藤"' in response.text and 'value="1050011"' in response.text
        assert "住所を入力しました（" not in response.text and 'value="港区"' not in response.text
        assert stored_draft(db_session) == before


def test_a_forged_token_on_an_item_changes_nothing(client, app, sample_form, db_session):
    person = Applicant(client, app, "sample-permit", answers={"resident": True, "via": "self", "copies": 1})
    person.apply(until="items")
    base = "/forms/sample-permit/pages/items/items"
    assert person.post(f"{base}/0", {"item_kind": "a"}).status_code == 302
    before = stored_draft(db_session)
    changed = client.post(f"{base}/0", data={"item_kind": "b", "csrf_token": "forged"})
    assert changed.status_code == 400 and "安全のため、送信を受け付けられませんでした" in changed.text
    added = client.post(f"{base}/1", data={"item_kind": "b"})
    assert added.status_code == 400 and "安全のため" in added.text
    # The list's buttons and the removal ask nothing to type: a refusal gets the error page.
    removed = client.post(f"{base}/0/remove", data={"confirm": "yes", "csrf_token": "forged"})
    assert removed.status_code == 400 and "ページの有効期限が切れました" in removed.text
    assert stored_draft(db_session) == before


def test_over_https_a_page_without_a_referrer_is_refused_like_any_other(client, app, sample_form, db_session):
    """The pages that check the token themselves check what CSRFProtect checks, the referrer too."""
    start(client, app)
    url = "/forms/sample-permit/pages/applicant"
    token = csrf_token(client.get(url).text)
    before = stored_draft(db_session)
    response = client.post(url, base_url="https://localhost", data={"csrf_token": token, "name-family": "佐藤"})
    assert response.status_code == 400 and "安全のため" in response.text
    assert stored_draft(db_session) == before


def test_a_csrf_failure_elsewhere_gets_an_explanation_page(client, sample_form):
    response = client.post("/forms/sample-permit/start", data={})
    assert response.status_code == 400
    assert "ページの有効期限が切れました" in response.text


def test_an_oversized_request_gets_a_413_page(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_DIR": str(tmp_path),
                      "MAX_CONTENT_LENGTH": 1024})
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SAMPLE, "sample.yaml"), actor="test")
    try:
        client = app.test_client()
        start(client, app)
        response = client.post("/forms/sample-permit/pages/applicant",
                               data={"name-family": "x" * 5000}, content_type="multipart/form-data")
        assert response.status_code == 413
        assert "ファイルが大きすぎます" in response.text
        assert "保存した入力内容は失われていません" in response.text
    finally:
        empty_all_tables(app)


def test_no_session_says_so_and_how_to_continue(client, sample_form):
    response = client.get("/forms/sample-permit/pages/applicant")
    assert response.status_code == 200
    assert "入力の途中の内容が見つかりません" in response.text
    assert 'href="/forms/sample-permit/"' in response.text


def test_an_expired_draft_says_so_without_a_stack_trace(client, app, sample_form, db_session):
    start(client, app)
    db_session.execute(update(Draft).values(expires_at=utcnow() - timedelta(minutes=1)))
    db_session.commit()
    response = client.get("/forms/sample-permit/pages/applicant")
    assert response.status_code == 200
    assert "入力の途中の内容が見つかりません" in response.text
    assert "Traceback" not in response.text


def test_a_resident_mid_application_finishes_on_the_version_they_started(
        client, app, sample_form, db_session):
    person = Applicant(client, app, "sample-permit",
                       answers={"resident": True, "via": "self", "copies": 1})
    person.apply(until="request")
    started_on = db_session.scalars(select(Draft)).one().version_id
    with app.app_context(), database().transaction() as session:
        changed = SAMPLE.replace("{ja: 通数,", "{ja: 必要な通数（新）,")
        publish_loaded(session, load_text(changed, "sample.yaml"), actor="test")
    request_page = client.get("/forms/sample-permit/pages/request")
    assert "必要な通数（新）" not in request_page.text and "通数" in request_page.text
    data = person.inputs_for(person.definition().page_by_id("request"), person.answers)
    person.post("/forms/sample-permit/pages/request", data)
    person.post("/forms/sample-permit/pages/items/items", {"action": "continue"})
    check = client.get("/forms/sample-permit/check")
    client.post("/forms/sample-permit/check", data={"csrf_token": csrf_token(check.text)})
    submission = db_session.scalars(select(Submission)).one()
    assert submission.version_id == started_on
    # A new resident gets the new version.
    assert "必要な通数（新）" in Applicant(app.test_client(), app, "sample-permit",
                                        answers={"resident": True, "via": "self"}
                                        ).apply(until="request").text


def test_every_resident_page_can_be_switched_to_english(client, app, sample_form):
    client.get("/language/en?next=/")
    assert "Apply online" in client.get("/").text
    start_page = client.get("/forms/sample-permit/")
    assert "Sample permit" in start_page.text and '<html lang="en">' in start_page.text
    person = Applicant(client, app, "sample-permit", answers={"resident": True})
    page = person.apply(until="applicant")
    assert "Applicant" in page.text and "Name" in page.text
    errors = person.post("/forms/sample-permit/pages/applicant", {})
    assert "There is a problem" in errors.text and "Enter Name" in errors.text
    assert "<title>Error: Applicant" in errors.text
    client.get("/language/ja?next=/")
    assert "オンラインで申請できる手続き" in client.get("/").text


def test_the_language_switch_only_redirects_within_the_site(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.location == "/"
    assert client.get("/language/en?next=//evil.example/").location == "/"
