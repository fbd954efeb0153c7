"""The session cookie on a resident's pages (formsvc.session_cookie, issue 17): set when the
draft starts, not signed again on the question pages that follow (the cookie is still fresh)."""

from __future__ import annotations

import re

from tests.applicant import csrf_token


def test_question_pages_leave_the_fresh_session_cookie_alone(client, sample_form):
    page = client.get("/forms/sample-permit/")
    started = client.post("/forms/sample-permit/start", data={"csrf_token": csrf_token(page.text)})
    assert re.match(r"session=", started.headers.get("Set-Cookie", ""))
    first = client.get(started.location)
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    # The draft is still found through the cookie the start page set.
    again = client.get(started.location)
    assert again.status_code == 200 and csrf_token(again.text) == csrf_token(first.text)
