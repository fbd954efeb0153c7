"""A counter visit's work: which procedures to offer, starting one, its state, and signing it.

Everything here takes the caller's session and leaves the commit to the caller, so a request
either stores all it changed or nothing.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.applications.completion import Completion, completion
from formsvc.applications.flow import CHECK
from formsvc.clock import today as japan_today
from formsvc.counter import carryover
from formsvc.db import utcnow
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import CompiledForm, all_in_force, version_by_id
from formsvc.japanese.kana import to_katakana
from formsvc.review.names import name_text
from formsvc.staff.models import StaffUser
from formsvc.submissions.drafts import draft_lifetime
from formsvc.submissions.models import CounterVisit, Draft, Submission
from formsvc.submissions.service import submit

CHANNEL = "counter"
POPULAR_DAYS = 90


# --- choosing a procedure ---------------------------------------------------------------------

def _searchable(text: str) -> str:
    return to_katakana(unicodedata.normalize("NFKC", text)).lower()


def matches(compiled: CompiledForm, query: str) -> bool:
    """Every word of ``query`` is in the title, description, department or id (ひらがな finds カタカナ)."""
    d = compiled.definition
    haystack = _searchable(" ".join(filter(None, [d.title.ja, d.title.en, d.description.ja, d.description.en,
                                                  d.department.name.ja, d.id])))
    return all(_searchable(word) in haystack for word in query.split())


def counter_use(session: Session, since_days: int = POPULAR_DAYS) -> dict[str, int]:
    """How often each procedure was entered at the counter lately: counter submissions plus
    counter applications still in progress (a submitted draft is counted once, as a submission)."""
    since = utcnow() - timedelta(days=since_days)
    counts: dict[str, int] = {}
    submitted = session.execute(select(Submission.form_id, func.count()).where(
        Submission.channel == CHANNEL, Submission.created_at >= since).group_by(Submission.form_id))
    in_progress = session.execute(select(Draft.form_id, func.count()).where(
        Draft.channel == CHANNEL, Draft.submitted_at.is_(None), Draft.created_at >= since).group_by(Draft.form_id))
    for form_id, count in [*submitted, *in_progress]:
        counts[form_id] = counts.get(form_id, 0) + count
    return counts


def procedures(session: Session, query: str = "") -> list[tuple[CompiledForm, int]]:
    """Procedures open today (受付期間, as online) matching ``query``, most used at the counter
    first, then by title."""
    use = counter_use(session)
    found = [compiled for compiled in all_in_force(session, japan_today()) if not query or matches(compiled, query)]
    found.sort(key=lambda compiled: (-use.get(compiled.id, 0), compiled.definition.title.ja))
    return [(compiled, use.get(compiled.id, 0)) for compiled in found]


# --- a visit's procedures ---------------------------------------------------------------------

IN_PROGRESS, AWAITING_SIGNATURE, ENDED_BY_EXIT, RECEIVED = "in_progress", "awaiting_signature", "exit", "received"
STATE_LABELS = {
    IN_PROGRESS: "入力中",
    AWAITING_SIGNATURE: "署名待ち",
    ENDED_BY_EXIT: "対象外（案内のページで終了）",
    RECEIVED: "受付済み",
}


@dataclass
class Procedure:
    draft: Draft
    compiled: CompiledForm
    completion: Completion | None  # None once received
    submission: Submission | None

    @property
    def state(self) -> str:
        if self.submission is not None or self.completion is None:
            return RECEIVED
        if self.completion.exit_page is not None:
            return ENDED_BY_EXIT
        return AWAITING_SIGNATURE if self.completion.ready else IN_PROGRESS

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def title(self) -> str:
        return self.compiled.definition.title.ja

    @property
    def resume_page_id(self) -> str:
        """The page to continue on: the first unanswered one, the exit page, or CHECK."""
        if self.completion is None:
            return CHECK  # received: nothing to continue, its check page says so
        if self.completion.exit_page is not None:
            return self.completion.exit_page.id
        if self.completion.unfinished_page_id is not None:
            return self.completion.unfinished_page_id
        if self.completion.broken_rules:
            return self.completion.broken_rules[0][0].id
        return CHECK


def visit_procedures(session: Session, visit: CounterVisit, today: date) -> list[Procedure]:
    """The procedures entered in the visit, in the order they were started."""
    drafts = session.scalars(select(Draft).where(Draft.visit_id == visit.id, Draft.channel == CHANNEL)
                             .order_by(Draft.created_at, Draft.id)).all()
    submissions = {s.draft_id: s for s in session.scalars(
        select(Submission).where(Submission.draft_id.in_([d.id for d in drafts])))} if drafts else {}
    result = []
    now = utcnow()
    for draft in drafts:
        compiled = (version_by_id(session, draft.version_id, draft.channel)
                    if draft.version_id is not None else None)
        submission = submissions.get(draft.id)
        if compiled is None or (submission is None and draft.expires_at <= now):
            continue  # an unfinished application kept past its lifetime is gone (formsvc purge-drafts)
        done = None if submission is not None else completion_of(compiled.definition, draft, today)
        result.append(Procedure(draft, compiled, done, submission))
    return result


def completion_of(definition: FormDefinition, draft: Draft, today: date) -> Completion:
    """Where the counter application ``draft`` stands: ready to sign, or what is still to do
    (asked as the counter asks it: formsvc.definitions.channels)."""
    return completion(definition.for_channel(draft.channel), Answers.from_json(draft.answers),
                      draft.completed_pages, today)


def open_draft(session: Session, visit: CounterVisit, form_id: str) -> Draft | None:
    """The procedure's application in progress in this visit (the newest), if any."""
    return session.scalar(select(Draft).where(
        Draft.channel == CHANNEL, Draft.visit_id == visit.id, Draft.form_id == form_id,
        Draft.submitted_at.is_(None)).order_by(Draft.created_at.desc(), Draft.id.desc()).limit(1))


