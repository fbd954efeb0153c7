"""個人番号 in what leaves the staff pages: the API and the CSV show it masked (********9018).

Where it may be read at all is decided in formsvc.submissions.protection; the stored value is
encrypted (tests/submissions/test_my_number_at_rest.py).
"""

from __future__ import annotations

from tests.review.test_api import bearer, new_token
from tests.staff.support import staff_client
from tests.submissions.support import (
    FORM,
    MEMBER_NUMBER,
    apply_with_my_numbers,
    digits_anywhere,
    publish_my_number_form,
)


def test_the_api_gives_the_number_masked(app):
    publish_my_number_form(app)
    _, number = apply_with_my_numbers(app)
    response = app.test_client().get(f"/api/v1/submissions/{number}", headers=bearer(new_token(app)))
    assert response.status_code == 200
    assert digits_anywhere(response.text) == []  # nowhere in the raw JSON, escaped or not
    assert "gAAAAA" not in response.text  # nor the stored ciphertext
    answers = {(answer["field"], answer["item"]): answer for answer in response.json["answers"]}
    claimant = answers[("claimant_my_number", None)]
    assert claimant["value"] == claimant["text"] == "********9018"
    assert claimant["type"] == "my_number" and claimant["label"] == "請求者の個人番号"
    member = answers[("member_my_number", 0)]
    assert member["value"] == member["text"] == f"********{MEMBER_NUMBER[-4:]}"
    assert answers[("children", None)]["value"] == 1  # other answers keep their JSON value
    listing = app.test_client().get("/api/v1/submissions", headers=bearer(new_token(app, "other")))
    assert digits_anywhere(listing.text) == []


def test_the_openapi_description_says_the_number_is_masked(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert "********9018" in str(document)


def test_the_csv_gives_the_number_masked(app):
    publish_my_number_form(app)
    apply_with_my_numbers(app)
    exporter = staff_client(app, "shinsa", "reviewer")
    content = exporter.get(f"/staff/queue/export.csv?form={FORM}&status=all").text
    assert "********9018" in content and f"********{MEMBER_NUMBER[-4:]}" in content
    assert digits_anywhere(content) == [] and "gAAAAA" not in content
