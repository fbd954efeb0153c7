"""Helpers for the browser tests: axe-core checks, and a shortcut through earlier pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.applicant import PAGE_URL, TINY_PDF, csrf_token

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from formsvc.definitions.schema import FormDefinition

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # installed by `make test` (npm ci)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RECEPTION_NUMBER = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")
PDF_FILE = {"name": "委任状.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}


# --- axe-core -----------------------------------------------------------------------------

def assert_accessible(page: Page, what: str = "") -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as shown; fail on any violation."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    violations = results["violations"]
    if violations:
        raise AssertionError(describe_violations(page, what, violations))


def describe_violations(page: Page, what: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {what or page.title()}"
             f" ({page.url}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact') or '?'}]: {violation['help']}"
                     f" ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


# --- answering earlier pages quickly ------------------------------------------------------

class Shortcut:
    """Answers pages over HTTP in the browser's own session (page.request shares its cookies).

    The accessibility checks use it to reach a page deep in a procedure without clicking
    through every page before it; the tests that drive whole applications use the real page.
    Answers default to each field's example answer, like tests/applicant.py.
    """

    def __init__(self, page: Page, definition: FormDefinition, answers: dict[str, Any] | None = None,
                 items: dict[str, list[dict[str, Any]]] | None = None):
        self.page = page
        self.definition = definition
        self.answers = answers or {}
        self.items = items or {}
        self.visited: list[str] = []

    @property
    def form_id(self) -> str:
        return self.definition.id

    def start(self) -> str:
        path = f"/forms/{self.form_id}/"
        response = self.page.request.post(f"/forms/{self.form_id}/start", max_redirects=0,
                                          form={"csrf_token": self._token(path)})
        assert response.status == 302, f"starting {self.form_id}: {response.status}"
        return self._location(response)

    def until(self, stop: str | None = None) -> str:
        """Start and answer page after page; return the path of page ``stop`` (or of check)."""
        path = self.start()
        for _ in range(100):
            match = PAGE_URL.search(path)
            if match is None:
                return path
            page = self.definition.page_by_id(match.group("page"))
            self.visited.append(page.id)
            if page.id == stop or page.kind == "exit":
                return path
            if page.repeat is not None:
                path = self._repeat(page)
            else:
                path = self.post(path, self.inputs_for(page, self.answers))
        raise AssertionError(f"{self.form_id}: the application did not end ({self.visited})")

    def inputs_for(self, page, values: dict[str, Any]) -> list[tuple[str, Any]]:
        inputs: list[tuple[str, Any]] = []
        for spec in page.fields:
            if not spec.has_answer:
                continue
            if spec.id in values:
                value = values[spec.id]
            elif spec.required:
                value = spec.example_answer()
            else:
                continue
            if spec.type == "file":
                if value:
                    inputs.append((spec.id, PDF_FILE))
                continue
            for name, sent in spec.form_inputs(value).items():
                inputs.extend((name, item) for item in sent)
        return inputs

    def post(self, path: str, inputs: list[tuple[str, Any]]) -> str:
        from playwright.sync_api import FormData

        data = FormData()
        data.append("csrf_token", self._token(path))
        for name, value in inputs:
            data.append(name, value)
        response = self.page.request.post(path, multipart=data, max_redirects=0)
        if response.status != 302:
            found = re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', response.text(), flags=re.S)
            raise AssertionError(f"{path} was not accepted ({response.status}): "
                                 + " | ".join(re.sub(r"<[^>]+>", "", error).strip() for error in found))
        return self._location(response)

    def _repeat(self, page) -> str:
        base = f"/forms/{self.form_id}/pages/{page.id}"
        for index, values in enumerate(self.items.get(page.id) or [{}] * max(page.repeat.min, 1)):
            self.post(f"{base}/items/{index}", self.inputs_for(page, values))
        return self.post(f"{base}/items", [("action", "continue")])

    def _token(self, path: str) -> str:
        response = self.page.request.get(path)
        assert response.ok, f"{path}: {response.status}"
        return csrf_token(response.text())

    @staticmethod
    def _location(response) -> str:
        return urlparse(response.headers["location"]).path


# --- paying the fee at the demo's mock provider ------------------------------------------------

TEST_CARD = "4111111111111111"  # the mock's card that pays (formsvc.mock_payments.cards)


def pay_with_card(page: Page, number: str = TEST_CARD) -> None:
    """On the mock provider's pages (after 「支払いへ進む」): choose クレジットカード if asked, enter
    the test card ``number`` and press the pay button. Where it leads is the caller's to check."""
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("^(お支払い方法の選択|クレジットカードでのお支払い)$"))
    if heading.inner_text().strip() == "お支払い方法の選択":
        page.get_by_role("radio", name=re.compile("^クレジットカード")).check(force=True)
        page.get_by_role("button", name="次へ").click()
        expect(heading).to_have_text("クレジットカードでのお支払い")
    page.get_by_label(re.compile("^カード番号")).fill(number)
    page.get_by_label(re.compile("^有効期限")).fill("12/39")
    page.get_by_label(re.compile("^セキュリティコード")).fill("123")
    page.get_by_label(re.compile("^カード名義")).fill("HANAKO YAMADA")
    page.get_by_role("button", name=re.compile("円を支払う$")).click()


def send_application(page: Page, button: str = "同意して申請する") -> None:
    """Press the check page's button; a fee paid online (「支払いへ進む」) is paid with the test card
    that succeeds, so the caller lands on the confirmation either way."""
    pay = page.get_by_role("button", name="支払いへ進む")
    if pay.count():
        pay.click()
        pay_with_card(page)
    else:
        page.get_by_role("button", name=button).click()
