"""The work a staff member starts from the queue and collects later (a batch of records, an
archive PDF, a long CSV export): its page's progress and its file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from formsvc.jobs.models import Job, JobFile

KINDS = ("print_batch", "print_archive", "export_csv")
ACCESS_ACTIONS = {"print_batch": "pdf_batch", "print_archive": "pdf_archive", "export_csv": "csv"}


@dataclass(frozen=True)
class Progress:
    state: str  # waiting, joining, done, refused (done without a file), failed
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.state == "done" else min(99, self.done * 100 // max(self.total, 1))


def progress_of(job: Job) -> Progress:
    if job.state == "done" and job.payload.get("unencodable"):
        return Progress("refused", job.progress_done, job.progress_total)
    if job.state in ("done", "failed"):
        return Progress(job.state, job.progress_done, job.progress_total)
    if job.kind == "print_batch" and job.state != "waiting":
        return Progress("joining", job.progress_done, job.progress_total)  # laid out; being joined
    return Progress("waiting", job.progress_done, job.progress_total)


def result_of(session: Session, job: Job) -> JobFile | None:
    return session.get(JobFile, (job.id, "result")) if job.state == "done" else None
