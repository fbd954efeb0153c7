"""Failed jobs (dead letters) for administrators: what failed, why, and 「もう一度実行」."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from formsvc.db import session as db_session
from formsvc.i18n import t
from formsvc.jobs import runner
from formsvc.jobs.models import STATES, Job
from formsvc.jobs.registry import KINDS
from formsvc.staff import menu
from formsvc.staff.auth import require_role
from formsvc.staff.roles import ADMIN

blueprint = Blueprint("jobs", __name__, url_prefix="/staff/jobs")
menu.add_entry(blueprint, "jobs.failed_jobs", ("バックグラウンド処理", "Background jobs"), (ADMIN,))

SHOWN = 100


@blueprint.get("/")
@require_role(ADMIN)
def failed_jobs():
    session = db_session()
    counts = dict(session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
    failed = session.scalars(select(Job).where(Job.state == "failed")
                             .order_by(Job.finished_at.desc(), Job.id.desc()).limit(SHOWN)).all()
    labels = {name: t(kind.label_ja, kind.label_en) for name, kind in KINDS.items()}
    return render_template("jobs/failed.html", counts=[(state, counts.get(state, 0)) for state in STATES],
                           failed=failed, labels=labels, shown=SHOWN)


@blueprint.post("/<id:job_id>/retry")
@require_role(ADMIN)
def retry_job(job_id: int):
    job = db_session().get(Job, job_id)
    if job is None or job.state != "failed":
        abort(404)
    runner.retry(db_session(), job)
    db_session().commit()
    flash(t(f"ジョブ {job.id} をもう一度実行します", f"Job {job.id} will run again"))
    return redirect(url_for("jobs.failed_jobs"))
