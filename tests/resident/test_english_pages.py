"""Every shipped procedure that offers English (its title has `en`) reads in English throughout:
walking its resident pages with the language set to English finds no Japanese text outside the
resident's own answers and the language switcher (which names 日本語 in Japanese on purpose)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from formsvc import clock
from tests.applicant import PAGE_URL, Applicant
from tests.conftest import clock_in_period, hold_clock
from tests.identity import sign_in
from tests.resident.library_support import LIBRARY, publish

# Hiragana, katakana (and the long-vowel mark), CJK ideographs, full-width forms such as （）、。
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e\u3000-\u303f]+")


def english_procedures() -> list[str]:
    found = []
    for path in sorted(LIBRARY.glob("*.yaml")):
        title = yaml.safe_load(path.read_text(encoding="utf-8")).get("title")
        if isinstance(title, dict) and title.get("en"):
            found.append(path.stem)
    return found


# Japanese on purpose: the era a resident may type a year in (「令和7」 in the date hint), and the
# ＊ that marks every error message (a sign, in both languages).
ALLOWED = re.compile(r"令和\d*|平成\d*|昭和\d*|＊")


def japanese_outside_answers(html: str, municipality: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    # Answers (the check page's values, a card-verified answer), the switcher (日本語) and text
    # marked as Japanese are Japanese on purpose.
    for hidden in soup.select(".language-switch, dd.summary-list__value, .answer-text, textarea, script, "
                              "style, [lang=ja]"):
        hidden.decompose()
    texts = [str(text) for text in (soup.find("main") or soup).find_all(string=True)]
    title = soup.find("title")
    if title:
        # The municipality's name is a proper name from the settings (FORMSVC_MUNICIPALITY).
        texts.append("<title> " + title.get_text().replace(municipality, ""))
    return [text.strip() for text in texts if JAPANESE.search(ALLOWED.sub("", text))]


def japanese_on_the_walk(client, app, form_id: str) -> dict[str, list[str]]:
    """Walk the procedure's pages in English (on a day of its 受付期間: see clock_in_period) and
    return the Japanese found, by page."""
    town = app.config["MUNICIPALITY_NAME"]
    client.get("/language/en")
    person = Applicant(client, app, form_id)
    definition = person.definition()
    seen: dict[str, list[str]] = {}
    with clock_in_period(definition):
        if definition.authentication == "required":
            sign_in(client, app)
        start = client.get(f"/forms/{form_id}/")
        seen["start"] = japanese_outside_answers(start.text, town)
        path = person.start()
        for _ in range(60):  # every page the example answers lead to, then the check page
            match = PAGE_URL.search(path)
            page = client.get(path)
            seen[path] = japanese_outside_answers(page.text, town)
            if match is None:
                break
            spec_page = definition.page_by_id(match.group("page"))
            if spec_page.kind == "exit" or spec_page.repeat is not None:
                break
            response = person.post(path, person.inputs_for(spec_page, person.answers))
            if response.status_code != 302:
                seen[f"{path} (errors)"] = japanese_outside_answers(response.text, town)
                break
            path = urlparse(response.location).path
    return {where: texts for where, texts in seen.items() if texts}


@pytest.mark.parametrize("form_id", english_procedures())
def test_a_procedure_offering_english_shows_no_japanese_in_english(client, app, form_id):
    publish(app, form_id)
    assert japanese_on_the_walk(client, app, form_id) == {}


def procedures_with_a_period() -> list[str]:
    found = []
    for form_id in english_procedures():
        document = yaml.safe_load((LIBRARY / f"{form_id}.yaml").read_text(encoding="utf-8"))
        if document.get("valid_from") or document.get("valid_until"):
            found.append(form_id)
    return found


@pytest.mark.parametrize("real_day", [date(2027, 5, 1), date(2026, 3, 1)], ids=["after", "before"])
@pytest.mark.parametrize("form_id", procedures_with_a_period())
def test_the_walk_still_works_when_run_outside_a_procedures_period(client, app, monkeypatch, form_id, real_day):
    """The suite run on a day outside a shipped procedure's 受付期間 (令和8年度: 2026-04-01 to
    2027-03-31) still walks it, on a day of the period."""
    hold_clock(monkeypatch, real_day)
    publish(app, form_id)
    # That day the procedure itself takes nothing (closed, or not open yet) ...
    assert f'action="/forms/{form_id}/start"' not in client.get(f"/forms/{form_id}/").text
    # ... and the walk goes through it all the same, and leaves the clock as it found it.
    assert japanese_on_the_walk(client, app, form_id) == {}
    assert clock.today() == real_day
