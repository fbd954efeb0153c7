"""The resident's 控え (copy of what was sent) as a tagged PDF, from the done page.

The same record as staff print (``context.build_record``: the definition version used, conditions
as on the day it was sent, a 個人番号 masked), through a template of its own that leaves out what is
for staff only: the processing history with staff names, the counter's notes, the status and the
authentication level. Attached files are listed by name, never printed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from formsvc.records.context import build_record
from formsvc.records.pdf import RECORD_VARIANT, _Renderer
from formsvc.submissions.models import Submission

TEMPLATE = "resident_copy.html"


def render_resident_copy(session: Session, submission: Submission, municipality: str) -> bytes:
    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    return renderer.write(renderer.document(build_record(session, submission, municipality), TEMPLATE))
