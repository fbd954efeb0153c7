"""Every page of every shipped procedure, sent what no form should be sent, on both databases.

Each procedure is walked as a resident would go through it (once per set of answers needed to
show each of its pages); on every page, before the right answers are sent, Hypothesis sends
hostile ones: enormous numbers and exponents, Infinity and NaN, control characters and NUL,
direction overrides, very long text, full-width digits, emoji, several values for one input,
inputs left out and inputs no page has. Whatever is sent:

- the answer is never a 5xx;
- the page either moves on (a redirect) or says what is wrong (the error summary), or, for
  control characters in an input's name, is the 400 page that says so;
- nothing half-written is stored: no answer holds a control character or a number that is not
  one, every attachment an answer names exists, every submission has its answers and event.

On every question the values of the issue are also sent one by one (the sweep: Hypothesis's
explicit examples), so that each run tries each of them everywhere. Bounded: FUZZ_EXAMPLES drawn
examples plus the sweep, about 1,200 requests per database (some 15 seconds on two cores);
derandomized in CI, so that a run there is repeatable.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from formsvc import clock
from formsvc.db import database
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldContext
from formsvc.fields.choices import ChoiceSpec
from formsvc.forms.loading import import_definitions
from formsvc.submissions.models import Draft, Submission, SubmissionEvent, Upload
from formsvc.vocabulary.conditions import Condition, DateOffset, FieldRef
from tests.applicant import PAGE_URL, TINY_PDF, Applicant, csrf_token
from tests.backends import IN_CI
from tests.conftest import clock_in_period, hold_clock
from tests.identity import sign_in
from tests.resident.library_support import error_summary

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"
PROCEDURES = sorted(path.stem for path in LIBRARY.glob("*.yaml"))
FUZZ_EXAMPLES = 300
REFUSED = "使用できない文字（制御文字）が含まれていたため"
ERROR_SUMMARY = 'class="error-summary"'
# What stored text may hold: no control character but tab, CR and LF.
STORED_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- hostile values ------------------------------------------------------------------------------

CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(["\x7f", "\x85", "\x9b"])
SPECIAL = st.sampled_from([
    "Infinity", "-Infinity", "inf", "-inf", "NaN", "-nan", "sNaN", "1e999", "1E5000", "-1e5000",
    "9" * 16, "9" * 400, "0x1F", "1_000", "１２３", "−３", "٣", "１ｅ３", "\u202e123", "123\u202e",
    "🐕", "👨‍👩‍👧", "\u3000", " ", "", "null", "[]", "{}", "<script>alert(1)</script>",
    "' OR 1=1 --", "%00", "\\u0000", "..\\..\\win.ini", "\ufeff1", "\u200b", "e\u0301",
    "令和999", "平成0", "2025-02-30", "+", "-", ".", "1.2.3", "１,２３４.５",
])
# Exponents stay below 10**5: before numbers were read as plain decimals, int(Decimal("1e99999"))
# took a third of a second, so a regression is slow but cannot hang the suite
# (tests/fields/test_field_number_limits.py has the 1e999999999, in a process of its own).
EXPONENT = st.builds(lambda mantissa, exponent: f"{mantissa}e{exponent}",
                     st.integers(-999, 999), st.integers(-99_999, 99_999))
WITH_CONTROL = st.builds(lambda before, control, after: before + control + after,
                         st.text(max_size=8), CONTROL, st.text(max_size=8))
LONG = st.builds(lambda character, size: character * size,
                 st.sampled_from(["x", "あ", "９", "🐕", "\n"]), st.integers(900, 12_000))
HOSTILE = st.one_of(SPECIAL, EXPONENT, WITH_CONTROL, LONG, st.text(max_size=30),
                    st.integers(-(10 ** 20), 10 ** 20).map(str))
FILE = st.sampled_from(["pdf", "empty", "garbage"])
FILE_NAME = st.one_of(st.sampled_from(["写真.pdf", "a\x00b.pdf", "\u202efdp.exe", "../../x.pdf",
                                       "x" * 400 + ".pdf", ""]), WITH_CONTROL)


def value_strategy(valid: list[Any]) -> st.SearchStrategy:
    """What one input receives: its right value, a hostile one, several, or nothing at all."""
    return st.one_of(st.just(valid), HOSTILE.map(lambda v: [v]), st.lists(HOSTILE, min_size=2, max_size=3),
                     st.none())


# Also sent to every question of every page, one question at a time with the others answered
# right (so that nothing else stops the page from storing it), whatever Hypothesis draws: the
# values of the issue, so that every run tries each of them everywhere.
NUMBERS = ["Infinity", "-Infinity", "inf", "NaN", "sNaN", "1e5000", "1e99999", "9" * 5000, "１ｅ３"]
TEXTS = ["\x00", "a\x00b", "\x1b[2J", "\x7f", "\x85", "あ" * 12_000, "\u202e１２３", "🐕" * 3]
SWEEP = {"number": NUMBERS, "text": TEXTS, "textarea": [*TEXTS, "一\r\n二\t三"], "name": TEXTS,
         "kana": TEXTS, "address": TEXTS, "email": TEXTS}
SWEEP_OTHERS = ["\x00", "Infinity", "9" * 5000]


def sweep(specs, inputs: dict[str, list[Any]], files: list[str]) -> Iterator[dict]:
    for spec in specs:
        if not spec.has_answer or spec.type == "file":
            continue
        names = [name for name in inputs if name == spec.id or name.startswith(f"{spec.id}-")]
        for value in SWEEP.get(spec.type, SWEEP_OTHERS):
            yield {"inputs": {**inputs, **{name: [value] for name in names}},
                   "files": dict.fromkeys(files), "unknown": {}}
    yield {"inputs": {name: ["1", "\x00"] for name in inputs}, "files": dict.fromkeys(files),
           "unknown": {"\x00": ["x"]}}


def payload_strategy(inputs: dict[str, list[Any]], files: list[str]) -> st.SearchStrategy:
    known = set(inputs) | set(files) | {"csrf_token", "action", "return"}
    unknown_key = st.one_of(st.text(max_size=12), WITH_CONTROL).filter(lambda key: key not in known)
    return st.fixed_dictionaries({
        "inputs": st.fixed_dictionaries({name: value_strategy(valid) for name, valid in inputs.items()}),
        "files": st.fixed_dictionaries({name: st.none() | st.tuples(FILE, FILE_NAME) for name in files}),
        "unknown": st.dictionaries(unknown_key, HOSTILE.map(lambda v: [v]), max_size=2),
    })


def form_data(payload: dict, token: str) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf_token": token}
    for name, values in (*payload["inputs"].items(), *payload["unknown"].items()):
        if values is not None:
            data[name] = values
    for name, chosen in payload["files"].items():
        if chosen is not None:
            kind, filename = chosen
            content = {"pdf": TINY_PDF, "empty": b"", "garbage": b"MZ\x90\x00" * 8}[kind]
            data[name] = (io.BytesIO(content), filename)
    return data


# --- which answers show which pages --------------------------------------------------------------

PATTERN_CANDIDATES = [*("1234567890123"[:n] for n in range(1, 14)), "テスト", "abc", "ABC", "Test"]


def satisfying(condition: Condition, definition: FormDefinition, today: date) -> dict[str, Any] | None:
    """Answers that make ``condition`` true (None when this simple solver cannot tell)."""
    if condition.all is not None:
        merged: dict[str, Any] = {}
        for child in condition.all:
            solved = satisfying(child, definition, today)
            if solved is None or not compatible(merged, solved):
                return None
            merged = merge(merged, solved)
        return merged
    if condition.any is not None:
        return next((s for c in condition.any if (s := satisfying(c, definition, today)) is not None), None)
    if condition.not_ is not None or condition.count is not None:
        return None
    field = condition.field
    if condition.equals is not None and not isinstance(condition.equals, FieldRef):
        return {field: condition.equals}
    if condition.one_of:
        return {field: condition.one_of[0]}
    if condition.contains is not None:
        return {field: [condition.contains]}
    if condition.answered:
        spec = definition.field_by_id(field)
        return {field: spec.example_answer()} if spec is not None else None
    for name, step in (("gt", 1), ("gte", 0), ("lt", -1), ("lte", 0)):
        bound = getattr(condition, name)
        if isinstance(bound, DateOffset):
            return {field: bound.resolve(today) + timedelta(days=step)}
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            return {field: bound + step}
    return None


def avoiding(condition: Condition, definition: FormDefinition) -> dict[str, Any]:
    """Answers that keep a simple ``{field: x, equals|one_of: ...}`` condition false (an exit
    page's: the walk must get past it); {} when the example answers will do."""
    spec = definition.field_by_id(condition.field) if condition.field else None
    refused = [condition.equals] if condition.equals is not None else condition.one_of or []
    if spec is None or not refused:
        return {}
    if spec.type == "yes_no":
        options = [True, False]
    elif isinstance(spec, ChoiceSpec):
        options = [choice.value for choice in spec.all_choices()]
    else:
        return {}
    chosen = next((option for option in options if option not in refused), None)
    if chosen is None:
        return {}
    return {spec.id: [chosen] if spec.type == "checkboxes" else chosen}


def compatible(first: dict, second: dict) -> bool:
    return all(first[key] == value or (isinstance(value, list) and isinstance(first[key], list))
               for key, value in second.items() if key in first)


def merge(first: dict, second: dict) -> dict:
    merged = dict(first)
    for key, value in second.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = sorted(set(merged[key]) | set(value))
        else:
            merged[key] = value
    return merged


def known_answers(form_id: str, today: date) -> dict[str, Any]:
    """Answers the simple solver above cannot find, per procedure: conditions and rules on computed
    values. "base" is merged into the example answers (a child young enough for the computed
    end of eligibility); each of "exits" is walked on its own (the answers, items too, that make a
    computed total exceed a computed limit), and a child whose birth date fits the example 学年.
    ``today`` is the day of the walk (a day of the procedure's 受付期間)."""
    known: dict[str, dict[str, Any]] = {
        "kodomo-iryohi": {"base": {"child_birth_date": today.replace(year=today.year - 5, day=1)}},
        # The example 学年 is the first (小学1年生): a child born in the 小学生 years fits it.
        # 勤務先の電話番号 is required_if 働いている (optional questions are otherwise left blank).
        "shugaku-enjo": {"base": {"child_birth_date": date(2015, 6, 1), "member_employer_phone": "03-3433-1111"},
                         "exits": [{"income_amount": 999_999_999}]},
        # 設置費用 far above 41万円/kW (an exit on a computed value the solver cannot reach).
        "taiyoko-hojo": {"exits": [{"system_cost": 99_999_999}]},
    }
    return known.get(form_id, {})


def answer_sets(definition: FormDefinition, today: date) -> list[dict[str, Any]]:
    """The example answers, then answers that show each conditional page and question (exit
    pages apart: each gets a walk of its own, since it ends the application there)."""
    base: dict[str, Any] = {}
    for spec in definition.all_fields():
        if getattr(spec, "pattern", None) is not None:
            # A text's example answer (テスト回答) does not match a pattern such as ^[0-9]{7}$.
            base[spec.id] = next(text for text in PATTERN_CANDIDATES
                                       if not spec.validate_answer(text, FieldContext()))
    for rule in definition.rules:
        # "on or after another date" (飼い始めた日 ≥ 生年月日): today is, or the question's
        # earliest date when that is later.
        later = rule.check.gte or rule.check.gt
        spec = definition.field_by_id(rule.check.field) if rule.check.field else None
        if isinstance(later, FieldRef) and spec is not None and spec.type == "date":
            base[spec.id] = max(today, spec.example_answer())
    for page in definition.pages:
        if page.kind == "exit" and page.show_if is not None:
            avoided = avoiding(page.show_if, definition)
            if compatible(base, avoided):
                base = merge(base, avoided)
    known = known_answers(definition.id, today)
    base = {**base, **known.get("base", {})}
    sets: list[dict[str, Any]] = [base]
    exits: list[dict[str, Any]] = [{**base, **answers} for answers in known.get("exits", [])]
    for page in definition.pages:
        conditions = [page.show_if] if page.show_if is not None else []
        conditions += [spec.show_if for spec in page.fields if spec.show_if is not None]
        for condition in conditions:
            solved = satisfying(condition, definition, today)
            if solved is None:
                continue
            if page.kind == "exit":
                exits.append({**base, **solved})
                continue
            for index, existing in enumerate(sets[1:], start=1):
                if compatible(existing, solved):
                    sets[index] = merge(existing, solved)
                    break
            else:
                sets.append({**base, **solved})
    return sets + exits


# --- the walk --------------------------------------------------------------------------------------

class Walk:
    """One resident going through one procedure, with Hypothesis at every page."""

    def __init__(self, app, session, form_id: str, answers: dict[str, Any], examples: int,
                 seen: set[str]):
        self.app = app
        self.session = session  # for reading what was stored
        self.client = app.test_client()
        self.person = Applicant(self.client, app, form_id, answers=answers)
        self.definition = self.person.definition()
        self.examples = examples
        self.seen = seen  # pages already fuzzed in an earlier walk of this procedure
        self.requests = 0

    def run(self) -> Iterator[str]:
        """Fuzz the pages on the way; yield each page id reached."""
        if self.definition.authentication != "none":
            # Signed in with the card (optional sign-in too): the answers it fills are locked.
            sign_in(self.client, self.app)
        path = self.person.start()
        token = csrf_token(self.client.get(path).text)
        for _ in range(100):
            match = PAGE_URL.search(path)
            if match is None:
                self.submit(path, token)
                return
            page = self.definition.page_by_id(match.group("page"))
            yield page.id
            if page.kind == "exit":
                self.fuzz(path, page.fields, {}, token, key=page.id, exit_page=True)
                return
            if page.repeat is not None:
                path = self.repeat(page, token)
                continue
            valid = self.person.inputs_for(page, self.person.answers)
            self.fuzz(path, page.fields, valid, token, key=page.id)
            response = self.answer(path, page, valid, token)
            assert response.status_code == 302, (path, response.status_code, error_summary(response.text))
            path = urlparse(response.location).path
        raise AssertionError("the walk did not end")

    def repeat(self, page: Page, token: str) -> str:
        base = f"/forms/{self.person.form_id}/pages/{page.id}"
        valid = self.person.inputs_for(page, self.person.answers)  # item answers of KNOWN_ANSWERS too
        # A nested page (repeat.per) has its items under the first parent item: items/0/<index>.
        items = f"{base}/items/0" if page.repeat.per is not None else f"{base}/items"
        self.fuzz(f"{items}/0", page.fields, valid, token, key=f"{page.id}/items/0")
        for index in range(max(page.repeat.min, 1)):
            response = self.answer(f"{items}/{index}", page, valid, token)
            assert response.status_code == 302, (page.id, response.status_code, error_summary(response.text))
        actions = {"action": ["continue", "add", "remove", "\x00", ""]}
        self.fuzz(f"{base}/items", [], actions, token, key=f"{page.id}/items")
        response = self.client.post(f"{base}/items", data={"action": "continue", "csrf_token": token})
        assert response.status_code == 302, (page.id, response.status_code)
        return urlparse(response.location).path

    def submit(self, path: str, token: str) -> None:
        """The check page, sent once refused (a control character in a name) and once with
        hostile values no question asks for: the application is submitted, once."""
        assert urlparse(path).path == f"/forms/{self.person.form_id}/check", path
        refused = self.client.post(path, data={"csrf_token": token, "x\x00": "1"})
        assert refused.status_code == 400 and REFUSED in refused.text
        sent = self.client.post(path, data={"csrf_token": token, "copies": "1e99999", "x": "\x00",
                                            "note": ["NaN", "\u202e"]})
        assert sent.status_code == 302 and "/done/" in sent.location, (path, sent.status_code)
        self.requests += 2

    def answer(self, path: str, page: Page, valid: dict[str, Any], token: str):
        """Send the right answers: without files first (the fuzzing may have attached some
        already, up to the limit), then with a new one where the page still needs it."""
        files = {spec.id for spec in page.fields if spec.type == "file"}
        data = {name: values for name, values in valid.items() if name not in files}
        response = self.client.post(path, data={**data, "csrf_token": token}, content_type="multipart/form-data")
        if response.status_code == 200 and files:
            fresh = {spec.id: acceptable_files(spec) for spec in page.fields if spec.type == "file"}
            response = self.client.post(path, data={**data, **fresh, "csrf_token": token},
                                        content_type="multipart/form-data")
        return response

    def fuzz(self, path: str, specs, valid: dict[str, Any], token: str, key: str,
             exit_page: bool = False) -> None:
        if key in self.seen:
            return
        self.seen.add(key)
        inputs = {name: values if isinstance(values, list) else [values] for name, values in valid.items()
                  if not any(spec.type == "file" and spec.id == name for spec in specs)}
        for spec in specs:  # questions left out of ``valid`` (optional ones, or hidden now) too
            if spec.has_answer and spec.type != "file":
                for name, values in spec.form_inputs(spec.example_answer()).items():
                    inputs.setdefault(name, list(values) if isinstance(values, list) else [values])
        files = [spec.id for spec in specs if spec.type == "file"]
        client = self.client

        def send(payload):
            response = client.post(path, data=form_data(payload, token), content_type="multipart/form-data")
            self.requests += 1
            assert_handled(response, path, payload, exit_page)
            assert_drafts_clean(self.session)  # before a later example overwrites the answer

        for payload in sweep(specs, inputs, files):
            send = example(payload)(send)
        settings(max_examples=self.examples, deadline=None, database=None, derandomize=IN_CI,
                 suppress_health_check=list(HealthCheck))(given(payload_strategy(inputs, files))(send))()
        assert_nothing_half_written(self.session)


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64


def acceptable_files(spec) -> list[tuple[io.BytesIO, str]]:
    """As many files as the question needs (min_files), of a kind it accepts (a photo question
    may refuse PDF)."""
    content, name = (TINY_PDF, "document.pdf") if "pdf" in spec.accept else (JPEG, "photo.jpg")
    return [(io.BytesIO(content), name) for _ in range(max(spec.min_files or 1, 1))]


def assert_handled(response, path: str, payload, exit_page: bool) -> None:
    status = response.status_code
    assert status < 500, (path, status, payload)
    if status in (302, 303):
        return
    text = response.text
    if status == 400:
        assert REFUSED in text, (path, payload, text[:2000])
        return
    assert status == 200, (path, status, payload)
    # An exit page only explains where to go instead; any other page says what is wrong.
    assert exit_page or ERROR_SUMMARY in text, (path, payload, "the page neither moved on nor said why",
                                                text[:3000])


# --- what is stored -------------------------------------------------------------------------------

def assert_clean(value: Any, where: str) -> None:
    """No control character, no number that is not one, anywhere in stored answers."""
    if isinstance(value, str):
        assert not STORED_CONTROL.search(value), (where, value[:200])
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float):
        assert math.isfinite(value), (where, value)
    elif isinstance(value, int):
        assert abs(value) < 10 ** 15, where
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_clean(key, where)
            assert_clean(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_clean(item, f"{where}[{index}]")


def upload_tokens(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("upload"), str):
            yield value["upload"]
        for item in value.values():
            yield from upload_tokens(item)
    elif isinstance(value, list):
        for item in value:
            yield from upload_tokens(item)


def assert_drafts_clean(session) -> None:
    session.expire_all()
    uploads = set(session.scalars(select(Upload.token)))
    for draft in session.scalars(select(Draft)):
        assert isinstance(draft.answers.get("fields"), dict), draft.answers
        assert_clean(draft.answers, f"draft {draft.id}")
        assert set(upload_tokens(draft.answers)) <= uploads, f"draft {draft.id} names a missing file"


def assert_nothing_half_written(session) -> None:
    assert_drafts_clean(session)
    uploads = set(session.scalars(select(Upload.token)))
    submitted = set(session.scalars(select(SubmissionEvent.submission_id)
                                    .where(SubmissionEvent.kind == "submitted")))
    for submission in session.scalars(select(Submission)):
        assert submission.id in submitted, f"submission {submission.id} has no 'submitted' event"
        assert isinstance(submission.answers.get("fields"), dict) and submission.answers["fields"]
        assert_clean(submission.answers, f"submission {submission.id}")
        assert set(upload_tokens(submission.answers)) <= uploads


# --- the test ----------------------------------------------------------------------------------------

def fuzz_the_library(app, db_session, procedures: list[str], examples: int) -> int:
    """Publish ``procedures`` and walk each of them with hostile answers; the number of requests.

    Each procedure is walked on a day of its 受付期間 (clock_in_period): a procedure whose period
    is over, or not open yet, on the day the suite runs is still walked, on its period's nearest day."""
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [LIBRARY / f"{name}.yaml" for name in procedures], actor="test")
    assert report.errors == [], report.errors
    definitions = [Applicant(app.test_client(), app, form_id).definition() for form_id in procedures]
    stations = sum(len(page.fields) > 0 or page.repeat is not None for d in definitions for page in d.pages)
    per_page = max(2, examples // stations)

    requests = 0
    for form_id, definition in zip(procedures, definitions, strict=True):
        reached: set[str] = set()
        fuzzed: set[str] = set()
        with clock_in_period(definition) as day:
            for answers in answer_sets(definition, day):
                walk = Walk(app, db_session, form_id, answers, per_page, fuzzed)
                reached.update(walk.run())
                requests += walk.requests
                assert_nothing_half_written(db_session)
        missed = {page.id for page in definition.pages} - reached
        assert not missed, f"{form_id}: the walks never reached {sorted(missed)}"
    return requests


def test_no_page_of_any_procedure_fails_on_hostile_answers(app, db_session):
    requests = fuzz_the_library(app, db_session, PROCEDURES, FUZZ_EXAMPLES)
    assert requests >= FUZZ_EXAMPLES * 0.8, requests


def procedures_with_a_period() -> list[str]:
    found = []
    for name in PROCEDURES:
        document = yaml.safe_load((LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))
        if document.get("valid_from") or document.get("valid_until"):
            found.append(name)
    return found


@pytest.mark.parametrize("real_day", [date(2027, 5, 1), date(2026, 3, 1)], ids=["after", "before"])
def test_the_walks_still_work_when_run_outside_a_procedures_period(app, db_session, monkeypatch, real_day):
    """The suite run on a day outside the shipped 受付期間 (令和8年度: 2026-04-01 to 2027-03-31):
    each procedure with a period is still walked to its end and sent, on a day of its period."""
    procedures = procedures_with_a_period()
    if not procedures:
        pytest.skip("no shipped procedure has a 受付期間")
    hold_clock(monkeypatch, real_day)
    client = app.test_client()
    fuzz_the_library(app, db_session, procedures, examples=2 * len(procedures))
    for form_id in procedures:
        # That day the procedure itself takes nothing (closed, or not open yet) ...
        assert f'action="/forms/{form_id}/start"' not in client.get(f"/forms/{form_id}/").text
    # ... yet the walks sent applications to each (every walk that does not end on an exit page
    # sends one), and the clock is back on the day of the run.
    assert len(db_session.scalars(select(Submission)).all()) >= len(procedures)
    assert clock.today() == real_day
