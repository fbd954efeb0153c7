"""CSV of one procedure's submissions, following the machine-readability rules (機械判読).

One definition version per file, so that every column means one thing: the base columns, then
one or more columns per question (``csv_columns()`` of its field type: one datum per cell),
repeating pages as numbered column groups up to their maximum, then one column per computed value
(as stored with the submission, labelled 給付額・補助金額 or 期限 by its role), then the payment
columns (支払い状況 … 返金状況, added last so that earlier columns keep their place). UTF-8, a header row, CRLF
between records, no line breaks or tabs inside cells, platform-dependent characters
(①, Ⅲ, ㈱, ㌔…) written as their plain equivalents; ``bom`` prepends a BOM for Excel.

Every cell, headers included, is written formula-safe (OWASP "CSV Injection"): answers and labels
are typed by residents and administrators, and a spreadsheet would run a cell such as
``=HYPERLINK(...)`` as a formula on the reviewer's computer.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from formsvc.applications.answers import Answers
from formsvc.applications.outcomes import csv_header, stored_values, to_stored
from formsvc.clock import JST
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldSpec
from formsvc.payments.status import PaymentSummary
from formsvc.review import payments as review_payments
from formsvc.submissions import channels, status
from formsvc.submissions.identification import CounterFacts
from formsvc.submissions.models import Submission

BASE_HEADERS = ("受付番号", "申請日時", "状況", "経路", "手数料", "入力した職員", "本人確認")
# The fee (手数料) is a base column; how it was paid comes after everything else.
PAYMENT_HEADERS = ("支払い状況", "支払方法", "支払日時", "決済番号", "返金状況")
RESERVED_HEADERS = (*BASE_HEADERS, *PAYMENT_HEADERS)

_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
# Characters that differ between platforms (機種依存文字): circled and parenthesised numbers and
# letters, Roman numerals, squared and enclosed CJK, units. NFKC gives their plain spelling.
_PLATFORM_DEPENDENT = re.compile(r"[\u2150-\u218f\u2460-\u24ff\u2776-\u2793\u3200-\u33ff\U0001f100-\U0001f1ff]")


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


def clean(text) -> str:
    """One cell: text on one line, without platform-dependent characters."""
    text = "" if text is None else str(text)
    text = _PLATFORM_DEPENDENT.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
    return _BREAKS.sub(" ", text).strip()


@dataclass(frozen=True)
class Column:
    header: str
    page: Page
    spec: FieldSpec
    part: int              # index into the field's csv_values
    item_index: int | None  # for repeating pages
    parent_index: int | None = None  # a nested repeat (repeat.per): the parent item's


def columns(definition: FormDefinition) -> list[Column]:
    result: list[Column] = []
    for page in definition.pages:
        if page.kind == "exit":
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


def _unique_headers(result: list[Column]) -> list[Column]:
    """Headers are unique in the file: a repeated label gets its page's title, then its id."""
    taken = set(RESERVED_HEADERS)
    counts: dict[str, int] = {}
    for column in result:
        counts[column.header] = counts.get(column.header, 0) + 1
    unique = []
    for column in result:
        header = column.header
        if counts[header] > 1 or header in RESERVED_HEADERS:
            header = f"{header}（{column.page.title.ja}）"
        if header in taken:
            header = f"{header}［{column.spec.id}］"
        taken.add(header)
        unique.append(replace(column, header=header))
    return unique


def _values(answers: Answers, cols: list[Column]) -> list[str]:
    cache: dict[tuple[str, int | None, int | None], list[str]] = {}
    cells = []
    for column in cols:
        spec = column.spec
        key = (spec.id, column.parent_index, column.item_index)
        if key not in cache:
            if column.parent_index is not None and column.item_index is not None:
                children = answers.child_items(column.page.id, column.parent_index)
                stored = children[column.item_index].get(spec.id) \
                    if column.item_index < len(children) and isinstance(children[column.item_index], dict) else None
            elif column.item_index is None:
                stored = answers.answer(spec.id)
            else:
                page_items = answers.page_items(column.page.id)
                stored = page_items[column.item_index].get(spec.id) \
                    if column.item_index < len(page_items) else None
            # A question the resident was not asked has empty cells (not "0" or "いいえ").
            cache[key] = [] if stored is None else [clean(v) for v in spec.csv_values(spec.from_json(stored))]
        values = cache[key]
        cells.append(values[column.part] if column.part < len(values) else "")
    return cells


def base_values(submission: Submission, counter: CounterFacts | None = None) -> list[str]:
    """The base columns; 入力した職員 and 本人確認 are filled for counter applications only."""
    return [submission.reception_number,
            submission.created_at.astimezone(JST).isoformat(timespec="seconds"),
            status.SHORT_LABELS.get(submission.status, submission.status),
            channels.LABELS.get(submission.channel, submission.channel),
            "" if submission.fee is None else str(submission.fee),
            clean(counter.entered_by) if counter else "",
            clean(counter.identification_text) if counter else ""]


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


def computed_values(definition: FormDefinition, submission: Submission) -> list[str]:
    """The values stored with the submission, as stored ("4.91", "2027-03-31": one datum, readable
    by a machine); empty when it was not shown, not computable, or sent before values were stored."""
    stored = to_stored(stored_values(definition, submission.computed))
    return [clean(stored.get(item.id)) for item in definition.computed]


def payment_values(summary: PaymentSummary | None) -> list[str]:
    """支払い状況, 支払方法, 支払日時 (Japan time), 決済番号 and 返金状況 of one application."""
    if summary is None:
        return ["", "", "", "", ""]
    return [summary.label, summary.method_label or "", review_payments.japan_time(summary.paid_at),
            clean(summary.reference), review_payments.refund_text(summary)]


def write_csv(definition: FormDefinition, submissions: Iterable[Submission], bom: bool = False,
              counter: dict[int, CounterFacts] | None = None,
              payments: dict[int, PaymentSummary] | None = None) -> bytes:
    cols = columns(definition)
    answer_headers = [clean(column.header) for column in cols]
    buffer = io.StringIO(newline="")
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    headers = [*BASE_HEADERS, *answer_headers]
    headers.extend(computed_headers(definition, [*headers, *PAYMENT_HEADERS]))
    writer.writerow([formula_safe(cell) for cell in (*headers, *PAYMENT_HEADERS)])
    for submission in submissions:
        cells = [*base_values(submission, (counter or {}).get(submission.id)),
                 *_values(Answers.from_json(submission.answers), cols),
                 *computed_values(definition, submission),
                 *payment_values((payments or {}).get(submission.id))]
        writer.writerow([formula_safe(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8")
