"""A CSV export of a long period, made by a worker (formsvc.jobs) with the choices of the options
page; its page (the queue job page) offers the file when it is ready.

The job reads the applications as the staff member who started it sees them (the same filter,
the same "mine" and department scope) at the time it runs. When Shift_JIS cannot hold some
characters and 〓 was not chosen, it makes no file and says so, as the page does for a download.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from formsvc.forms.catalog import version_by_id
from formsvc.forms.models import FormVersion
from formsvc.jobs.models import Job
from formsvc.jobs.queue import enqueue
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext, JobFailed
from formsvc.review import export, export_options, queries
from formsvc.review.export_encoding import check, encoded
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission

MEDIA_TYPES = {"cp932": "text/csv; charset=Shift_JIS", "utf-8": "text/csv; charset=utf-8",
               "utf-8-sig": "text/csv; charset=utf-8"}


def start(session: Session, staff: StaffUser, args: dict[str, str], version: FormVersion, filename: str,
          detail: str) -> Job:
    return enqueue(session, "export_csv", {"args": args, "staff_id": staff.id, "version_id": version.id,
                                           "filename": filename, "detail": detail},
                   requested_by=staff.username)


# One attempt: a failure is shown on its page at once, and starting again is one press away.
@kind("export_csv", label=("CSVの出力", "CSV export"), max_attempts=1)
def export_csv(ctx: JobContext) -> None:
    from formsvc.review.export_views import csv_rows

    session, payload = ctx.session, ctx.payload
    args = payload["args"]
    queue_filter = queries.parse_filter(args, set(queries.procedure_titles(session)))
    compiled = version_by_id(session, payload["version_id"], channel=None)
    if compiled is None or queue_filter.errors:
        raise JobFailed("the procedure's version or the filter is no longer valid")
    definition = compiled.definition
    options = export_options.parse(args)
    page = next((p for p in export.repeat_pages(definition) if p.id == args.get("file")), None)
    ids = queries.all_matching_ids(session, queue_filter, payload["staff_id"],
                                   [Submission.version_id == payload["version_id"]])

    def produce():
        return csv_rows(session, definition, page, ids, options)

    ctx.job.progress_total = len(ids)
    report = check(produce(), options)
    if report:
        # No file: the page says why and offers 〓 or UTF-8 (as the download's report page does).
        ctx.job.payload = {**payload, "unencodable": report.total,
                           "submission_ids": ids}
        return
    ctx.job.payload = {**payload, "submission_ids": ids}
    ctx.save_file("result", MEDIA_TYPES[options.encoding], b"".join(encoded(produce(), options)))
