"""Control characters are refused at the edge, for every page, on both databases.

PostgreSQL cannot store NUL (neither psycopg in text nor JSONB's \\u0000), so a NUL that reached
a query gave a 500. Paths get the 404 page, query strings and forms the 400 page saying why; the
application pages explain it beside the field instead (tests/resident/test_hostile_answers.py).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.review.tokens import create_token
from formsvc.staff.models import StaffLoginFailure
from tests.applicant import csrf_token
from tests.resident.conftest import SAMPLE
from tests.staff.support import PASSWORD, make_staff, staff_client

REFUSED = "使用できない文字（制御文字）が含まれていたため、受け付けられませんでした"
NOT_FOUND = "ページが見つかりません"


@pytest.fixture
def sample_form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SAMPLE, "sample.yaml"), actor="test")
    return "sample-permit"


@pytest.mark.parametrize("path", [
    "/forms/%00/", "/forms/sample-permit%00/", "/forms/sample-permit/pages/%00", "/my/applications/%00",
    "/forms/%01/", "/forms/%1F/", "/forms/%7F/", "/forms/%C2%85/", "/forms/a%0Ab/", "/%00",
])
def test_a_path_with_a_control_character_gets_the_not_found_page(client, sample_form, path):
    response = client.get(path)
    assert response.status_code == 404
    assert NOT_FOUND in response.text


def test_staff_paths_with_a_nul_get_the_not_found_page(app, sample_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    for path in ("/staff/submissions/%00", "/staff/submissions/%00/record.pdf",
                 "/staff/submissions/AB%00CD/attachments/x"):
        response = reviewer.get(path)
        assert response.status_code == 404, path
        assert NOT_FOUND in response.text


def test_the_api_answers_json_for_a_path_with_a_nul(app):
    with app.app_context(), database().transaction() as session:
        token = create_token(session, "kikan")
    response = app.test_client().get("/api/v1/submissions/%00",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert response.json["error"] == "not_found"
    refused = app.test_client().get("/api/v1/submissions?form_id=%00",
                                    headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 400
    assert refused.json == {"error": "bad_request", "message": REFUSED + "。"}


@pytest.mark.parametrize("query", ["name=%00", "name=a%00b", "q=%1B%5B31m", "na%00me=x", "%00=x",
                                   "status=open%00", "after=%00"])
def test_a_query_string_with_a_control_character_gets_the_bad_request_page(app, sample_form, query):
    reviewer = staff_client(app, "shinsa", "reviewer")
    response = reviewer.get(f"/staff/queue?{query}")
    assert response.status_code == 400
    assert REFUSED in response.text
    assert "Traceback" not in response.text


def test_searches_keep_what_a_person_can_type(client, app, sample_form):
    assert client.get("/?q=%E8%A8%B1%E5%8F%AF%09%E7%94%B3%E8%AB%8B").status_code == 200  # 許可<TAB>申請
    assert client.get("/?q=%F0%9F%90%95%E2%80%AE").status_code == 200  # emoji, RTL override
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert reviewer.get("/staff/queue?name=%E4%BD%90%E8%97%A4%09").status_code == 200


@pytest.mark.parametrize("username", ["\x00", "shinsa\x00", "a\x00" * 70, "\x1b[2J", "shin\x7fsa"])
def test_a_staff_sign_in_with_a_nul_gets_the_bad_request_page(client, app, db_session, username):
    make_staff(app, "shinsa", "reviewer")
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                                 "username": username, "password": PASSWORD})
    assert response.status_code == 400
    assert REFUSED in response.text
    assert db_session.scalar(select(func.count()).select_from(StaffLoginFailure)) == 0


def test_a_form_key_with_a_control_character_gets_the_bad_request_page(client, app):
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                                 "user\x00name": "shinsa", "password": PASSWORD})
    assert response.status_code == 400
    assert REFUSED in response.text


@pytest.mark.parametrize("form", [{"q": "\x00"}, {"q\x00": "x"}])
def test_a_form_is_checked_whatever_the_method(client, form):
    """The check parses only what was sent: a GET's body is a form all the same."""
    response = client.get("/", data=form)
    assert response.status_code == 400
    assert REFUSED in response.text


def test_the_refusal_is_explained_in_english_too(client):
    client.get("/language/en?next=/")
    response = client.get("/?q=%00")
    assert response.status_code == 400
    assert "contained control characters" in response.text


@pytest.mark.parametrize("username", ["x" * 200, "shinsa\t", "佐藤\u202e"])
def test_a_sign_in_without_control_characters_is_the_sign_in_pages_business(client, app, username):
    """Lengths and the rest are for the sign-in page (and its failure counter) to judge; only
    control characters are refused at the edge (a tab is one a person can type)."""
    make_staff(app, "shinsa", "reviewer")
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf_token(page.text),
                                                 "username": username, "password": "wrong"})
    assert response.status_code < 500
    assert REFUSED not in response.text


def test_a_number_in_a_path_larger_than_any_id_is_not_found_not_a_server_error(app):
    """<int:…> beyond what an id column holds reached the database as an error (500)."""
    desk = staff_client(app, "subete", "reviewer", "counter", "admin")
    for path in ("/staff/queue/jobs/2147483648", "/staff/queue/jobs/99999999999999999999999/file",
                 "/counter/visits/2147483648", "/counter/visits/1/drafts/2147483648/signature",
                 "/admin/approvals/2147483648", "/admin/forms/x/versions/" + "9" * 40):
        assert desk.get(path).status_code == 404, path
    assert desk.get("/staff/queue/jobs/2147483647").status_code == 404  # the largest id: looked up, not there
    token = csrf_token(desk.get("/staff/login").text)
    assert desk.post("/staff/jobs/2147483648/retry", data={"csrf_token": token}).status_code == 404
