"""Drive the resident pages through the test client the way a person fills them in.

Answers default to each field's own example answer; a test overrides what it cares about.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from formsvc.db import session as db_session
from formsvc.forms.catalog import published
from tests.identity import sign_in

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAGE_URL = re.compile(r"/forms/(?P<form>[^/]+)/pages/(?P<page>[^/]+)(?P<rest>/items(?:/\d+)?)?$")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class Applicant:
    client: Any
    app: Any
    form_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    # The channel's URL prefix: "" online, "/admin/preview", "/counter/visits/<id>".
    prefix: str = ""
    # Applying on something other than the published version (a preview of a working copy).
    on_definition: Any = None
    # How the application starts when not from its start page (the counter starts it from a
    # visit): returns the path of the first page.
    begin: Callable[[], str] | None = None

    def definition(self):
        if self.on_definition is not None:
            return self.on_definition
        with self.app.app_context():
            return published(db_session(), self.form_id).definition

    def start(self) -> str:
        if self.begin is not None:
            return self.begin()
        if self.definition().authentication == "required" and not self.prefix \
                and not self.client.get_cookie("session"):
            sign_in(self.client, self.app)  # the card step itself is tested in tests/authentication
        page = self.client.get(f"{self.prefix}/forms/{self.form_id}/")
        assert page.status_code == 200, page.status_code
        response = self.client.post(f"{self.prefix}/forms/{self.form_id}/start",
                                    data={"csrf_token": csrf_token(page.text)})
        assert response.status_code == 302, response.status_code
        return urlparse(response.location).path

    def inputs_for(self, page, values: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for spec in page.fields:
            if not spec.has_answer:
                continue
            if spec.id in values:
                value = values[spec.id]
            elif spec.required:
                value = spec.example_answer()
            else:
                continue  # like a person, leave optional questions blank unless told
            if spec.receives_uploads:
                if value:
                    data[spec.id] = [(io.BytesIO(TINY_PDF), "document.pdf")]
                continue
            data.update(spec.form_inputs(value))
        return data

    def post(self, path: str, data: dict[str, Any]):
        html = self.client.get(path).text
        return self.client.post(path, data={**data, "csrf_token": csrf_token(html)},
                                content_type="multipart/form-data")

    def apply(self, until: str | None = None):
        """Answer page after page; stop at check (returning its response) or at ``until``."""
        definition = self.definition()
        path = self.start()
        for _ in range(100):
            match = PAGE_URL.search(path)
            if match is None:
                return self.client.get(path)
            page = definition.page_by_id(match.group("page"))
            self.visited.append(page.id)
            if page.id == until or page.kind == "exit":
                return self.client.get(path)
            if page.repeat is not None:
                path = self._repeat(path, page)
                continue
            response = self.post(path, self.inputs_for(page, self.answers))
            assert response.status_code == 302, _errors(response.text)
            path = urlparse(response.location).path
        raise AssertionError("the application did not end")

    def _repeat(self, path: str, page) -> str:
        base = f"{self.prefix}/forms/{self.form_id}/pages/{page.id}"
        if page.repeat.per is not None:
            # A nested page (repeat.per): items[page.id] holds one list per parent item; when not
            # given, each parent item gets the page's minimum of example items.
            parents = len(self.items.get(page.repeat.per) or [{}])
            nested = self.items.get(page.id) or [[{}] * page.repeat.min for _ in range(parents)]
            for parent, values_list in enumerate(nested):
                for index, values in enumerate(values_list):
                    response = self.post(f"{base}/items/{parent}/{index}", self.inputs_for(page, values))
                    assert response.status_code == 302, _errors(response.text)
            response = self.post(f"{base}/items", {"action": "continue"})
            assert response.status_code == 302, _errors(response.text)
            return urlparse(response.location).path
        items = self.items.get(page.id) or [{}] * max(page.repeat.min, 1)
        for index, values in enumerate(items):
            response = self.post(f"{base}/items/{index}", self.inputs_for(page, values))
            assert response.status_code == 302, _errors(response.text)
        response = self.post(f"{base}/items", {"action": "continue"})
        assert response.status_code == 302, _errors(response.text)
        return urlparse(response.location).path

    def send(self):
        """Apply and press the check page's button; returns the response."""
        check = self.apply()
        assert check.status_code == 200 and "申請内容の確認" in check.text, check.text[:2000]
        return self.client.post(f"{self.prefix}/forms/{self.form_id}/check",
                                data={"csrf_token": csrf_token(check.text)})

    def submit(self) -> str:
        """Apply, submit from the check page and return the reception number."""
        response = self.send()
        assert response.status_code == 302, response.status_code
        return urlparse(response.location).path.rsplit("/", 1)[-1]


def _errors(html: str) -> str:
    found = re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', html, flags=re.S)
    return "errors on page: " + " | ".join(re.sub(r"<[^>]+>", "", e).strip() for e in found) \
        if found else html[:3000]
