"""Changing an answer from the check page (変更): a page the change brings in is asked, and then
the resident is back on the check page, not walked again through pages already answered."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.applicant import Applicant, csrf_token

FORM = "/forms/sample-permit"


def applicant(client, app, **answers) -> Applicant:
    defaults = {"resident": True, "via": "self", "copies": 2}
    return Applicant(client, app, "sample-permit", answers={**defaults, **answers})


def _change_to_agent(person: Applicant):
    data = person.inputs_for(person.definition().page_by_id("applicant"), {**person.answers, "via": "agent"})
    return person.post(f"{FORM}/pages/applicant?return=check", {**data, "return": "check"})


def test_a_page_brought_in_by_a_change_is_asked_then_back_to_check(client, app, sample_form):
    person = applicant(client, app)
    person.apply()
    changed = _change_to_agent(person)
    # The new 代理人 page comes next, still on the way back to the check page.
    assert changed.status_code == 302
    assert urlparse(changed.location).path == f"{FORM}/pages/agent"
    assert "return=check" in changed.location
    page = client.get(changed.location)
    assert "代理人の氏名" in page.text
    assert 'name="return" value="check"' in page.text
    data = person.inputs_for(person.definition().page_by_id("agent"), {"agent_name": "代理花子"})
    answered = person.post(changed.location, {**data, "return": "check"})
    # Back to the check page: 請求内容 and 追加の品目 were answered already.
    assert answered.status_code == 302
    assert urlparse(answered.location).path == f"{FORM}/check"
    check = client.get(answered.location)
    assert "代理花子" in check.text and "申請内容の確認" in check.text


def test_without_the_marker_the_pages_go_on_in_order(client, app, sample_form):
    """Going forward normally (no 変更) still leads page by page."""
    person = applicant(client, app)
    person.apply()
    changed = _change_to_agent(person)
    data = person.inputs_for(person.definition().page_by_id("agent"), {"agent_name": "代理花子"})
    answered = person.post(f"{FORM}/pages/agent", data)
    assert urlparse(answered.location).path == f"{FORM}/pages/request"
    assert changed.status_code == 302


def test_a_change_that_brings_nothing_in_returns_straight_to_check(client, app, sample_form):
    person = applicant(client, app)
    person.apply()
    data = person.inputs_for(person.definition().page_by_id("request"), {**person.answers, "copies": 4})
    response = person.post(f"{FORM}/pages/request?return=check", {**data, "return": "check"})
    assert response.location.endswith(f"{FORM}/check")  # no marker, no fragment on the check page
    assert "#" not in response.location


def test_a_forged_return_target_is_ignored(client, app, sample_form):
    person = applicant(client, app)
    person.apply()
    for forged in ("https://evil.example/", "//evil.example", "check\x00", "check\r\nX: y", "c" * 5000):
        data = person.inputs_for(person.definition().page_by_id("request"), {**person.answers, "copies": 3})
        page = client.get(f"{FORM}/pages/request")
        response = client.post(f"{FORM}/pages/request", data={**data, "return": forged,
                                                               "csrf_token": csrf_token(page.text)},
                               content_type="multipart/form-data")
        assert response.status_code == 302
        # Not a return to check: on to the next page in order, never elsewhere.
        assert urlparse(response.location).path == f"{FORM}/pages/items"
        assert "evil" not in response.location and "return" not in response.location
