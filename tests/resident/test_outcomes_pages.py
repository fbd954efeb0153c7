"""Outcomes (必要な手続き with deadlines), benefits and deadlines as a resident sees them: on the
check page from the answers, on the done page from what was stored with the submission."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from formsvc.submissions.models import Submission
from tests.applicant import Applicant
from tests.resident.okuyami_sample import ANSWERS, FORM, deadline, japanese, publish_okuyami


@pytest.fixture
def okuyami(app) -> str:
    return publish_okuyami(app)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return _text(match.group(1))


def test_the_check_page_lists_the_procedures_that_apply_with_their_deadlines(client, app, okuyami):
    check = Applicant(client, app, FORM, answers=dict(ANSWERS)).apply()
    assert check.status_code == 200
    needed = _section(check.text, "あなたに必要な手続き")
    assert "国民健康保険の資格喪失届" in needed
    assert f"期限： {japanese(deadline(14))}" in needed
    assert "年金受給者死亡届" in needed and japanese(deadline(10)) in needed
    assert "世帯主の変更届" in needed  # no show_if: always, without a deadline
    assert needed.count("期限：") == 2
    # A deadline is machine-readable too.
    assert f'<time datetime="{deadline(14).isoformat()}">' in check.text
    # Benefits and deadlines have their own headings; the benefit is not the fee.
    assert "50,000円" in _section(check.text, "給付額・補助金額の見込み")
    assert "国民健康保険の資格喪失届の期限" in _section(check.text, "期限")
    assert "2件" in _section(check.text, "計算結果")
    assert "手数料" not in check.text


def test_procedures_that_do_not_apply_are_not_listed(client, app, okuyami):
    answers = {**ANSWERS, "insurance": "other", "pension": False}
    check = Applicant(client, app, FORM, answers=answers).apply()
    needed = _section(check.text, "あなたに必要な手続き")
    assert "国民健康保険" not in needed and "年金受給者死亡届" not in needed
    assert "世帯主の変更届" in needed
    # The benefit's show_if is false: no benefit heading at all.
    assert "給付額・補助金額の見込み" not in check.text
    assert "国民健康保険証" not in _section(check.text, "必要な書類")


def test_the_done_page_shows_the_stored_values_outcomes_and_next_steps(client, app, okuyami, db_session):
    applicant = Applicant(client, app, FORM, answers={**ANSWERS, "requester": "agent"})
    done = client.get(applicant.send().location).text
    assert "50,000円" in _section(done, "給付額・補助金額の見込み")
    needed = _section(done, "あなたに必要な手続き")
    assert "国民健康保険の資格喪失届" in needed and japanese(deadline(14)) in needed
    steps = _section(done, "このあとの流れ")
    assert "来庁の日時をご相談します" in steps and "委任状の原本" in steps
    documents = _section(done, "必要な書類")
    assert "委任状" in documents and "国民健康保険証" in documents


def test_what_is_stored_is_what_was_shown(client, app, okuyami, db_session):
    number = Applicant(client, app, FORM, answers=dict(ANSWERS)).submit()
    stored = db_session.scalar(select(Submission).where(Submission.reception_number == number)).computed
    assert stored == {"nhi_deadline": deadline(14).isoformat(), "pension_deadline": deadline(10).isoformat(),
                      "funeral_grant": "50000", "procedures": "2"}


def test_a_value_not_shown_is_not_stored(client, app, okuyami, db_session):
    number = Applicant(client, app, FORM, answers={**ANSWERS, "insurance": "other"}).submit()
    stored = db_session.scalar(select(Submission).where(Submission.reception_number == number)).computed
    assert set(stored) == {"pension_deadline", "procedures"}


def test_the_done_page_reads_the_stored_values_and_does_not_compute_them_again(client, app, okuyami, db_session):
    applicant = Applicant(client, app, FORM, answers=dict(ANSWERS))
    location = applicant.send().location
    number = location.rsplit("/", 1)[-1]
    # As if the formula had changed after sending: the stored values are what the resident was told.
    db_session.execute(update(Submission).where(Submission.reception_number == number).values(
        computed={"nhi_deadline": "2031-01-02", "funeral_grant": "70000"}))
    db_session.commit()
    done = client.get(location).text
    assert "70,000円" in done and "50,000円" not in done
    assert "2031年1月2日" in _section(done, "あなたに必要な手続き")
    # Not stored: not shown (neither the pension deadline nor the count).
    assert japanese(deadline(10)) not in done
    assert "計算結果" not in done


def test_forged_or_damaged_stored_values_are_not_shown_as_values(client, app, okuyami, db_session):
    applicant = Applicant(client, app, FORM, answers=dict(ANSWERS))
    location = applicant.send().location
    number = location.rsplit("/", 1)[-1]
    db_session.execute(update(Submission).where(Submission.reception_number == number).values(
        computed={"nhi_deadline": "2027-02-30", "funeral_grant": "1e999999", "procedures": "\x07<script>",
                  "pension_deadline": None, "unknown_id": "3"}))
    db_session.commit()
    done = client.get(location)
    assert done.status_code == 200
    # (PostgreSQL refuses a NUL in JSON at all; a control character stands for any damage.)
    assert "<script>" not in done.text and "\x07" not in done.text
    assert "（未確定）" in _section(done.text, "給付額・補助金額の見込み")
    assert "unknown_id" not in done.text
    # An outcome whose deadline could not be read is still listed, without a deadline.
    needed = _section(done.text, "あなたに必要な手続き")
    assert "国民健康保険の資格喪失届" in needed and "期限：" not in needed


def test_the_pages_in_english(client, app, okuyami):
    client.get("/language/en")
    check = Applicant(client, app, FORM, answers=dict(ANSWERS)).apply()
    needed = _section(check.text, "What you need to do")
    assert "Health insurance notice" in needed
    assert f"Deadline: {deadline(14).day} {deadline(14):%B %Y}" in needed
    assert "50,000 yen" in _section(check.text, "Benefit or subsidy (estimate)")
