"""Shared helpers for the tests of the shipped library (tests/resident/test_library_*.py).

Each test module publishes its procedure from form_definitions/ with the same import the CLI
uses, drives the pages through the test client as a browser would (tests.applicant), and reads
back what a resident sees: the error summary and the message beside each field, the check page,
the confirmation page, and what was stored.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select

from formsvc.db import database
from formsvc.forms.loading import import_definitions
from formsvc.forms.models import Form, FormVersion
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.applicant import PAGE_URL, TINY_PDF, Applicant, csrf_token
from tests.conftest import JAPAN_TODAY

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"
RECEPTION = re.compile(r"^[2-9A-HJ-NP-Z]{8}$")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
GIF = b"GIF89a" + b"\0" * 64
PDF = TINY_PDF


# "Today" in Japan, on which the app's clock is held (tests/conftest.py): the dates in the modules'
# answers are counted from it.
TODAY = JAPAN_TODAY


def publish(app, form_id: str) -> str:
    """Publish one procedure of the library, as `formsvc load-definitions` does.

    Only the procedure's own file is imported: importing all six for every test would spend
    most of the run validating definitions the test does not use.
    """
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [LIBRARY / f"{form_id}.yaml"], actor="test")
    assert report.errors == [], report.errors
    assert report.created == [form_id]
    return form_id


# --- dates as residents type them and as the pages show them ---------------------------------

def days(n: int) -> date:
    """The date ``n`` days from today (before it when negative)."""
    return TODAY + timedelta(days=n)


def reiwa(d: date) -> str:
    """A date in this era as check-your-answers shows it: 2026年11月26日(令和8年11月26日)."""
    assert d >= date(2020, 1, 1)
    return f"{d.year}年{d.month}月{d.day}日(令和{d.year - 2018}年{d.month}月{d.day}日)"


def date_inputs(field_id: str, year: str, month: str, day: str) -> dict[str, list[str]]:
    return {f"{field_id}-year": [year], f"{field_id}-month": [month], f"{field_id}-day": [day]}


# --- files ---------------------------------------------------------------------------------

class Files(tuple):
    """Files a resident chooses for one file input: ``Files(("委任状.pdf", PDF), ...)``."""

    def __new__(cls, *files: tuple[str, bytes]):
        return super().__new__(cls, files)

    def parts(self) -> list[tuple[io.BytesIO, str]]:
        return [(io.BytesIO(content), name) for name, content in self]


# --- mistakes a resident can make on a page --------------------------------------------------

@dataclass(frozen=True)
class Mistake:
    """A wrong answer on a page and the message the resident must see for it.

    ``raw`` are HTML inputs exactly as typed (e.g. {"copies": "0"}); ``values`` are answers
    turned into inputs by their field type (e.g. {"collection_date": days(2)}). ``target`` is
    the input the error summary links to, when it is not the field itself.
    """

    field: str
    message: str
    raw: dict[str, Any] = default(default_factory=dict)
    values: dict[str, Any] = default(default_factory=dict)
    target: str | None = None


# --- a resident ------------------------------------------------------------------------------

@dataclass
class Resident(Applicant):
    """An Applicant that can also answer one page on demand and choose particular files."""

    def inputs_for(self, page, values: dict[str, Any]) -> dict[str, Any]:
        chosen = {key: value for key, value in values.items() if isinstance(value, Files)}
        data = super().inputs_for(page, {k: v for k, v in values.items() if k not in chosen})
        for spec in page.fields:
            if spec.id in chosen:
                data[spec.id] = chosen[spec.id].parts()
        return data

    def page(self, page_id: str):
        return self.definition().page_by_id(page_id)

    def at(self, page_id: str):
        """Answer every page before ``page_id`` and show it."""
        response = self.apply(until=page_id)
        assert self.visited[-1] == page_id, self.visited
        if response.status_code == 302:  # a repeating page shows its summary or its first item
            response = self.client.get(response.location, follow_redirects=True)
        assert response.status_code == 200, response.status_code
        return response

    def resume(self, path: str):
        """Go on answering from ``path`` (where a test left off) to the check page."""
        definition = self.definition()
        for _ in range(100):
            match = PAGE_URL.search(path)
            if match is None:
                return self.client.get(path)
            page = definition.page_by_id(match.group("page"))
            self.visited.append(page.id)
            if page.kind == "exit":
                return self.client.get(path)
            if page.repeat is not None:
                path = self._repeat(path, page)
                continue
            response = self.post(path, self.inputs_for(page, self.answers))
            assert response.status_code == 302, error_summary(response.text)
            path = urlparse(response.location).path
        raise AssertionError("the application did not end")

    def page_path(self, page_id: str) -> str:
        return f"/forms/{self.form_id}/pages/{page_id}"

    def answer(self, page_id: str, raw: dict[str, Any] | None = None, **values):
        """Post page ``page_id`` with the resident's answers, ``values`` and raw inputs on top."""
        data = self.inputs_for(self.page(page_id), {**self.answers, **values})
        data.update(raw or {})
        return self.post(self.page_path(page_id), data)

    def answer_item(self, page_id: str, index: int, raw: dict[str, Any] | None = None, **values):
        data = self.inputs_for(self.page(page_id), values)
        data.update(raw or {})
        return self.post(f"{self.page_path(page_id)}/items/{index}", data)

    def assert_mistakes(self, page_id: str, mistakes: list[Mistake], then: str) -> None:
        """Each mistake is refused with its message; the page's right answers then move on to ``then``."""
        for mistake in mistakes:
            response = self.answer(page_id, raw=mistake.raw, **mistake.values)
            try:
                assert_error(response, mistake.field, mistake.message, target=mistake.target)
            except AssertionError as error:
                raise AssertionError(f"{mistake}: {error}") from None
        response = self.answer(page_id)
        assert moved_to(response, then), (response.status_code, response.location,
                                           error_summary(response.text))

    def continue_from_items(self, page_id: str):
        """Press 次へ進む on a repeating page's summary (token taken from any page)."""
        token = csrf_token(self.client.get(f"/forms/{self.form_id}/").text)
        return self.client.post(f"{self.page_path(page_id)}/items",
                                data={"action": "continue", "csrf_token": token})

    def check_page(self):
        response = self.client.get(f"/forms/{self.form_id}/check")
        assert response.status_code == 200, response.status_code
        assert "申請内容の確認" in response.text
        return response

    def submit_from_check(self) -> str:
        check = self.check_page()
        response = self.client.post(f"/forms/{self.form_id}/check",
                                    data={"csrf_token": csrf_token(check.text)})
        assert response.status_code == 302, response.status_code
        return urlparse(response.location).path.rsplit("/", 1)[-1]


