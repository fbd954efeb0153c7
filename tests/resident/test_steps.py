"""The steps above each page: the pages passed and the current one, and 「残り約○ページ」, never a
total that jumps when an answer brings a page in."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from tests.applicant import Applicant

FORM = "/forms/sample-permit"


def steps_of(html: str) -> str:
    match = re.search(r'<nav class="steps".*?</nav>', html, flags=re.S)
    assert match, "the page shows no steps"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def answer(person: Applicant, page_id: str, **values) -> str:
    data = person.inputs_for(person.definition().page_by_id(page_id), {**person.answers, **values})
    response = person.post(f"{FORM}/pages/{page_id}", data)
    assert response.status_code == 302
    return urlparse(response.location).path


def test_the_pages_left_are_counted_as_the_answers_decide(client, app, sample_form):
    person = Applicant(client, app, "sample-permit", answers={"resident": True, "via": "agent", "copies": 1})
    first = person.start()
    shown = steps_of(client.get(first).text)
    # 申請者, 請求内容, 追加の品目 and the check page are left.
    assert "残り約4ページ" in shown
    assert "対象の確認" in shown and "請求内容" not in shown  # pages to come are not listed
    assert "全" not in shown and "ステップ目" not in shown  # no total

    answer(person, "eligibility")
    answer(person, "applicant")  # as an agent: the 代理人 page comes in
    agent = steps_of(client.get(f"{FORM}/pages/agent").text)
    assert "残り約3ページ" in agent  # 請求内容, 追加の品目, check
    assert "対象の確認 （完了）" in agent and "申請者 （完了）" in agent and "代理人" in agent
    answer(person, "agent", agent_name="代理花子")
    answer(person, "request")
    items = steps_of(client.get(f"{FORM}/pages/items", follow_redirects=True).text)  # the list of items
    assert "次は申請内容の確認です" in items
    assert person.post(f"{FORM}/pages/items/items", {"action": "continue"}).status_code == 302
    check = steps_of(client.get(f"{FORM}/check").text)
    assert "最後のページです" in check and "確認" in check


def test_the_current_step_is_marked_for_screen_readers(client, app, sample_form):
    person = Applicant(client, app, "sample-permit", answers={"resident": True})
    html = client.get(person.start()).text
    assert re.search(r'<li class="steps__item steps__item--current" aria-current="step">\s*<span>対象の確認</span>',
                     html)
    assert '<p class="steps__remaining">残り約' in html


def test_english_pages_count_in_english(client, app, sample_form):
    person = Applicant(client, app, "sample-permit", answers={"resident": True})
    first = person.start()
    client.get("/language/en")
    assert "About 4 pages to go" in steps_of(client.get(first).text)
