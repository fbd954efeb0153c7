"""The counter's 収納日計: every fee taken at the counter on one Japan-time day, and the refunds
paid back that day, totalled per procedure, per method and per clerk, so that a cashier can
reconcile the till and the cashless terminal's journal at closing time.

The day is a Japanese date; payments store UTC moments (``Payment.paid_at``), so the day is the
half-open range [00:00, next 00:00) in Japan time, converted to UTC for the query.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from formsvc.clock import JST
from formsvc.forms.catalog import published, version_by_id
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
    form_id: str
    procedure: str  # the title of the version applied on
    method: str
    amount: int
    clerk_id: int | None
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
    """What one procedure, method or clerk took and paid back on the day: the till is reconciled
    on the difference (差引), so each group has all three."""

    label: str
    count: int = 0  # fees taken
    amount: int = 0
    refund_count: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.amount - self.refunded


@dataclass
class Cashbook:
    day: date
    payments: list[Line] = field(default_factory=list)
    refunds: list[Line] = field(default_factory=list)
    # The procedure's current title by form_id: a procedure renamed during the day (a new
    # version) is one group, shown by the name it has now.
    titles: dict[str, str] = field(default_factory=dict)

    def _totals(self, key: Callable[[Line], tuple[object, str]]) -> list[Total]:
        totals: dict[object, Total] = {}
        for line in self.payments:
            group, label = key(line)
            total = totals.setdefault(group, Total(label))
            total.count += 1
            total.amount += line.amount
        for line in self.refunds:
            group, label = key(line)
            total = totals.setdefault(group, Total(label))
            total.refund_count += 1
            total.refunded += line.amount
        return sorted(totals.values(), key=lambda total: (-total.amount, -total.refunded, total.label))

    @property
    def by_procedure(self) -> list[Total]:
        return self._totals(lambda line: (line.form_id, self.titles.get(line.form_id, line.procedure)))

    @property
    def by_method(self) -> list[Total]:
        return self._totals(lambda line: (line.method, line.method))

    @property
    def by_clerk(self) -> list[Total]:
        # By staff id: two clerks may share a display name, and each reconciles their own till.
        return self._totals(lambda line: (line.clerk_id, line.clerk))

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
    for form_id in {line.form_id for line in [*book.payments, *book.refunds]}:
        current = published(session, form_id)
        if current is not None:
            book.titles[form_id] = current.definition.title.ja
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
                    form_id=submission.form_id if submission else payment.form_id,
                    procedure=self.title(payment, submission),
                    method=METHOD_LABELS.get(payment.method or "", payment.method or "（不明）"),
                    amount=int(payment.amount), clerk_id=staff_id, clerk=self.clerk(staff_id),
                    reference=payment.reference)


CSV_HEADERS = ("区分", "日時", "受付番号", "手続き", "方法", "金額", "職員", "収納番号")
# The totals below the rows: each group's fees taken, refunds (as positive amounts) and the difference.
TOTALS_HEADERS = ("集計", "区分", "項目", "収納件数", "収納金額", "返金件数", "返金金額", "差引")


def write_csv(book: Cashbook, bom: bool = True) -> bytes:
    """The day's payments and refunds, one row each (refunds as negative amounts), then the
    totals per procedure, method and clerk (収納, 返金 and 差引 each): UTF-8 (with a BOM for Excel,
    like the staff CSV), CRLF, formula-safe cells."""
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
    writer.writerow(TOTALS_HEADERS)
    for heading, totals in (("手続き別", book.by_procedure), ("方法別", book.by_method), ("職員別", book.by_clerk)):
        for total in totals:
            writer.writerow([formula_safe(clean(value)) for value in (
                "", heading, total.label, total.count, total.amount, total.refund_count, total.refunded, total.net)])
    writer.writerow(["", "合計", "合計", len(book.payments), book.received_total, len(book.refunds),
                     book.refunded_total, book.net_total])
    return buffer.getvalue().encode("utf-8")
