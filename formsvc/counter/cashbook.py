"""The counter's 収納日計: every fee taken at the counter on one Japan-time day, and the refunds
paid back that day, totalled per procedure, per method and per clerk, so that a cashier can
reconcile the till and the cashless terminal's journal at closing time.

The day is a Japanese date; payments store UTC moments (``Payment.paid_at``), so the day is the
half-open range [00:00, next 00:00) in Japan time, converted to UTC for the query.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from formsvc.clock import JST
from formsvc.forms.catalog import version_by_id
from formsvc.payments import models as pay
from formsvc.payments.status import METHOD_LABELS
from formsvc.review.export import clean, formula_safe
from formsvc.staff.models import StaffUser
from formsvc.submissions import reception
from formsvc.submissions.models import Submission

EARLIEST = date(2000, 1, 1)  # no counter existed before; a day before this is a typing error


class BadDay(ValueError):
    """The ``day`` asked for is not a date the cashbook can show; ``str(e)`` says why, in Japanese."""


def parse_day(text: str | None, today: date) -> date:
    """YYYY-MM-DD (today when absent). Anything else, or a day after today, is a BadDay."""
    if text is None or text == "":
        return today
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise BadDay("日付は「2026-04-01」のように、年-月-日の形で指定してください") from None
    if day < EARLIEST:
        raise BadDay(f"{EARLIEST.year}年1月1日以降の日付を指定してください")
    if day > today:
        raise BadDay("今日より後の日付の収納日計はありません。今日までの日付を指定してください")
    return day


def day_range(day: date) -> tuple[datetime, datetime]:
    """The Japan-time day as [start, end) moments in UTC: the column stores UTC, and SQLite
    compares the stored text, so a bound moment must be in UTC too."""
    start = datetime.combine(day, time(0), tzinfo=JST)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


@dataclass(frozen=True)
class Line:
    """One payment taken, or one refund paid back."""

    moment: datetime
    reception_number: str
    procedure: str
    method: str
    amount: int
    clerk: str
    reference: str

    @property
    def time_text(self) -> str:
        return f"{self.moment.astimezone(JST):%H:%M}"

    @property
    def reception_display(self) -> str:
        return reception.display(self.reception_number) if self.reception_number else "—"


@dataclass
class Total:
    label: str
    count: int = 0
    amount: int = 0


@dataclass
class Cashbook:
    day: date
    payments: list[Line] = field(default_factory=list)
    refunds: list[Line] = field(default_factory=list)

    @staticmethod
    def _totals(lines: list[Line], key) -> list[Total]:
        totals: dict[str, Total] = {}
        for line in lines:
            total = totals.setdefault(key(line), Total(key(line)))
            total.count += 1
            total.amount += line.amount
        return sorted(totals.values(), key=lambda total: (-total.amount, total.label))

    @property
    def by_procedure(self) -> list[Total]:
        return self._totals(self.payments, lambda line: line.procedure)

    @property
    def by_method(self) -> list[Total]:
        return self._totals(self.payments, lambda line: line.method)

    @property
    def by_clerk(self) -> list[Total]:
        return self._totals(self.payments, lambda line: line.clerk)

    @property
    def refunds_by_method(self) -> list[Total]:
        return self._totals(self.refunds, lambda line: line.method)

    @property
    def received_total(self) -> int:
        return sum(line.amount for line in self.payments)

    @property
    def refunded_total(self) -> int:
        return sum(line.amount for line in self.refunds)

    @property
    def net_total(self) -> int:
        """What the counter holds for the day: taken, less what was paid back."""
        return self.received_total - self.refunded_total


def cashbook(session: Session, day: date) -> Cashbook:
    """The counter's payments and refunds of ``day`` (Japan time), in time order."""
    start, end = day_range(day)
    paid = session.scalars(select(pay.Payment).where(
        pay.Payment.channel == pay.COUNTER, pay.Payment.status == pay.SUCCESS,
        pay.Payment.paid_at >= start, pay.Payment.paid_at < end).order_by(pay.Payment.paid_at, pay.Payment.id)).all()
    refunded = session.scalars(select(pay.Payment).where(and_(
        pay.Payment.channel == pay.COUNTER, pay.Payment.refund_status == pay.REFUNDED,
        pay.Payment.refunded_at >= start, pay.Payment.refunded_at < end))
        .order_by(pay.Payment.refunded_at, pay.Payment.id)).all()
    names = _Names(session)
    book = Cashbook(day)
    for payment in paid:
        assert payment.paid_at is not None  # selected on it
        book.payments.append(names.line(payment, payment.paid_at, payment.staff_id))
    for payment in refunded:
        assert payment.refunded_at is not None
        book.refunds.append(names.line(payment, payment.refunded_at, payment.refunded_by_id))
    return book


