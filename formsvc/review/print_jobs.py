"""Printing as background jobs: a batch of records shared by the workers, and the PDF/A-3 archive.

A batch of N records is one ``print_batch`` job waiting for ⌈N / 20⌉ ``print_chunk`` jobs. Each
chunk, on whichever worker takes it, lays out its records as one tagged document and keeps its
PDF objects unwritten (formsvc.records.batch.Part) as a file of the job; the chunk that completes
the count hands the batch to a worker, which joins the parts in the batch's order into one PDF
(formsvc.records.batch.join_parts). Memory is bounded by a chunk, whatever the batch's size.

The staff member who started it follows it on its page and downloads the PDF there; each
download is written to the access log, as printing was before.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.jobs.models import Job, JobFile
from formsvc.jobs.queue import enqueue, push_after_commit
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext, JobFailed
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission
from formsvc.tenants.resolution import current_tenant

CHUNK_RECORDS = 20  # as formsvc.records.batch: what one worker lays out as one document
PART_MEDIA_TYPE = "application/vnd.formsvc.pdf-part+json"
PDF = "application/pdf"


def start_batch(session: Session, submissions: list[Submission], staff: StaffUser, filename: str) -> Job:
    """The batch's job and its chunks' jobs, in ``session``'s transaction."""
    ids = [submission.id for submission in submissions]
    batch = enqueue(session, "print_batch", {"submission_ids": ids, "printed_at": utcnow().isoformat(),
                                            "filename": filename},
                    requested_by=staff.username, waiting=True, progress_total=len(ids))
    for index, start in enumerate(range(0, len(ids), CHUNK_RECORDS)):
        enqueue(session, "print_chunk", {"index": index, "submission_ids": ids[start:start + CHUNK_RECORDS]},
                requested_by=staff.username, parent_id=batch.id)
    return batch


def start_archive(session: Session, submission: Submission, staff: StaffUser) -> Job:
    return enqueue(session, "print_archive", {"submission_ids": [submission.id],
                                              "filename": f"archive-{submission.reception_number}.pdf"},
                   requested_by=staff.username, progress_total=1)


def _title(count: int) -> str:
    return f"申請受付記録 {count}件（{current_tenant().name}）"


def _submissions(session: Session, ids: list[int]) -> list[Submission]:
    found = {s.id: s for s in session.scalars(select(Submission).where(Submission.id.in_(ids)))}
    missing = [number for number in ids if number not in found]
    if missing:
        raise JobFailed(f"{len(missing)} of the applications to print no longer exist")
    return [found[number] for number in ids]


def _chunk_failed(ctx: JobContext) -> None:
    """A chunk given up for good fails its batch: never a PDF with records missing."""
    ctx.session.execute(update(Job).where(Job.id == ctx.job.parent_id, Job.state.in_(("waiting", "queued")))
                        .values(state="failed", finished_at=utcnow(),
                                error="一部の記録を印刷できなかったため、まとめて印刷できませんでした"))


@kind("print_chunk", label=("記録の印刷（一部）", "Printing records (part)"), on_failed=_chunk_failed)
def print_chunk(ctx: JobContext) -> None:
    from formsvc.records.batch import render_chunk
    from formsvc.records.context import build_record

    session, batch_id = ctx.session, ctx.job.parent_id
    assert batch_id is not None, "a chunk is always made with its batch"
    batch = session.get(Job, batch_id)
    if batch is None or batch.state not in ("waiting",):
        return  # the batch failed or was removed meanwhile: nothing to add to it
    ids = ctx.payload["submission_ids"]
    printed_at = datetime.fromisoformat(batch.payload["printed_at"])
    municipality = current_tenant().name
    views = [build_record(session, submission, municipality, printed_at) for submission in _submissions(session, ids)]
    ctx.save_file("part", PART_MEDIA_TYPE, encode_part(render_chunk(views, _title(batch.progress_total))))
    # Counted on the batch in this chunk's own transaction (undone with it if it does not finish);
    # the batch's row lock makes chunks finishing together count one after the other.
    done, total = session.execute(update(Job).where(Job.id == batch_id)
                                  .values(progress_done=Job.progress_done + len(ids))
                                  .returning(Job.progress_done, Job.progress_total)).one()
    if done >= total:
        session.execute(update(Job).where(Job.id == batch_id, Job.state == "waiting")
                        .values(state="queued", not_before=utcnow(), pushed_at=utcnow()))
        push_after_commit(session, batch_id)


@kind("print_batch", label=("記録の一括印刷", "Printing records"))
def print_batch(ctx: JobContext) -> None:
    from formsvc.records.batch import join_parts

    session = ctx.session
    chunks = session.scalars(select(Job).where(Job.parent_id == ctx.job.id).order_by(Job.id)).all()
    files = {file.job_id: file for file in session.scalars(
        select(JobFile).where(JobFile.job_id.in_([chunk.id for chunk in chunks]), JobFile.name == "part"))}
    if len(files) != len(chunks):
        raise JobFailed(f"{len(chunks) - len(files)} parts of the batch are missing")
    ctx.save_file("result", PDF, join_parts([decode_part(files[chunk.id].content) for chunk in chunks]))
    session.execute(delete(JobFile).where(JobFile.job_id.in_(list(files))))  # the parts served their turn


@kind("print_archive", label=("保存用PDF（PDF/A-3）の作成", "Making the archive PDF (PDF/A-3)"))
def print_archive(ctx: JobContext) -> None:
    from formsvc.records import render_archive

    (submission,) = _submissions(ctx.session, ctx.payload["submission_ids"])
    ctx.save_file("result", PDF, render_archive(ctx.session, submission, current_tenant().name))


# --- a part as a file: JSON, so that nothing but numbers and bytes is ever read back -----------

def encode_part(part) -> bytes:
    def text(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return json.dumps({"objects": [[number, text(head), text(body)] for number, head, body in part.objects],
                       "catalog": part.catalog, "info": text(part.info)}, separators=(",", ":")).encode("ascii")


def decode_part(content: bytes):
    from formsvc.records.batch import Part

    data = json.loads(content)
    objects = [(int(number), base64.b64decode(head), base64.b64decode(body)) for number, head, body in data["objects"]]
    return Part(objects, int(data["catalog"]), base64.b64decode(data["info"]))
