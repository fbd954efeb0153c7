"""Where unfinished online applications stopped, counted before expired drafts are deleted.

The 集計 dashboard shows drop-off per page (離脱). Drafts are personal data deleted once they
expire (formsvc.submissions.drafts.purge_expired), so each is counted here first, by the first
page the resident was asked and had not completed — the page they left on — or ``check`` when
every page was done and only 送信 was missing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.clock import JST
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.submissions.channels import ONLINE
from formsvc.submissions.models import Draft, DraftAbandonment


def month_of(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m")


def stopped_at(definition: FormDefinition, draft: Draft) -> str:
    """The page the resident left on (the flow as it was on the day they started)."""
    flow = Flow(definition, Answers.from_json(draft.answers), draft.created_at.astimezone(JST).date())
    return flow.first_unfinished_page_id(draft.completed_pages or [])


def abandoned(session: Session, expired_before: datetime) -> Counter[tuple[str, str, str]]:
    """(form id, month started, page) → how many online drafts expired there unsent."""
    counts: Counter[tuple[str, str, str]] = Counter()
    drafts = session.scalars(select(Draft).where(
        Draft.expires_at <= expired_before, Draft.submitted_at.is_(None), Draft.correction_of.is_(None),
        Draft.channel == ONLINE, Draft.version_id.is_not(None)).execution_options(yield_per=500))
    for draft in drafts:
        compiled = version_by_id(session, draft.version_id, ONLINE) if draft.version_id is not None else None
        if compiled is not None:
            counts[(draft.form_id, month_of(draft.created_at), stopped_at(compiled.definition, draft))] += 1
    return counts


def add_to_tally(session: Session, counts: Counter[tuple[str, str, str]]) -> None:
    """Add ``counts`` to the kept tally (in the caller's transaction)."""
    for (form_id, month, page_id), count in counts.items():
        row = session.get(DraftAbandonment, (form_id, month, page_id))
        if row is None:
            session.add(DraftAbandonment(form_id=form_id, month=month, page_id=page_id, count=count))
        else:
            row.count += count
    session.flush()
