"""CSV of one procedure's submissions, following the machine-readability rules (機械判読).

One definition version per file, so that every column means one thing: the base columns, then
one or more columns per question (``csv_columns()`` of its field type: one datum per cell),
repeating pages as numbered column groups up to their maximum (or, when the clerk chooses, in a
file of their own: one row per item, keyed by 受付番号 and 件番号), then one column per computed
value (as stored with the submission, labelled 給付額・補助金額 or 期限 by its role), then the
payment columns (支払い状況 … 返金状況, added last so that earlier columns keep their place).
A header row, CRLF between records; platform-dependent characters (①, Ⅲ, ㈱, ㌔…) written as
their plain equivalents. How values look (encoding, はい/いいえ, dates, line breaks in quoted
cells) is chosen on the export options page (``export_options``, ``export_cells``).

Every cell, headers included, is written formula-safe (OWASP "CSV Injection"): answers and labels
are typed by residents and administrators, and a spreadsheet would run a cell such as
``=HYPERLINK(...)`` as a formula on the reviewer's computer.

Rows are produced one submission at a time from batches the caller loads, and encoded as they
go, so a large export streams instead of being built in memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from formsvc.applications.answers import Answers
from formsvc.applications.outcomes import csv_header, stored_values, to_stored
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldSpec
from formsvc.payments.status import PaymentSummary
from formsvc.review import payments as review_payments
from formsvc.review.export_cells import Cells, clean
from formsvc.review.export_options import ExportOptions
from formsvc.submissions import channels, status
from formsvc.submissions.identification import CounterFacts
from formsvc.submissions.models import Submission

__all__ = ["BASE_HEADERS", "PAYMENT_HEADERS", "RESERVED_HEADERS", "Batch", "Column", "clean", "columns",
           "formula_safe", "item_rows", "repeat_pages", "rows", "write_csv"]

BASE_HEADERS = ("受付番号", "申請日時", "状況", "経路", "手数料", "入力した職員", "本人確認")
# The fee (手数料) is a base column; how it was paid comes after everything else.
PAYMENT_HEADERS = ("支払い状況", "支払方法", "支払日時", "決済番号", "返金状況")
RESERVED_HEADERS = (*BASE_HEADERS, *PAYMENT_HEADERS)
ITEM_NUMBER = "件番号"
# A resident signed in with the card (only the card's 利用者証明用 certificate, aal3, is accepted).
CARD_SIGN_IN = "マイナンバーカード（公的個人認証）"
NOT_IDENTIFIED = "確認なし"

# OWASP's formula triggers (= + - @ tab CR) and, as a precaution, their full-width forms, which
# Japanese Excel turns into a formula when they are typed into a cell (＝１＋１).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A plain number (e.g. a negative amount) is not a formula and must stay readable as a number.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def formula_safe(text: str) -> str:
    """The cell with a single quote in front when a spreadsheet would read it as a formula.

    The quote makes Excel and LibreOffice show the cell as text; plain numbers are left alone.
    """
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    header: str
    page: Page
    spec: FieldSpec
    part: int              # index into the field's csv_values
    item_index: int | None  # for repeating pages
    parent_index: int | None = None  # a nested repeat (repeat.per): the parent item's


@dataclass(frozen=True)
class Batch:
    """Some submissions in export order, with their counter facts and payments (by submission id)."""

    submissions: list[Submission]
    counter: dict[int, CounterFacts]
    payments: dict[int, PaymentSummary]


def repeat_pages(definition: FormDefinition) -> list[Page]:
    """The repeating pages, each of which gets a file of its own when repeats are written as rows."""
    return [page for page in definition.pages if page.kind != "exit" and page.repeat is not None]


def columns(definition: FormDefinition, repeats: str = "columns") -> list[Column]:
    result: list[Column] = []
    for page in definition.pages:
        if page.kind == "exit" or (repeats == "rows" and page.repeat is not None):
            continue
        specs = page.answer_fields()
        parent_page = definition.page_by_id(page.repeat.per) if page.repeat and page.repeat.per else None
        if page.repeat is not None and parent_page is not None and parent_page.repeat is not None:
            # 世帯員1_収入2_金額: every place a member's income can take, in the parent's order.
            for parent_index in range(parent_page.repeat.max):
                for child_index in range(page.repeat.max):
                    for spec in specs:
                        for part, (_suffix, header) in enumerate(spec.csv_columns()):
                            header = (f"{parent_page.repeat.item_label.ja}{parent_index + 1}_"
                                      f"{page.repeat.item_label.ja}{child_index + 1}_{header}")
                            result.append(Column(header, page, spec, part, child_index, parent_index))
            continue
        item_indexes: list[int | None] = list(range(page.repeat.max)) if page.repeat is not None else [None]
        for item_index in item_indexes:
            for spec in specs:
                for part, (_suffix, header) in enumerate(spec.csv_columns()):
                    if page.repeat is not None and item_index is not None:
                        header = f"{page.repeat.item_label.ja}{item_index + 1}_{header}"
                    result.append(Column(header, page, spec, part, item_index))
    return _unique_headers(result)


def _unique_headers(result: list[Column], reserved: Iterable[str] = RESERVED_HEADERS) -> list[Column]:
    """Headers are unique in the file: a repeated label gets its page's title, then its id."""
    reserved = set(reserved)
    taken = set(reserved)
    counts: dict[str, int] = {}
    for column in result:
        counts[column.header] = counts.get(column.header, 0) + 1
    unique = []
    for column in result:
        header = column.header
        if counts[header] > 1 or header in reserved:
            header = f"{header}（{column.page.title.ja}）"
        if header in taken:
            header = f"{header}［{column.spec.id}］"
        taken.add(header)
        unique.append(replace(column, header=header))
    return unique


