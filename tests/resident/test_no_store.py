"""Pages with personal data are never kept in a cache (Cache-Control: no-store): every page of a
signed-in resident, the application pages, 申請履歴; static files may be cached."""

from __future__ import annotations

from tests.identity import sign_in
from tests.resident.test_application_flow import applicant


def test_my_applications_are_never_cached(client, app, sample_form):
    sign_in(client, app)
    number = applicant(client, app).submit()
    for url in ("/my/", f"/my/applications/{number}", "/", f"/forms/{sample_form}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url


def test_the_check_and_done_pages_are_never_cached(client, app, sample_form):
    person = applicant(client, app)
    check = person.apply()
    assert check.headers.get("Cache-Control") == "no-store"
    done = client.get(person.send().location)
    assert done.status_code == 200 and done.headers.get("Cache-Control") == "no-store"


def test_the_sign_in_pages_are_never_cached(client):
    assert client.get("/auth/login?timed_out=1").headers.get("Cache-Control") == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/formsvc.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
