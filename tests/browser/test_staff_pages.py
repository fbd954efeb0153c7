"""axe-core finds nothing on the staff pages: every page a staff member can reach by links.

The pages are found by following links from the staff home page (review queue, submission
detail, counter, administration, preview), so a new staff page is checked without being
listed here. Links are visited once per shape (numbers replaced), downloads are skipped.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest

from tests.browser.support import assert_accessible
from tests.review.support import make_submissions
from tests.staff.support import PASSWORD, make_staff

pytestmark = pytest.mark.browser

STAFF_AREAS = ("/staff", "/counter", "/admin")
DOWNLOADS = re.compile(r"\.(pdf|csv|json|yaml)$|/export|/api/|/attachments/|/uploads/")
MAX_PAGES = 80


def shape(path: str) -> str:
    """Pages that differ only in what they show (a procedure, page, question, version, submission,
    visit or draft; a filter in the query) are one template: check one of them."""
    path = path.split("?", 1)[0]
    return re.sub(r"/(forms|pages|fields|versions|submissions|visits|drafts|approvals)/[^/]+", r"/\1/X", path)


def sign_in_staff(page, username: str) -> None:
    page.goto("/staff/login")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(re.compile(r"/staff/?$"))


def test_every_staff_page_reachable_by_links_has_no_violations(axe_page, live_server):
    make_staff(live_server.app, "axe-admin", "admin", "reviewer", "counter", "approver", name="検査 太郎")
    make_submissions(live_server.app, "sodai-gomi", 2)
    sign_in_staff(axe_page, "axe-admin")

    seen_shapes: set[str] = set()
    queue = ["/staff/"]
    checked = []
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        response = axe_page.goto(path)
        assert response.status == 200, (path, response.status)
        assert_accessible(axe_page, path)
        checked.append(path)
        for href in axe_page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlparse(urljoin(live_server.url + path, href))
            if target.netloc != urlparse(live_server.url).netloc or DOWNLOADS.search(target.path):
                continue
            if target.path.startswith(STAFF_AREAS) and shape(target.path) not in seen_shapes:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    areas = {path.split("/")[1] for path in checked}
    assert {"staff", "counter", "admin"} <= areas, checked
    assert any(path.startswith("/admin/preview/") for path in checked), checked
    assert len(checked) < MAX_PAGES, "raise MAX_PAGES: some staff pages were not checked"
