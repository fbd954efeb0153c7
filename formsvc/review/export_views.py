"""The CSV export's pages: the options page, the download, and the report of characters
Shift_JIS cannot hold. The routes and their roles are declared in ``views`` (review blueprint);
these functions do the work.

The download streams: submissions are loaded some hundreds at a time while the file is written,
so memory does not grow with the export. A Shift_JIS download reads the rows once more, before
sending anything, to find characters the encoding lacks (``export_encoding``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.db import session as db_session
from formsvc.fields.file import content_disposition
from formsvc.forms.catalog import version_by_id
from formsvc.forms.models import FormVersion
from formsvc.review import export, export_options, queries
from formsvc.review import payments as review_payments
from formsvc.review.audit import record_access
from formsvc.review.export_encoding import check, encoded
from formsvc.staff.auth import signed_in_staff
from formsvc.submissions.identification import counter_facts
from formsvc.submissions.models import Submission

CHUNK = 500
CHARSETS = {"cp932": "Shift_JIS", "utf-8": "utf-8", "utf-8-sig": "utf-8"}
# More applications than this are exported by a worker (formsvc.review.export_jobs): a download
# of a long period would outlast the proxies' timeouts, and hold a web worker for minutes.
IN_PAGE_LIMIT = 5_000


def _filter(args: Mapping[str, str] | None = None):
    session = db_session()
    titles = queries.procedure_titles(session)
    return queries.parse_filter(request.args if args is None else args, set(titles)), titles


def _version(queue_filter: queries.QueueFilter, args: Mapping[str, str] | None = None) -> FormVersion:
    versions = db_session().execute(select(FormVersion).where(FormVersion.form_id == queue_filter.form_id)
                                    .order_by(FormVersion.number)).scalars().all()
    wanted = (request.args if args is None else args).get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), None) if wanted else (
        versions[-1] if versions else None)
    if version is None:
        abort(404)
    return version


def _definition(version: FormVersion):
    # The base definition: the CSV holds online and counter submissions alike, so its columns
    # are every channel's questions (one asked only at the counter is not dropped).
    compiled = version_by_id(db_session(), version.id, channel=None)
    if compiled is None:
        abort(404)
    return compiled.definition


def batches(session: Session, ids: list[int]) -> Iterator[export.Batch]:
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        found = {s.id: s for s in session.scalars(select(Submission).where(Submission.id.in_(part)))}
        rows = [found[i] for i in part if i in found]
        yield export.Batch(rows, counter_facts(session, rows), review_payments.summaries(session, rows))


def csv_rows(session: Session, definition, page, ids: list[int], options: export_options.ExportOptions):
    """The CSV's rows: one per application, or with ``page`` (a repeating page) one per item."""
    if page is None:
        return export.rows(definition, batches(session, ids), options)
    return export.item_rows(definition, page, batches(session, ids), options)


def _refused(queue_filter: queries.QueueFilter):
    # url_for's keyword-only options (_external: bool, …) make mypy check a **dict[str, str]
    # against them; the query values are typed as url_for's own **values: Any.
    if not queue_filter.form_id:
        query: dict[str, Any] = queue_filter.args()
        return redirect(url_for("review.queue", notice="csv_needs_form", **query))
    # The first value of each key, as unpacking the MultiDict itself gave.
    current: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("review.queue", **current))


def options_page():
    """「CSVの出力形式」: a GET form whose answers go to the download (no JavaScript)."""
    queue_filter, titles = _filter()
    if not queue_filter.form_id or queue_filter.errors:
        return _refused(queue_filter)
    version = _version(queue_filter)
    definition = _definition(version)
    user = signed_in_staff()
    count = db_session().scalar(select(func.count(Submission.id)).where(
        Submission.status.in_(queue_filter.statuses()), *queue_filter.conditions(user.id),
        Submission.version_id == version.id)) or 0
    options = export_options.parse(request.args, bare=export_options.ExportOptions())
    return render_template(
        "review/export.html", title=titles.get(queue_filter.form_id, queue_filter.form_id), version=version,
        count=count, as_job=count > IN_PAGE_LIMIT, options=options, choices=export_options.CHOICES,
        legends=export_options.LEGENDS,
        hidden={**queue_filter.args(), "version": str(version.number),
                # 〓 chosen on a report (a job's page): kept through this page to the file.
                **({"unencodable": export_options.REPLACE} if options.replaces else {})},
        repeat_pages=export.repeat_pages(definition), queue_args=queue_filter.args())