def _stored_answer(answers: Answers, column: Column):
    spec = column.spec
    if column.parent_index is not None and column.item_index is not None:
        children = answers.child_items(column.page.id, column.parent_index)
        return children[column.item_index].get(spec.id) \
            if column.item_index < len(children) and isinstance(children[column.item_index], dict) else None
    if column.item_index is None:
        return answers.answer(spec.id)
    page_items = answers.page_items(column.page.id)
    return page_items[column.item_index].get(spec.id) if column.item_index < len(page_items) else None


def _values(answers: Answers, cols: list[Column], cells: Cells) -> list[str]:
    cache: dict[tuple[str, int | None, int | None], list[str]] = {}
    result = []
    for column in cols:
        spec = column.spec
        key = (spec.id, column.parent_index, column.item_index)
        if key not in cache:
            stored = _stored_answer(answers, column)
            # A question the resident was not asked has empty cells (not "0" or "いいえ").
            cache[key] = [] if stored is None else cells.answer(spec, spec.from_json(stored))
        values = cache[key]
        result.append(values[column.part] if column.part < len(values) else "")
    return result


def identification_text(submission: Submission, counter: CounterFacts | None) -> str:
    """本人確認: how the counter identified the resident, or the card sign-in of an online application."""
    if counter is not None:
        return clean(counter.identification_text)
    if submission.resident_subject:
        return CARD_SIGN_IN
    return NOT_IDENTIFIED


def base_values(submission: Submission, counter: CounterFacts | None = None,
                cells: Cells | None = None, definition: FormDefinition | None = None) -> list[str]:
    """The base columns; 状況 as the procedure names it (``definition``'s status_labels); 入力した職員
    is filled for counter applications only."""
    cells = cells or Cells(ExportOptions())
    return [cells.reception_number(submission.reception_number),
            cells.datetime(submission.created_at),
            status.short_label(submission.status, definition),
            channels.LABELS.get(submission.channel, submission.channel),
            "" if submission.fee is None else str(submission.fee),
            clean(counter.entered_by) if counter else "",
            identification_text(submission, counter)]


def computed_headers(definition: FormDefinition, taken: Iterable[str]) -> list[str]:
    """One column per computed value, after the answers: its label, marked 給付額・補助金額 or 期限
    by its role, with its unit; a header already used gets the computed id."""
    used = set(taken)
    headers = []
    for item in definition.computed:
        header = clean(csv_header(item))
        if header in used:
            header = f"{header}［{item.id}］"
        used.add(header)
        headers.append(header)
    return headers


def computed_values(definition: FormDefinition, submission: Submission, cells: Cells | None = None) -> list[str]:
    """The values stored with the submission, as stored ("4.91"; a date such as 期限 as dates are
    written); empty when it was not shown, not computable, or sent before values were stored."""
    cells = cells or Cells(ExportOptions(dates="iso"))
    stored = to_stored(stored_values(definition, submission.computed))
    return [cells.stored_value(stored.get(item.id)) for item in definition.computed]


