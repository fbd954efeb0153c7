"""A version published in the browser never changes an application already under way."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from formsvc.db import database
from formsvc.forms.catalog import published
from tests.admin.support import FORM, admin_client, form_row, publish_sample, submit
from tests.applicant import Applicant, csrf_token
from tests.staff.support import staff_client

FIELD = f"/admin/forms/{FORM}/pages/request/fields/copies"


def current_definition(app):
    with app.app_context(), database().transaction() as session:
        return published(session, FORM).definition


def test_a_resident_on_v1_finishes_on_v1_while_v2_is_published_and_staff_see_v1s_labels(app):
    publish_sample(app)
    v1 = current_definition(app)
    resident = app.test_client()
    applicant = Applicant(resident, app, FORM, answers={"copies": 2}, on_definition=v1)
    request_page = applicant.apply(until="request")
    assert ">通数" in request_page.text and "必要な通数" not in request_page.text

    # Meanwhile an administrator renames the question and publishes version 2.
    admin = admin_client(app)
    assert submit(admin, FIELD, FIELD, {"label_ja": "必要な通数"}).status_code == 302
    assert submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish",
                  {"note": "通数の質問を分かりやすく"}).status_code == 302
    assert form_row(app).published_version == 2
    assert current_definition(app).field_by_id("copies").label.ja == "必要な通数"

    # The resident goes on where they were: still version 1's words, to the end.
    path = f"/forms/{FORM}/pages/request"
    page = resident.get(path)
    assert ">通数" in page.text and "必要な通数" not in page.text
    answered = applicant.post(path, applicant.inputs_for(v1.page_by_id("request"), {"copies": 2}))
    assert answered.status_code == 302
    check = resident.get(urlparse(answered.location).path)
    assert "申請内容の確認" in check.text and "通数" in check.text and "必要な通数" not in check.text
    sent = resident.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302
    number = urlparse(sent.location).path.rsplit("/", 1)[-1]

    # Staff read the submission with the labels of the version it was made on.
    reviewer = staff_client(app, "shinsa", "reviewer")
    detail = reviewer.get(f"/staff/submissions/{number}")
    assert detail.status_code == 200
    assert "（第1版の定義で申請）" in detail.text
    labels = re.findall(r'<dt class="summary-list__key">([^<]+)</dt>', detail.text)
    assert "通数" in labels and "必要な通数" not in detail.text

    # Someone starting now gets version 2.
    newcomer = Applicant(app.test_client(), app, FORM)
    assert "必要な通数" in newcomer.apply(until="request").text