def moved_to(response, path: str) -> bool:
    return response.status_code == 302 and urlparse(response.location).path == path


# --- what the resident sees ------------------------------------------------------------------

def text_of(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def error_summary(page: str) -> list[tuple[str, str]]:
    """(link target, message) of each entry of the error summary at the top of the page."""
    block = re.search(r'<div class="error-summary".*?</ul>', page, flags=re.S)
    if block is None:
        return []
    return [(target, text_of(message))
            for target, message in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', block.group(0),
                                              flags=re.S)]


def message_beside(page: str, field_id: str) -> str | None:
    """The error message shown with the field (the one aria-describedby points at)."""
    found = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">'
                      rf'<span class="visually-hidden">[^<]*</span>＊(.*?)</p>', page, flags=re.S)
    return text_of(found.group(1)) if found else None


def assert_error(response, field_id: str, message: str, target: str | None = None) -> None:
    """The page came back with ``message`` in the summary (linked to ``target``) and beside the field."""
    assert response.status_code == 200, (response.status_code, response.location)
    page = response.text
    assert "入力内容にエラーがあります" in page
    summary = error_summary(page)
    assert (target or field_id, message) in summary, summary
    assert message_beside(page, field_id) == message, message_beside(page, field_id)
    # The summary's link takes the resident to the input to fix.
    assert f'id="{target or field_id}"' in page, f"no element with id {target or field_id!r}"


def has_input(page: str, name: str) -> bool:
    return f'name="{name}"' in page


def check_answers(page: str) -> dict[str, dict[str, str]]:
    """Check-your-answers as {section title: {question: answer as shown}}."""
    sections: dict[str, dict[str, str]] = {}
    for title, body in re.findall(r'<h2 id="section-\d+">(.*?)</h2>(.*?)</section>', page, flags=re.S):
        rows = re.findall(r'<dt class="summary-list__key">(.*?)</dt>\s*'
                          r'<dd class="summary-list__value">(.*?)</dd>', body, flags=re.S)
        sections[text_of(title)] = {text_of(key): text_of(value) for key, value in rows}
    return sections


def computed_values(page: str) -> dict[str, str]:
    """Every computed value on a check or done page, whatever its role (値・給付額・期限)."""
    values: dict[str, str] = {}
    for block in re.findall(r'<h2 id="computed-[a-z]+-title">.*?</section>', page, flags=re.S):
        values.update({text_of(key): text_of(value) for key, value in re.findall(
            r'<dt class="summary-list__key">(.*?)</dt><dd class="summary-list__value">(.*?)</dd>',
            block, flags=re.S)})
    return values


def fee_shown(page: str) -> str | None:
    found = re.search(r'<p class="fee__amount">(.*?)</p>', page)
    return text_of(found.group(1)) if found else None


def assert_confirmation(client, form_id: str, number: str) -> None:
    assert RECEPTION.match(number), number
    done = client.get(f"/forms/{form_id}/done/{number}")
    assert done.status_code == 200
    assert "申請を受け付けました" in done.text
    assert f'<strong class="reception-number">{number[:4]}-{number[4:]}</strong>' in done.text


def stored_submission(db_session, number: str) -> Submission:
    submissions = db_session.scalars(select(Submission)).all()
    assert [s.reception_number for s in submissions] == [number]
    events = db_session.scalars(select(SubmissionEvent)).all()
    assert [(e.submission_id, e.kind) for e in events] == [(submissions[0].id, "submitted")]
    return submissions[0]


def published_version_id(db_session, form_id: str) -> int:
    return db_session.scalar(select(FormVersion.id).join(Form, Form.id == FormVersion.form_id)
                             .where(Form.id == form_id, FormVersion.number == Form.published_version))
