"""収納日計: the counter's fees and refunds of one day, on a page (printable) and as CSV."""

from __future__ import annotations

import io

from flask import render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from formsvc.clock import now, today
from formsvc.counter.cashbook import BadDay, cashbook, parse_day, write_csv
from formsvc.counter.views.blueprint import COUNTER, blueprint
from formsvc.db import session as db_session
from formsvc.records.context import japan_date
from formsvc.staff.auth import require_role


@blueprint.get("/cashbook")
@require_role(COUNTER)
def cashbook_page() -> ResponseReturnValue:
    typed = request.args.get("day", "")[:40]
    try:
        day = parse_day(typed, today())
    except BadDay as bad:
        return render_template("counter/cashbook.html", book=None, day_text=typed, error=str(bad),
                               error_summary=[(str(bad), "day")]), 400
    book = cashbook(db_session(), day)
    return render_template("counter/cashbook.html", book=book, day_text=day.isoformat(), error=None,
                           error_summary=[], day_label=japan_date(day), made_at=now(),
                           csv_url=url_for("counter.cashbook_csv", day=day.isoformat()))


@blueprint.get("/cashbook.csv")
@require_role(COUNTER)
def cashbook_csv() -> ResponseReturnValue:
    try:
        day = parse_day(request.args.get("day", "")[:40], today())
    except BadDay as bad:
        return render_template("counter/cashbook.html", book=None, day_text=request.args.get("day", "")[:40],
                               error=str(bad), error_summary=[(str(bad), "day")]), 400
    content = write_csv(cashbook(db_session(), day))
    response = send_file(io.BytesIO(content), mimetype="text/csv", as_attachment=True,
                         download_name=f"shuno-nikkei_{day:%Y%m%d}.csv", max_age=0)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
