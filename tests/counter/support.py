"""Counter staff at work, driven through the test client the way a person uses the pages.

A clerk signs in, identifies the resident (card or typed details), starts procedures from the
visit page and goes through each page as shown: what the page already holds (the resident's
details carried over) is sent back as it is, and only what the test says, or a required
question left empty, is typed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from sqlalchemy import select

from formsvc.db import database
from formsvc.forms.catalog import published
from formsvc.mock_idp.cards import IDENTITY_SCOPES, card_by_id
from formsvc.submissions.models import CounterVisit
from tests.applicant import PAGE_URL, TINY_PDF, csrf_token
from tests.conftest import JAPAN_TODAY
from tests.staff.support import PASSWORD, make_staff

CLERK = ("mado-hanako", "窓口 花子")
VISIT_URL = re.compile(r"^/counter/visits/(\d+)")


def counter_clerk(app, username: str = CLERK[0], name: str = CLERK[1], *roles: str):
    """A test client signed in as counter staff (through the sign-in page)."""
    make_staff(app, username, *(roles or ("counter",)), name=name)
    client = app.test_client()
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={"csrf_token": csrf_token(page.text), "username": username,
                                                 "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return client


def errors_on(html: str) -> list[str]:
    """The messages of the error summary (or beside fields) as shown."""
    soup = BeautifulSoup(html, "html.parser")
    found = [" ".join(item.get_text().split()) for item in soup.select(".error-summary__list li")]
    return found or [" ".join(p.get_text().split()) for p in soup.select(".error-message")]


def text_of(html: str) -> str:
    """The page's main content as a person reads it (tags gone, spaces collapsed)."""
    main = BeautifulSoup(html, "html.parser").find("main")
    return " ".join(main.get_text(" ").split())


def form_values(html: str, index: int = 0) -> list[tuple[str, str]]:
    """What the browser would send for the ``index``-th POST form in <main>, as it is shown."""
    form = BeautifulSoup(html, "html.parser").find("main").find_all("form", method="post")[index]
    values: list[tuple[str, str]] = []
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            values.append((name, element.get_text()))
        elif element.name == "select":
            chosen = element.find("option", selected=True)
            values.append((name, chosen.get("value", chosen.get_text()) if chosen else ""))
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                values.append((name, element.get("value", "on")))
        elif element.get("type") not in ("submit", "button", "file", "image", "reset"):
            values.append((name, element.get("value", "")))
    return values


def form_index(html: str, action_ending: str) -> int:
    """The position (among <main>'s POST forms) of the form whose action ends with ``action_ending``."""
    forms = BeautifulSoup(html, "html.parser").find("main").find_all("form", method="post")
    return next(i for i, form in enumerate(forms) if form.get("action", "").endswith(action_ending))


def post_form(client, path: str, html: str, changes: dict[str, Any] | None = None, index: int = 0,
              files: dict[str, Any] | None = None):
    """Send the form as shown, with ``changes`` (input name → value or list of values) typed in."""
    values = form_values(html, index)
    data: dict[str, Any] = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    data.update(files or {})
    return client.post(path, data=data, content_type="multipart/form-data")


def location(response) -> str:
    assert response.status_code in (302, 303), (response.status_code, errors_on(response.text) or response.text[:2000])
    return urlparse(response.location).path + (f"?{urlparse(response.location).query}"
                                               if urlparse(response.location).query else "")


# --- opening a visit ---------------------------------------------------------------------------

def open_visit_with_card(client, card: str = "yamada-taro", pin: str = "1234",
                         kana: dict | None = None, phone: str = "090-1111-2222", email: str = "") -> int:
    """Read a test card with its 券面事項入力補助 PIN, then add フリガナ and contact details."""
    home = client.get("/counter/")
    chosen = post_form(client, "/counter/", home.text, {"identification": "card"})
    assert location(chosen) == "/counter/card"
    card_page = client.get("/counter/card")
    read = post_form(client, "/counter/card", card_page.text, {"card": card, "pin": pin})
    details_path = location(read)
    visit_id = int(VISIT_URL.match(details_path).group(1))
    details = client.get(details_path)
    kana = kana or {"family": "ヤマダ", "given": "タロウ"}
    saved = post_form(client, details_path, details.text, {
        "name_kana-family": kana["family"], "name_kana-given": kana["given"], "phone": phone, "email": email,
        "action": "save"})
    assert location(saved) == f"/counter/visits/{visit_id}"
    return visit_id


def details_inputs(details: dict[str, Any]) -> dict[str, Any]:
    """The details page's inputs for the resident's details (by meaning: name, name_kana, …)."""
    from formsvc.counter.resident import FIELDS

    inputs: dict[str, Any] = {}
    for meaning, value in details.items():
        inputs.update({name: sent[0] for name, sent in FIELDS[meaning].form_inputs(value).items()})
    return inputs


