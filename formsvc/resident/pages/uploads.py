"""Files attached on a page of questions: stored once the page is accepted, removed by the
削除 button beside them.

Until the page is accepted, a new file is a pending entry of the answers
(formsvc.fields.file.pending_upload): the request's file, named by its id.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable
from typing import Any

from werkzeug.datastructures import FileStorage
from wtforms import Form

from formsvc.applications.answers import Answers
from formsvc.db import session as db_session
from formsvc.fields import FieldSpec
from formsvc.fields.file import MEDIA_TYPES, clean_filename, identify
from formsvc.submissions import storage
from formsvc.submissions.models import Draft, Upload


def answers_on_page(answers: Answers, page_id: str, item_index: int | None,
                    parent_index: int | None = None) -> dict[str, Any]:
    """The answers of an ordinary page (item_index None) or of one item of a repeating page
    (of a nested one: under parent item ``parent_index``), to change in place ({} for an item
    not there)."""
    if item_index is None:
        return answers.fields
    items = answers.items.get(page_id, [])
    if parent_index is not None:
        items = items[parent_index] if 0 <= parent_index < len(items) and isinstance(items[parent_index], list) \
            else []
    return items[item_index] if item_index < len(items) else {}


def store_uploads(draft: Draft, form: Form, specs: Iterable[FieldSpec], answers: dict[str, Any]) -> None:
    """Save the page's new files as Upload rows and put their tokens in ``answers`` (the
    page's, from answers_on_page) in place of the pending entries."""
    for spec in specs:
        if not spec.receives_uploads or spec.id not in answers:
            continue
        new_files = {id(v): v for v in form[spec.id].data or [] if isinstance(v, FileStorage)}
        stored = []
        for entry in answers[spec.id]:
            if "pending" not in entry:
                stored.append(entry)
                continue
            upload = new_files[entry["pending"]]
            upload.stream.seek(0)
            content = upload.stream.read()
            # Identified again from the bytes stored (the page checked the same bytes, pictures
            # included, so they are not decoded a second time).
            kind = identify(io.BytesIO(content), check_images=False).kind
            if kind is None:
                raise ValueError("a file the page accepted is of no accepted kind")
            row = Upload(token=secrets.token_urlsafe(24), draft_id=draft.id,
                         field_id=spec.id, filename=clean_filename(upload.filename),
                         content_type=MEDIA_TYPES[kind], size=len(content),
                         sha256=hashlib.sha256(content).hexdigest())
            storage.store_bytes(db_session(), row, content)  # FORMSVC_UPLOAD_STORAGE
            db_session().add(row)
            stored.append({"upload": row.token, "filename": row.filename,
                           "content_type": row.content_type, "size": row.size})
        answers[spec.id] = stored


def remove_upload(answers: dict[str, Any], spec: FieldSpec, token: str) -> bool:
    """Take the file ``token`` out of ``spec``'s answer in ``answers`` (the page's, from
    answers_on_page); whether there was an answer to change."""
    if not spec.receives_uploads or spec.id not in answers:
        return False
    remaining = [entry for entry in answers[spec.id] if entry.get("upload") != token]
    if remaining:
        answers[spec.id] = remaining
    else:
        del answers[spec.id]
    return True
