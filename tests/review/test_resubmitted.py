"""A corrected application comes back marked 再提出 (issue 16): a tag in the queue's row and on the
detail page, and the before/after table shows only what changed, with a link to show every answer."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from formsvc.submissions import status
from tests.applicant import Applicant, csrf_token
from tests.review.support import csrf_of, lock_version_of, make_submissions, submission_row
from tests.review.test_detail import apply_signed_in
from tests.staff.support import staff_client

TAG = '<span class="tag tag--resubmitted">再提出</span>'


def move(reviewer, number: str, name: str, comment: str = "") -> None:
    page = reviewer.get(f"/staff/submissions/{number}").text
    response = reviewer.post(f"/staff/submissions/{number}/moves/{name}", data={
        "csrf_token": csrf_of(page), "lock_version": lock_version_of(page), "comment": comment})
    assert response.status_code == 302, response.text[:500]


def corrected(app, form_id: str, reviewer, copies: int = 3) -> str:
    """An application sent back by ``reviewer`` and sent again with another number of copies."""
    resident, number = apply_signed_in(app, form_id, copies=1)
    move(reviewer, number, "claim")
    move(reviewer, number, "request_correction", "通数を確認してください。")
    mine = resident.get(f"/my/applications/{number}")
    assert resident.post(f"/my/applications/{number}/correct",
                         data={"csrf_token": csrf_token(mine.text)}).status_code == 302
    applicant = Applicant(resident, app, form_id)
    request_page = f"/forms/{form_id}/pages/request"
    response = applicant.post(request_page + "?return=check", applicant.inputs_for(
        applicant.definition().page_by_id("request"), {"copies": copies}))
    check_page = resident.get(urlparse(response.location).path)
    assert resident.post(f"/forms/{form_id}/check",
                         data={"csrf_token": csrf_token(check_page.text)}).status_code == 302
    assert submission_row(app, number).status == status.RECEIVED
    return number


def queue_row(html: str, number: str) -> str:
    start = html.index(f'href="/staff/submissions/{number}"')
    return html[start:html.index("</tr>", start)]


def test_the_queue_marks_a_resubmitted_application(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = corrected(app, review_form, reviewer)
    fresh = make_submissions(app, review_form, 1)[0]
    queue = reviewer.get("/staff/queue").text
    assert TAG in queue_row(queue, number)
    assert TAG not in queue_row(queue, fresh)  # a first application is not
    # Claimed again, it is still the corrected one.
    move(reviewer, number, "claim")
    assert TAG in queue_row(reviewer.get("/staff/queue").text, number)
    detail = reviewer.get(f"/staff/submissions/{number}").text
    assert TAG in detail[:detail.index("申請の内容")]
    # Sent back a second time: waiting on the resident, not a resubmission any more.
    move(reviewer, number, "request_correction", "もう一度確認してください。")
    assert TAG not in queue_row(reviewer.get("/staff/queue").text, number)


def test_the_comparison_shows_what_changed_and_a_link_to_every_answer(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = corrected(app, review_form, reviewer, copies=4)
    detail = reviewer.get(f"/staff/submissions/{number}").text
    table = detail[detail.index('class="comparison"'):detail.index("</section>", detail.index('class="comparison"'))]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert rows == ["通数"]  # only the changed answer
    assert "<del>1通</del>" in table and "<ins>4通</ins>" in table
    assert "変更された回答だけを表示しています。" in table
    link = re.search(r'<a href="([^"]+)">すべての回答を表示（(\d+)件）</a>', table)
    assert link and int(link.group(2)) > 5
    everything = reviewer.get(link.group(1).replace("&amp;", "&"))
    assert everything.status_code == 200
    full = everything.text
    full_table = full[full.index('class="comparison"'):full.index("</section>", full.index('class="comparison"'))]
    all_rows = re.findall(r'<th scope="row">([^<]+)</th>', full_table)
    assert len(all_rows) == int(link.group(2)) and "氏名" in all_rows and "通数" in all_rows
    changed = re.findall(r'<tr class="comparison-table__changed">\s*<th scope="row">([^<]+)</th>', full_table)
    assert changed == ["通数"]
    assert "変更された回答だけを表示</a>" in full_table
    # Any other value of the parameter is the default view.
    odd = reviewer.get(f"/staff/submissions/{number}?compared=%00").status_code
    assert odd in (200, 400)
    assert re.findall(r'<th scope="row">([^<]+)</th>', reviewer.get(
        f"/staff/submissions/{number}?compared=ALL&compared=all").text.split('class="comparison"')[1].split(
        "</section>")[0]) == ["通数"]


def test_a_resubmission_with_no_change_says_so(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = corrected(app, review_form, reviewer, copies=1)
    detail = reviewer.get(f"/staff/submissions/{number}").text
    assert "変更された回答：0件" in detail and "変更された回答はありません" in detail