def payment_values(summary: PaymentSummary | None, cells: Cells | None = None) -> list[str]:
    """支払い状況, 支払方法, 支払日時 (Japan time), 決済番号 and 返金状況 of one application."""
    if summary is None:
        return ["", "", "", "", ""]
    paid_at = cells.datetime(summary.paid_at) if cells else review_payments.japan_time(summary.paid_at)
    return [summary.label, summary.method_label or "", paid_at,
            clean(summary.reference), review_payments.refund_text(summary)]


def rows(definition: FormDefinition, batches: Iterable[Batch], options: ExportOptions) -> Iterator[list[str]]:
    """The header row, then one row per submission: formula-safe cells, not yet encoded."""
    cells = Cells(options)
    cols = columns(definition, options.repeats)
    headers = [*BASE_HEADERS, *(clean(column.header) for column in cols)]
    headers.extend(computed_headers(definition, [*headers, *PAYMENT_HEADERS]))
    yield [formula_safe(cell) for cell in (*headers, *PAYMENT_HEADERS)]
    for batch in batches:
        for submission in batch.submissions:
            row = [*base_values(submission, batch.counter.get(submission.id), cells, definition),
                   *_values(Answers.from_json(submission.answers), cols, cells),
                   *computed_values(definition, submission, cells),
                   *payment_values(batch.payments.get(submission.id), cells)]
            yield [formula_safe(cell) for cell in row]


def item_rows(definition: FormDefinition, page: Page, batches: Iterable[Batch],
              options: ExportOptions) -> Iterator[list[str]]:
    """「繰り返し項目のCSV」 of one repeating page: 受付番号, (the parent's 件番号,) 件番号, its answers;
    one row per item, numbered from 1 as the resident's pages number them."""
    cells = Cells(options)
    parent = definition.page_by_id(page.repeat.per) if page.repeat and page.repeat.per else None
    # The parent page's repeat when ``page`` is nested (asked per item of a repeating page).
    per = parent.repeat if parent is not None else None
    keys = ["受付番号", *([f"{per.item_label.ja}の{ITEM_NUMBER}"] if per is not None else []), ITEM_NUMBER]
    cols = _unique_headers([Column(header, page, spec, part, 0)
                            for spec in page.answer_fields()
                            for part, (_suffix, header) in enumerate(spec.csv_columns())], keys)
    yield [formula_safe(clean(cell)) for cell in (*keys, *(column.header for column in cols))]
    for batch in batches:
        for submission in batch.submissions:
            answers = Answers.from_json(submission.answers)
            number = cells.reception_number(submission.reception_number)
            # Per parent item (its 件番号) when nested, else all the page's items (no parent number).
            groups: list[tuple[str | None, list[dict[str, Any]]]] = (
                [(str(index + 1), answers.child_items(page.id, index)) for index in range(per.max)]
                if per is not None else [(None, answers.page_items(page.id))])
            for parent_number, items in groups:
                for index, item in enumerate(items):
                    if not isinstance(item, dict):
                        continue
                    values = _item_values(item, cols, cells)
                    key = [number, *([parent_number] if parent_number is not None else []), str(index + 1)]
                    yield [formula_safe(cell) for cell in (*key, *values)]


def _item_values(item: dict, cols: list[Column], cells: Cells) -> list[str]:
    cache: dict[str, list[str]] = {}
    result = []
    for column in cols:
        spec = column.spec
        if spec.id not in cache:
            stored = item.get(spec.id)
            cache[spec.id] = [] if stored is None else cells.answer(spec, spec.from_json(stored))
        values = cache[spec.id]
        result.append(values[column.part] if column.part < len(values) else "")
    return result


def write_csv(definition: FormDefinition, submissions: Iterable[Submission], bom: bool = False,
              counter: dict[int, CounterFacts] | None = None,
              payments: dict[int, PaymentSummary] | None = None,
              options: ExportOptions | None = None) -> bytes:
    """The whole file at once (small exports and tests; the staff download streams ``rows``)."""
    from formsvc.review.export_encoding import encoded

    options = options or ExportOptions(encoding="utf-8-sig" if bom else "utf-8")
    batch = Batch(list(submissions), counter or {}, payments or {})
    return b"".join(encoded(rows(definition, [batch], options), options))


def csv_line(cells: list[str]) -> str:
    """One record, quoted where needed (a comma, a quote or a line break), ending with CRLF."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return buffer.getvalue()