class _Names:
    """Reception numbers, procedure titles and clerks' names, each read once per cashbook."""

    def __init__(self, session: Session):
        self.session = session
        self.staff: dict[int | None, str] = {None: "（不明）"}
        self.submissions: dict[int | None, Submission | None] = {None: None}
        self.titles: dict[int, str] = {}

    def clerk(self, staff_id: int | None) -> str:
        if staff_id not in self.staff:
            user = self.session.get(StaffUser, staff_id)
            self.staff[staff_id] = user.display_name if user is not None else "（削除された職員）"
        return self.staff[staff_id]

    def submission(self, submission_id: int | None) -> Submission | None:
        if submission_id not in self.submissions:
            self.submissions[submission_id] = self.session.get(Submission, submission_id)
        return self.submissions[submission_id]

    def title(self, payment: pay.Payment, submission: Submission | None) -> str:
        if submission is None:
            return payment.form_id
        if submission.version_id not in self.titles:
            compiled = version_by_id(self.session, submission.version_id)
            self.titles[submission.version_id] = compiled.definition.title.ja if compiled else submission.form_id
        return self.titles[submission.version_id]

    def line(self, payment: pay.Payment, moment: datetime, staff_id: int | None) -> Line:
        submission = self.submission(payment.submission_id)
        return Line(moment=moment, reception_number=submission.reception_number if submission else "",
                    procedure=self.title(payment, submission),
                    method=METHOD_LABELS.get(payment.method or "", payment.method or "（不明）"),
                    amount=int(payment.amount), clerk=self.clerk(staff_id), reference=payment.reference)


CSV_HEADERS = ("区分", "日時", "受付番号", "手続き", "方法", "金額", "職員", "収納番号")


def write_csv(book: Cashbook, bom: bool = True) -> bytes:
    """The day's payments and refunds, one row each (refunds as negative amounts), then the
    totals: UTF-8 (with a BOM for Excel, like the staff CSV), CRLF, formula-safe cells."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    rows = [("収納", line, line.amount) for line in book.payments] + [("返金", line, -line.amount)
                                                                     for line in book.refunds]
    for kind, line, amount in rows:
        when = f"{line.moment.astimezone(JST):%Y-%m-%d %H:%M}"
        writer.writerow([formula_safe(clean(value)) for value in (
            kind, when, line.reception_display, line.procedure, line.method, amount, line.clerk, line.reference)])
    writer.writerow([])
    writer.writerow(["集計", "区分", "項目", "件数", "金額"])
    for heading, totals in (("手続き別", book.by_procedure), ("方法別", book.by_method),
                            ("職員別", book.by_clerk), ("返金（方法別）", book.refunds_by_method)):
        for total in totals:
            writer.writerow([formula_safe(clean(value)) for value in (
                "", heading, total.label, total.count, -total.amount if heading.startswith("返金") else total.amount)])
    writer.writerow(["", "合計", "収納合計", len(book.payments), book.received_total])
    writer.writerow(["", "合計", "返金合計", len(book.refunds), -book.refunded_total])
    writer.writerow(["", "合計", "差引合計", "", book.net_total])
    return buffer.getvalue().encode("utf-8")