def start_procedure(session: Session, visit: CounterVisit, compiled: CompiledForm, staff: StaffUser,
                    today: date) -> Draft:
    """A counter application of ``compiled`` for the visit's resident, their shared details filled in."""
    compiled = compiled.for_channel(CHANNEL)  # the counter's questions are the ones prefilled
    draft = Draft(
        token=secrets.token_urlsafe(32),
        form_id=compiled.id,
        version_id=compiled.version_id,
        channel=CHANNEL,
        staff_id=staff.id,
        visit_id=visit.id,
        answers=carryover.prefilled(compiled.definition, visit.shared or {}, today).to_json(),
        completed_pages=[],
        locale="ja",
        expires_at=utcnow() + draft_lifetime(owned=True),
    )
    session.add(draft)
    session.flush()
    return draft


def sign(session: Session, visit: CounterVisit, draft: Draft, compiled: CompiledForm, ready: Completion,
         staff: StaffUser, today: date) -> Submission:
    """The resident has signed the printout: the counter submission, its audit event naming the
    staff member and the resident, and the visit's shared details brought up to date.

    Raises AlreadySubmitted (formsvc.submissions.service) when the draft was used already.
    """
    entered_by = session.get(StaffUser, draft.staff_id) if draft.staff_id else None
    submission = submit(session, draft, ready.answers, ready.fee, channel=CHANNEL, actor=f"staff:{staff.username}",
                        entered_by_id=draft.staff_id or staff.id, identification=visit.identification,
                        visit_id=visit.id, signed_at=utcnow(), event_data={
                            "staff_username": staff.username,
                            "staff_name": staff.display_name,
                            "entered_by_username": (entered_by or staff).username,
                            "entered_by_name": (entered_by or staff).display_name,
                            "resident_name": resident_name(compiled, ready.answers, visit),
                            "identification": visit.identification,
                            "identity_documents": visit.identity_documents,
                        },
                        # A fee at the counter is always taken there (収納) before the decision.
                        payment_required=ready.fee is not None and ready.fee > 0)
    visit.shared = carryover.collected(compiled.definition, ready.answers, visit.shared or {}, today)
    return submission


def resident_name(compiled: CompiledForm, answers: Answers, visit: CounterVisit) -> str | None:
    """The applicant: the resident identified at the counter (the visit's name, from the card or
    the documents shown). The answers can name someone else — 山田太郎 asking for his wife's
    住民票 gives her name to the question the card's name would fill — so they are only the
    fallback, for a visit whose name was never recorded."""
    name = name_text((visit.shared or {}).get("name"), katakana=False)
    if name:
        return name
    for spec in carryover.targets(compiled.definition).get("name", []):
        name = name_text(answers.answer(spec.id), katakana=False)
        if name:
            return name
    return None


def fee_text(fee: Decimal | None) -> str:
    return "なし" if fee is None else f"{int(fee):,}円"
