"""Printing the queue's selection as a job (issue 18), as a reviewer does it: select, print, follow
the job's page while it waits, open the PDF when it is ready — accessible, and without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import assert_accessible
from tests.browser.test_staff_pages import sign_in_staff
from tests.jobrunner import run_jobs
from tests.review.support import make_submissions
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser


def test_a_reviewer_prints_the_selection_and_opens_the_pdf_when_ready(axe_page, nojs_page, live_server):
    make_staff(live_server.app, "axe-insatsu", "reviewer", name="印刷 一郎")
    numbers = make_submissions(live_server.app, "sodai-gomi", 2)
    pages = {"javascript": axe_page, "no javascript": nojs_page}
    for name, page in pages.items():
        sign_in_staff(page, "axe-insatsu")
        page.goto("/staff/queue")
        for number in numbers:
            page.locator(f"#select-{number}").check()
        page.get_by_role("button", name="選択した申請をまとめて印刷（PDF）").click()
        page.wait_for_url(re.compile(r"/staff/queue/jobs/\d+"))
        assert page.get_by_role("status").inner_text().startswith("順番を待っています"), name
        assert page.get_by_role("progressbar", name="進み具合").get_attribute("value") == "0"
    assert_accessible(axe_page, "a print job waiting for a worker")
    assert run_jobs(live_server.app) >= 4  # each page's chunk and batch (and the mail of earlier tests)
    for name, page in pages.items():
        page.get_by_role("link", name="最新の状態を見る").click()
        assert "PDFができあがりました" in page.get_by_role("status").inner_text(), name
        link = page.get_by_role("link", name=re.compile("^PDFを開く"))
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
        page.get_by_role("link", name="申請一覧に戻る").click()
        page.wait_for_url(re.compile(r"/staff/queue"))
    page = axe_page
    page.go_back()
    assert_accessible(page, "a print job ready to open")
