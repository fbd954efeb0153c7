"""/staff/dashboard: the 集計 figures, their CSV downloads and the paper application counts.

Aggregates only: no page here shows a resident or an application, so nothing is access-logged;
the figures are for administrators and managers (管理職), and only administrators type in the
paper counts.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from formsvc import clock
from formsvc.dashboard import report, rollups
from formsvc.dashboard.models import PaperCount
from formsvc.dashboard.periods import month_label, parse_month, parse_period
from formsvc.db import session as db_session
from formsvc.forms.catalog import staff_facing
from formsvc.review.export import formula_safe
from formsvc.staff import menu, roles
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.tenants.context import current_tenant_id

blueprint = Blueprint("dashboard", __name__, url_prefix="/staff/dashboard")

VIEWERS = (roles.ADMIN, roles.MANAGER)
PAPER_EDITORS = (roles.ADMIN,)
MAX_PAPER_COUNT = 999_999

menu.add_entry(blueprint, "dashboard.index", ("集計", "Statistics"), VIEWERS)


class Scope:
    """What the query string asks for: the period, the department, and the procedures in it."""

    def __init__(self, args: Mapping[str, str]):
        self.period, self.errors = parse_period(args, clock.today())
        everything = [report.Procedure(form_id, compiled.definition.title.ja, compiled.definition.department.name.ja,
                                       compiled.definition)
                      for form_id, compiled in staff_facing(db_session()).items()]
        self.departments = sorted({p.department for p in everything})
        self.department = unicodedata.normalize("NFC", args.get("department", "")).strip()
        if self.department and self.department not in self.departments:
            self.errors["department"] = "＊部署は一覧から選んでください"
            self.department = ""
        self.procedures = [p for p in everything if not self.department or p.department == self.department]
        self.all_procedures = everything

    def department_options(self, everyone: str) -> list[dict[str, str]]:
        return [{"value": "", "label": everyone}, *({"value": d, "label": d} for d in self.departments)]

    def procedure_options(self) -> list[dict[str, str]]:
        return [{"value": p.form_id, "label": p.title} for p in self.all_procedures]

    def args(self) -> dict[str, Any]:
        kept = {"from": self.period.first, "to": self.period.last}
        if self.department:
            kept["department"] = self.department
        return kept


def _summary(errors: Mapping[str, str]) -> list[tuple[str, str]]:
    targets = {"from": "from", "to": "to", "department": "department"}
    return [(message, targets[key]) for key, message in errors.items()]


@blueprint.get("")
@require_role(*VIEWERS)
def index():
    scope = Scope(request.args)
    figures = _figures(scope)
    return render_template("dashboard/index.html", scope=scope, figures=figures,
                           errors=_summary(scope.errors), can_edit_paper=signed_in_staff().has_role(*PAPER_EDITORS)), \
        400 if scope.errors else 200


@blueprint.get("/<figure_id>.csv")
@require_role(*VIEWERS)
def download(figure_id: str):
    scope = Scope(request.args)
    if scope.errors:
        abort(400)
    figure = next((f for f in _figures(scope) if f.id == figure_id), None)
    if figure is None or figure.csv is None:
        abort(404)
    headers, rows = figure.csv()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([formula_safe(h) for h in headers])
    writer.writerows([formula_safe(str(cell)) for cell in row] for row in rows)
    name = f"{figure_id}_{scope.period.first}_{scope.period.last}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _figures(scope: Scope) -> list[report.Figure]:
    """The figures, read from rollups brought up to date first (committed at once, so that the
    refresh's lock is not held while the page is built)."""
    rollups.refresh(db_session(), current_tenant_id())  # its own municipality's changes
    db_session().commit()
    return report.build(db_session(), scope.period, scope.procedures, clock.now())


# --- paper applications (紙の申請件数) ------------------------------------------------------------

@blueprint.route("/paper", methods=["GET", "POST"])
@require_role(*PAPER_EDITORS)
def paper():
    scope = Scope(request.args)
    titles = {p.form_id: p.title for p in scope.all_procedures}
    errors: dict[str, str] = {}
    typed = {"form_id": "", "month": "", "count": ""}
    if request.method == "POST":
        typed = {key: unicodedata.normalize("NFKC", request.form.get(key, "")).strip()[:32] for key in typed}
        if typed["form_id"] not in titles:
            errors["form_id"] = "＊手続きを一覧から選んでください"
        month_errors: dict[str, str] = {}
        month = parse_month(typed["month"], "month", "月", month_errors)
        if month is None:
            errors["month"] = month_errors.get("month", "＊月を「2026-04」のように入力してください")
        count = int(typed["count"]) if typed["count"].isascii() and typed["count"].isdigit() else None
        if count is None or count > MAX_PAPER_COUNT:
            errors["count"] = f"＊件数は0から{MAX_PAPER_COUNT:,}までの整数で入力してください"
        if not errors:
            assert month is not None and count is not None
            _save_paper_count(typed["form_id"], month.strftime("%Y-%m"), count)
            flash(f"{titles[typed['form_id']]}の{month_label(month.strftime('%Y-%m'))}の紙の申請件数を"
                  f"{count:,}件にしました", "dashboard")
            return redirect(url_for("dashboard.paper", **scope.args()))
    rows = db_session().scalars(select(PaperCount).where(PaperCount.month.between(scope.period.first,
                                                                                   scope.period.last))
                                .order_by(PaperCount.month.desc(), PaperCount.form_id)).all()
    return render_template("dashboard/paper.html", scope=scope, titles=titles, rows=rows, typed=typed,
                           errors=errors, error_summary=[(m, k) for k, m in errors.items()],
                           month_label=month_label), 400 if errors else 200


def _save_paper_count(form_id: str, month: str, count: int) -> None:
    session = db_session()
    who = signed_in_staff().display_name
    row = session.get(PaperCount, (form_id, month))
    if row is None:
        session.add(PaperCount(form_id=form_id, month=month, count=count, updated_by=who))
    else:
        row.count, row.updated_by = count, who
    session.commit()