def open_visit_by_typing(client, details: dict[str, Any], identification: str = "documents",
                         document: str = "運転免許証") -> int:
    home = client.get("/counter/")
    chosen = post_form(client, "/counter/", home.text, {"identification": identification, "document": document})
    path = location(chosen)
    page = client.get(path)
    saved = post_form(client, path, page.text, {**details_inputs(details), "action": "save"})
    return int(VISIT_URL.match(location(saved)).group(1))


def visit_row(app, visit_id: int) -> CounterVisit:
    with app.app_context(), database().transaction() as session:
        visit = session.scalar(select(CounterVisit).where(CounterVisit.id == visit_id))
        session.expunge(visit)
        return visit


# --- entering a procedure ----------------------------------------------------------------------

@dataclass
class Procedure:
    """One procedure entered in a visit: started from the visit page, every page gone through."""

    client: Any
    app: Any
    visit_id: int
    form_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    shown: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # page id → inputs as first shown

    @property
    def prefix(self) -> str:
        return f"/counter/visits/{self.visit_id}"

    def definition(self):
        with self.app.app_context(), database().transaction() as session:
            # The counter's pages (formsvc.definitions.channels): what the clerk is shown.
            return published(session, self.form_id).for_channel("counter").definition

    def start(self) -> str:
        """Press the procedure's button on the visit page."""
        visit = self.client.get(self.prefix)
        assert visit.status_code == 200, visit.status_code
        return location(post_form(self.client, f"{self.prefix}/procedures", visit.text,
                                  {"form_id": self.form_id}, index=form_index(visit.text, "/procedures")))

    def _changes(self, page, html: str, values: dict[str, Any]) -> tuple[dict, dict]:
        """The inputs a person types on ``page``: what the test asks, and required questions left empty."""
        shown = dict(form_values(html))
        changes: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for spec in page.fields:
            if not spec.has_answer or not re.search(rf'name="{re.escape(spec.id)}(-[a-z]+)?"', html):
                continue  # guidance, a hidden question or an answer read from the card (shown as text)
            if spec.type == "file":
                if values.get(spec.id, spec.required):
                    files[spec.id] = [(io.BytesIO(TINY_PDF), "document.pdf")]
                continue
            if spec.id in values:
                value = values[spec.id]
            elif spec.required and not _answered(spec, shown):
                value = spec.example_answer()
            else:
                continue
            changes.update({name: list(sent) for name, sent in spec.form_inputs(value).items()})
        return changes, files

    def _page(self, path: str, page, values: dict[str, Any]) -> str:
        html = self.client.get(path).text
        self.shown.setdefault(page.id, form_values(html))
        changes, files = self._changes(page, html, values)
        response = post_form(self.client, path, html, {**changes, "action": "continue"}, files=files)
        return location(response)

    def enter(self) -> str:
        """Go through every page to the check page and press its button; returns where it leads."""
        definition = self.definition()
        path = self.start()
        for _ in range(100):
            match = PAGE_URL.search(path)
            if match is None:
                break
            page = definition.page_by_id(match.group("page"))
            self.visited.append(page.id)
            if page.kind == "exit":
                return path
            if page.repeat is not None:
                base = f"{self.prefix}/forms/{self.form_id}/pages/{page.id}"
                for index, values in enumerate(self.items.get(page.id) or [{}] * max(page.repeat.min, 1)):
                    self._page(f"{base}/items/{index}", page, values)
                summary = self.client.get(f"{base}/items")
                path = location(post_form(self.client, f"{base}/items", summary.text, {"action": "continue"}))
                continue
            path = self._page(path, page, self.answers)
        check = self.client.get(path)
        assert check.status_code == 200, check.status_code
        return location(post_form(self.client, path, check.text))


def _answered(spec, shown: dict[str, str]) -> bool:
    names = [name for name in shown if name == spec.id or name.startswith(f"{spec.id}-")]
    return any(shown[name].strip() for name in names)


def sign(client, signature_path: str):
    """Tick the confirmation and press 署名を確認し、申請を受け付ける."""
    page = client.get(signature_path)
    assert page.status_code == 200, page.status_code
    assert "署名を確認し、申請を受け付ける" in page.text
    return client.post(signature_path, data={"csrf_token": csrf_token(page.text), "confirm": "yes"})


def today() -> date:
    return JAPAN_TODAY


def card_details(card_id: str, today: date) -> dict:
    """What the counter's card reader gives for a test card read with its PIN (CardRead.details)."""
    return card_by_id(card_id).claims(IDENTITY_SCOPES, today)