def download():
    session = db_session()
    user = signed_in_staff()
    queue_filter, titles = _filter()
    if not queue_filter.form_id or queue_filter.errors:
        return _refused(queue_filter)
    version = _version(queue_filter)
    definition = _definition(version)
    options = export_options.parse(request.args)
    file = request.args.get("file") or ""
    page = next((p for p in export.repeat_pages(definition) if p.id == file), None)
    if file and page is None:
        abort(404)
    ids = queries.all_matching_ids(session, queue_filter, user.id, [Submission.version_id == version.id])
    if len(ids) > IN_PAGE_LIMIT:  # the options page offers it as a job instead
        chosen: dict[str, Any] = request.args.to_dict()
        return redirect(url_for("review.export_options", **chosen))

    def produce():
        return csv_rows(session, definition, page, ids, options)

    detail = f"{queue_filter.form_id} v{version.number}" + (f" {page.id}" if page else "")
    report = check(produce(), options)
    back: dict[str, Any] = {**queue_filter.args(), "version": str(version.number), **options.args()}
    if report:
        # The page names 受付番号 and the characters themselves: a look at personal data.
        record_access(session, "csv", ids, staff=user, detail=f"{detail} 文字コードの確認")
        session.commit()
        file_arg: dict[str, Any] = {"file": page.id} if page else {}
        return render_template(
            "review/export_check.html", report=report, title=titles.get(queue_filter.form_id, ""),
            version=version, page=page, display_number=_display_number,
            replace_url=url_for("review.export_csv", **back, **file_arg,
                                unencodable=export_options.REPLACE),
            back_url=url_for("review.export_options", **back))
    record_access(session, "csv", ids, staff=user, detail=detail)
    session.commit()
    name = f"{queue_filter.form_id}_v{version.number}{'_' + page.id if page else ''}_{clock.now():%Y%m%d-%H%M}.csv"
    response = Response(stream_with_context(encoded(produce(), options)),
                        mimetype="text/csv")
    response.headers["Content-Type"] = f"text/csv; charset={CHARSETS[options.encoding]}"
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


def start_job():
    """「CSVを作成する」 for a long period: the same choices, made into a file by a worker."""
    from formsvc.review import export_jobs

    args = {name: value for name, value in request.form.items() if name != "csrf_token"}
    queue_filter, _titles = _filter(args)
    if not queue_filter.form_id or queue_filter.errors:
        return _refused(queue_filter)
    version = _version(queue_filter, args)
    definition = _definition(version)
    file = args.get("file") or ""
    page = next((p for p in export.repeat_pages(definition) if p.id == file), None)
    if file and page is None:
        abort(404)
    name = f"{queue_filter.form_id}_v{version.number}{'_' + page.id if page else ''}_{clock.now():%Y%m%d-%H%M}.csv"
    # The job keeps the choices as read, not the form as sent: known names, bounded values.
    chosen = {**queue_filter.args(), "version": str(version.number), **export_options.parse(args).args(),
              **({"file": page.id} if page else {})}
    job = export_jobs.start(db_session(), signed_in_staff(), chosen, version, name,
                            detail=f"{queue_filter.form_id} v{version.number}" + (f" {page.id}" if page else ""))
    db_session().commit()
    return redirect(url_for("review.queue_job", job_id=job.id, back=url_for("review.queue", **queue_filter.args())))


def _display_number(number: str) -> str:
    return number or "（見出し行）"
