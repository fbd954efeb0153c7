"""The steps above each page: the pages passed and the current one, and 「残り約○ページ」, never a
total that jumps when an answer brings a page in."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from flask import Flask, render_template_string, session

from formsvc.i18n import text_in
from formsvc.resident.pages.navigation import Step, Steps
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


# partials/steps.html as it was before the steps were drawn in Python (Steps.html).
STEPS_TEMPLATE = """{% if steps and not (channel and channel.steps_in_aside) %}
{% set states = steps | map(attribute="state") | list %}
{% set current_index = states.index("current") if "current" in states else none %}
<nav class="steps" aria-label="{{ t('ステップ', 'Steps') }}">
  <ol class="steps__list">
    {% for step in steps %}
    {% if step.state != "todo" or step.url %}
    <li class="steps__item steps__item--{{ step.state }}"{% if step.state == "current"
      %} aria-current="step"{% endif %}>
      {% if step.url and step.state != "current" %}<a href="{{ step.url }}">{{ step.title }}</a>{% else
      %}<span>{{ step.title }}</span>{% endif %}
      {% if step.state == "done" %}<span class="visually-hidden">{{ t("（完了）", " (done)") }}</span>{% endif %}
    </li>
    {% endif %}
    {% endfor %}
  </ol>
  {% if current_index is not none %}
  {% set remaining = steps | length - current_index - 1 %}
  <p class="steps__remaining">{% if remaining == 0 %}{{ t("最後のページです", "This is the last page")
  }}{% elif remaining == 1 %}{{ t("次は申請内容の確認です", "Next: check your answers") }}{% else %}{{
  t("残り約" ~ remaining ~ "ページ", "About " ~ remaining ~ " pages to go") }}{% endif %}</p>
  {% endif %}
</nav>
{% endif %}"""

HOSTILE = '<script>"\'&'
STEP_LISTS = [
    # Online: the pages passed (links), the current one, the pages to come (no link: not shown), check.
    [Step("対象の確認", "done", "/forms/f/pages/a?x=1&y=2"), Step(f"申請者{HOSTILE}", "current", "/forms/f/pages/b"),
     Step("請求内容", "todo", None), Step("代理人", "todo", None), Step("確認", "todo", None)],
    [Step("対象の確認", "done", "/a"), Step("申請者", "current", None), Step("確認", "todo", None)],
    [Step("対象の確認", "done", "/a"), Step("申請者", "done", "/b"), Step("確認", "current", None)],
    # A preview: every page can be opened.
    [Step("対象の確認", "todo", "/a"), Step("申請者", "current", "/b"), Step(HOSTILE, "todo", f"/c{HOSTILE}"),
     Step("確認", "todo", "/check")],
    [Step("対象の確認", "done", "/a"), Step("確認", "todo", None)],  # no current step
]


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("in_aside", [False, True])
def test_the_steps_are_drawn_as_their_template_drew_them(locale, in_aside):
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parents[2] / "templates"))
    app.secret_key = "steps"
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # as formsvc.templating sets them
    channel = SimpleNamespace(steps_in_aside=in_aside)
    for shown in [*STEP_LISTS, []]:
        steps = Steps(shown, in_aside)
        with app.test_request_context():
            session["lang"] = locale
            before = render_template_string(STEPS_TEMPLATE, steps=shown, channel=channel, t=text_in(locale))
            assert steps.html == before
            assert render_template_string('{% include "partials/steps.html" %}', steps=steps) == before
