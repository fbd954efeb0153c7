"""The staff queue: filters, counts per status and keyset (seek) pages.

Pages never use OFFSET. A page continues from the (created_at, id) of the last row shown, and
the query is split into one branch per status, each an index range scan
(``status, created_at, id``; ``form_id, status, created_at, id``; ``assignee_id, status,
created_at, id``) reading at most one page of rows, merged by a small outer sort. Page 1,000 so
costs what page 1 costs, whatever mix of statuses is asked for.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Boolean, ColumnElement, Select, String, func, literal, or_, select, text, tuple_, union_all
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, load_only

from formsvc.clock import JST
from formsvc.forms.catalog import staff_facing
from formsvc.review import payments
from formsvc.review.names import kana_search_key, search_key
from formsvc.staff.models import StaffUser
from formsvc.submissions import channels, reception, status
from formsvc.submissions.models import Submission, SubmissionEvent, name_search_key, name_trigram_key

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The days the date filters accept. Every submission lies between them, and the conditions'
# arithmetic (the day after the last, Japan midnight in UTC) stays inside Python's datetime
# range: 0001-01-01 and 9999-12-31 would overflow it.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)

ALL_STATUSES = tuple(status.LABELS)
# What still needs someone's attention (the default view).
STATUS_CHOICES = {
    "open": ("対応中（受付・審査中・差し戻し）", "Open"),
    "all": ("すべて", "All"),
    **{key: (label[0].split("（")[0], label[1]) for key, label in status.LABELS.items()},
}
ASSIGNEE_CHOICES = {"any": ("すべて", "Anyone"), "me": ("自分", "Me"), "unassigned": ("未割当", "Unassigned")}
CHANNEL_CHOICES = {"": ("すべて", "All"), **{channel.code: channel.label for channel in channels.CHANNELS}}
PAYMENT_CHOICES = {"": ("すべて", "All"), **payments.FILTER_CHOICES}

LIST_COLUMNS = (Submission.id, Submission.reception_number, Submission.form_id, Submission.version_id,
                Submission.status, Submission.channel, Submission.fee, Submission.payment_required,
                Submission.created_at, Submission.updated_at, Submission.assignee_id, Submission.lock_version,
                Submission.applicant_name, Submission.applicant_kana,
                # Counter applications: who entered them and how the resident was identified.
                Submission.entered_by_id, Submission.identification, Submission.visit_id, Submission.signed_at)


# --- cursors --------------------------------------------------------------------------------

def encode_cursor(created_at: datetime, row_id: int) -> str:
    micros = (created_at - EPOCH) // timedelta(microseconds=1)
    return base64.urlsafe_b64encode(f"{micros}.{row_id}".encode()).decode().rstrip("=")


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The position a cursor names; None for a missing or damaged one (the first page)."""
    if not text or len(text) > 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        micros, row_id = raw.split(".")
        return EPOCH + timedelta(microseconds=int(micros)), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        return None


# --- filters --------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueFilter:
    form_id: str | None = None
    status: str = "open"                 # "open", "all" or one status
    assignee: str = "any"                # "any", "me", "unassigned"
    channel: str | None = None           # "online", "counter"
    submitted_from: date | None = None   # Japan dates, inclusive
    submitted_to: date | None = None
    number: str | None = None            # normalised reception number, whole or its start
    name: str | None = None              # 氏名 or フリガナ, any part
    newest_first: bool = False
    payment: str | None = None           # a payment summary code (formsvc.payments.status)
    errors: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def statuses(self) -> tuple[str, ...]:
        if self.status == "open":
            return status.OPEN
        if self.status == "all":
            return ALL_STATUSES
        return (self.status,)

    def conditions(self, staff_id: int | None, with_name: bool = True) -> list:
        """Every condition except the status (so counts per status can share them); without the
        name's with ``with_name=False`` (``name_condition`` gives it)."""
        where: list = []
        if self.form_id:
            where.append(Submission.form_id == self.form_id)
        if self.assignee == "me" and staff_id is not None:
            where.append(Submission.assignee_id == staff_id)
        elif self.assignee == "unassigned":
            where.append(Submission.assignee_id.is_(None))
        if self.channel:
            where.append(Submission.channel == self.channel)
        if self.submitted_from:
            where.append(Submission.created_at >= _start_of_japan_day(self.submitted_from))
        if self.submitted_to:
            where.append(Submission.created_at < _start_of_japan_day(self.submitted_to + timedelta(days=1)))
        if self.number:
            if len(self.number) == reception.BODY_LENGTH + 1:
                where.append(Submission.reception_number == self.number)
            else:
                where.append(Submission.reception_number.like(f"{_escape_like(self.number)}%", escape="\\"))
        if self.name and with_name:
            where.append(self.name_condition())
        if self.payment:
            where.append(payments.filter_condition(self.payment))
        return where

    def name_condition(self, indexed: bool = True, columns=None):
        """The 氏名・フリガナ condition (the filter must have a name). ``indexed=False``: the
        same comparison on the plain keys, which no index serves and which costs a fraction of
        the tripled one per row, for a walk that reads the rows anyway (``counts_by_status``)."""
        assert self.name
        name_column, kana_column = columns or (Submission.applicant_name, Submission.applicant_kana)
        name_key, kana_key = search_key(self.name), kana_search_key(self.name)
        return or_(NameContains(name_column, name_key, indexed), NameContains(kana_column, kana_key, indexed))

    def args(self, **changes) -> dict[str, str]:
        """The query string that asks for this filter (``changes`` applied), defaults left out."""
        current = replace(self, **changes) if changes else self
        values = {
            "form": current.form_id or "",
            "status": "" if current.status == "open" else current.status,
            "assignee": "" if current.assignee == "any" else current.assignee,
            "channel": current.channel or "",
            "from": current.submitted_from.isoformat() if current.submitted_from else "",
            "to": current.submitted_to.isoformat() if current.submitted_to else "",
            "number": current.number or "",
            "name": current.name or "",
            "payment": current.payment or "",
            "sort": "newest" if current.newest_first else "",
        }
        return {key: value for key, value in values.items() if value}


def _start_of_japan_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=JST).astimezone(UTC)


class NameContains(ColumnElement[bool]):
    """The stored name (or フリガナ) holds ``search`` (a search key: spaces removed, lower case).

    On PostgreSQL compared on the tripled keys (formsvc.submissions.models.name_trigram_key),
    which the trigram indexes of migration 0017 serve however short the search: the tripled key
    holds the tripled search exactly when the key holds the search (a match at any offset lines
    up with whole characters). Elsewhere (SQLite: no such index, a scan) on the plain keys.
    Only one of the two is compared: both would make PostgreSQL count the selectivity twice and
    take the index for a common name too, where walking a status's rows in order fills the page
    sooner. ``indexed=False``: the plain keys on PostgreSQL too, for a walk with its own bound
    (the counts of a common name), where no index is wanted and the tripled key's regular
    expression would cost five times as much per row.
    """

    type = Boolean()
    inherit_cache = False  # the pattern is compiled into the statement

    def __init__(self, column, search: str, indexed: bool = True) -> None:
        self.name_column = column
        self.search = search
        self.indexed = indexed


@compiles(NameContains)
def _name_contains(element: NameContains, compiler, **kw) -> str:
    # Parenthesised: SQLite, without a boolean type, appends "= 1".
    comparison = name_search_key(element.name_column).like(_pattern(element.search), escape="\\")
    return f"({compiler.process(comparison, **kw)})"


@compiles(NameContains, "postgresql")
def _name_contains_tripled(element: NameContains, compiler, **kw) -> str:
    if not element.indexed:
        return _name_contains(element, compiler, **kw)
    tripled = "".join(character * 3 for character in element.search)
    return compiler.process(name_trigram_key(element.name_column).like(_pattern(tripled), escape="\\"), **kw)


def _pattern(key: str):
    # Inlined, not bound: with ``LIKE $1`` PostgreSQL may reuse one plan for every name (a cached
    # generic plan), and the walk that suits 山田 takes seconds for a name nobody has.
    return literal(f"%{_escape_like(key)}%", String(), literal_execute=True)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parse_date(text: str) -> date | None:
    text = text.strip()
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def parse_filter(args: Mapping[str, str], form_ids: set[str] | None = None) -> QueueFilter:
    """A QueueFilter from the query string; anything unreadable is left out and explained."""
    errors: list[tuple[str, str]] = []
    form_id = (args.get("form") or "").strip() or None
    if form_id is not None and form_ids is not None and form_id not in form_ids:
        errors.append(("選んだ手続きが見つかりません", "form"))
        form_id = None
    status_value = args.get("status") or "open"
    if status_value not in STATUS_CHOICES:
        status_value = "open"
    assignee = args.get("assignee") or "any"
    if assignee not in ASSIGNEE_CHOICES:
        assignee = "any"
    channel = args.get("channel") or None
    if channel not in CHANNEL_CHOICES:
        channel = None
    dates: dict[str, date | None] = {}
    for key, label in (("from", "申請日（から）"), ("to", "申請日（まで）")):
        text = (args.get(key) or "").strip()
        day = _parse_date(text) if text else None
        if text and day is None:
            errors.append((f"{label}は 2026-04-01 のように年-月-日で入力してください", f"filter-{key}"))
        elif day is not None and not FIRST_DAY <= day <= LAST_DAY:
            errors.append((f"{label}は {FIRST_DAY.isoformat()} から {LAST_DAY.isoformat()} "
                           "までの日付で入力してください", f"filter-{key}"))
            day = None
        dates[key] = day
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        errors.append(("申請日（まで）は申請日（から）と同じか後の日付にしてください", "filter-to"))
        dates["to"] = None
    number = None
    number_text = (args.get("number") or "").strip()
    if number_text:
        number = reception.normalise(number_text)
        whole = len(number) == reception.BODY_LENGTH + 1
        if not number or any(c not in reception.ALPHABET for c in number) \
                or len(number) > reception.BODY_LENGTH + 1 or (whole and not reception.is_well_formed(number)):
            errors.append(("受付番号が正しくありません。ABCD-2345 のような8文字の受付番号（または最初の数文字）"
                           "を入力してください", "filter-number"))
            number = None
    name = (args.get("name") or "").strip()[:100] or None
    if name is not None and not search_key(name):
        name = None
    payment = args.get("payment") or None
    if payment not in PAYMENT_CHOICES:
        payment = None
    return QueueFilter(form_id=form_id, status=status_value, assignee=assignee, channel=channel,
                       submitted_from=dates["from"], submitted_to=dates["to"], number=number, name=name,
                       newest_first=args.get("sort") == "newest", payment=payment, errors=tuple(errors))


# --- pages ----------------------------------------------------------------------------------

@dataclass
class Page:
    rows: list[Submission]
    next_cursor: str | None
    previous_cursor: str | None


def _branch(status_value: str, where: list, position: tuple[datetime, int] | None,
            ascending: bool, limit: int) -> Select:
    key = tuple_(Submission.created_at, Submission.id)
    query = select(Submission.id, Submission.created_at).where(Submission.status == status_value, *where)
    if position is not None:
        query = query.where(key > position if ascending else key < position)
    order = (Submission.created_at, Submission.id) if ascending else \
        (Submission.created_at.desc(), Submission.id.desc())
    return query.order_by(*order).limit(limit)


def seek(session: Session, statuses: tuple[str, ...], where: list, position: tuple[datetime, int] | None,
         ascending: bool, limit: int) -> list[tuple[int, datetime]]:
    """Up to ``limit`` (id, created_at) after ``position`` in the given direction.

    With a common name the planner walks each status's range and compares the tripled keys as
    it goes (~500 rows for a page of a name on 1 row in 10); the plain keys would cost less per
    row but, having no statistics, lead it to sort whole status ranges instead (seconds).
    """
    branches = [_branch(value, where, position, ascending, limit) for value in statuses]
    if len(branches) == 1:
        return [tuple(row) for row in session.execute(branches[0])]
    # Each branch is wrapped in its own SELECT: SQLite allows no LIMIT on a bare compound member.
    merged = union_all(*(select(branch.subquery()) for branch in branches)).subquery("merged")
    order = (merged.c.created_at, merged.c.id) if ascending else (merged.c.created_at.desc(), merged.c.id.desc())
    return [tuple(row) for row in session.execute(select(merged.c.id, merged.c.created_at)
                                                  .order_by(*order).limit(limit))]


def queue_page(session: Session, queue: QueueFilter, staff_id: int | None, after: str | None = None,
               before: str | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of the queue. ``after``/``before`` are cursors from an earlier page's links.

    Two queries whatever the page: the keyset seek and the rows' columns. A page reached with a
    cursor offers 「前へ」 without asking whether rows precede it (the cursor came from one); going
    back past the start simply gives the first page.
    """
    where = queue.conditions(staff_id)
    statuses = queue.statuses()
    forward = decode_cursor(after)
    backward = None if forward else decode_cursor(before)
    display_ascending = not queue.newest_first
    if backward is not None:
        keys = seek(session, statuses, where, backward, not display_ascending, size + 1)
        if len(keys) > size:
            keys, more_before, more_after = list(reversed(keys[:size])), True, True
        else:  # back at the start: the first page, full
            forward = None
            backward = None
    if backward is None:
        keys = seek(session, statuses, where, forward, display_ascending, size + 1)
        more_after = len(keys) > size
        keys = keys[:size]
        more_before = forward is not None
    rows = load_rows(session, [row_id for row_id, _ in keys])
    next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if keys and more_after else None
    previous_cursor = encode_cursor(keys[0][1], keys[0][0]) if keys and more_before else None
    return Page(rows, next_cursor, previous_cursor)


def load_rows(session: Session, ids: list[int]) -> list[Submission]:
    """The queue's columns of these submissions (never the answers), in the order given."""
    if not ids:
        return []
    found = {row.id: row for row in session.scalars(
        select(Submission).options(load_only(*LIST_COLUMNS[1:])).where(Submission.id.in_(ids)))}
    return [found[row_id] for row_id in ids if row_id in found]


def resubmitted(session: Session, rows: list[Submission]) -> set[int]:
    """The rows that came back corrected (再提出): their latest 差し戻し was answered by a
    resubmission. One query for the page (events by submission_id, which is indexed)."""
    waiting = [row.id for row in rows if row.status in (status.RECEIVED, status.IN_REVIEW)]
    if not waiting:
        return set()
    latest = list(session.scalars(
        select(func.max(SubmissionEvent.id))
        .where(SubmissionEvent.submission_id.in_(waiting),
               SubmissionEvent.kind.in_(("correction_requested", "resubmitted")))
        .group_by(SubmissionEvent.submission_id)))
    if not latest:
        return set()
    return set(session.scalars(select(SubmissionEvent.submission_id).where(
        SubmissionEvent.id.in_(latest), SubmissionEvent.kind == "resubmitted")))


def all_matching_ids(session: Session, queue: QueueFilter, staff_id: int | None,
                     extra: list | None = None) -> list[int]:
    """Every submission the filter matches, oldest first (for exports)."""
    query = (select(Submission.id).where(Submission.status.in_(queue.statuses()), *queue.conditions(staff_id),
                                         *(extra or []))
             .order_by(Submission.created_at, Submission.id))
    return list(session.scalars(query))


COUNT_CAP = 10_000
# With a name the tabs count to 1,000: a name many people answer to is narrowed by other
# filters, not paged through, and counting its tens of thousands of rows would cost seconds at
# a million submissions (bench/name_search.py).
NAME_COUNT_CAP = 1_000
# When more than NAME_COUNT_CAP submissions match the name (山田, 林), each status's tab counts to
# 100: finding a thousand matches of each of seven statuses reads some 70,000 rows or builds the
# trigram bitmap of every match seven times (~250 ms at a million rows); a hundred, a tenth.
COMMON_NAME_TAB_CAP = 100


class StatusCounts(dict[str, int]):
    """Matches per status, each counted up to ``cap`` + 1: a number above ``cap`` reads
    「{cap}以上」. ``at_least``: how many match in all statuses together, when known to be more
    than the numbers say (a common name: more than NAME_COUNT_CAP), else 0."""

    def __init__(self, counts: Mapping[str, int], cap: int, at_least: int = 0) -> None:
        super().__init__(counts)
        self.cap = cap
        self.at_least = at_least

    def is_capped(self, value: str) -> bool:
        return self[value] > self.cap

    def text(self, statuses: tuple[str, ...]) -> str:
        """The number a tab (or the heading) shows for these statuses together."""
        if any(self.is_capped(value) for value in statuses):
            floor = max(self.cap, self.at_least if set(statuses) >= set(self) else 0)
            return f"{floor:,}以上"
        return f"{sum(self[value] for value in statuses):,}"


def count_cap(queue: QueueFilter) -> int:
    """Where the tabs' numbers of this filter stop (「1,000以上」 with a name, else 「10,000以上」)."""
    return NAME_COUNT_CAP if queue.name else COUNT_CAP


def counts_by_status(session: Session, queue: QueueFilter, staff_id: int | None,
                     cap: int | None = None) -> StatusCounts:
    """How many submissions of each status match the other filters (the tabs' numbers).

    Counted up to ``cap`` + 1 per status (``count_cap``; one index range each, in one
    statement), so the page costs the same with 10,000 or 10,000,000 closed applications; above
    the cap the number reads 「1万件以上」 (see ``StatusCounts``).

    With a name filter, first one ``GROUP BY status`` of at most ``cap`` + 1 matches: the rows are
    found once (through the trigram indexes on PostgreSQL) instead of each status's whole range
    being walked for a name that few people have. When more than ``cap`` match, the tabs count
    to COMMON_NAME_TAB_CAP (``_common_name_counts``).
    """
    cap = count_cap(queue) if cap is None else cap
    if queue.name:
        found = _first_matches(session, queue, staff_id, cap)
        if sum(found.values()) <= cap:
            return StatusCounts({value: found.get(value, 0) for value in ALL_STATUSES}, cap)
        return _common_name_counts(session, queue, staff_id, min(cap, COMMON_NAME_TAB_CAP), found, cap)
    return StatusCounts(_capped_counts(session, ALL_STATUSES, queue.conditions(staff_id), cap,
                                       inline_status=False), cap)


def _first_matches(session: Session, queue: QueueFilter, staff_id: int | None, cap: int) -> dict[str, int]:
    """The statuses of at most ``cap`` + 1 submissions that match the name, counted."""
    matches = select(Submission.status).where(*queue.conditions(staff_id)).limit(cap + 1).subquery()
    statement = select(matches.c.status, func.count()).group_by(matches.c.status)
    if session.get_bind().dialect.name == "postgresql" and not _uses_trigram_index(session, statement):
        # The planner expects cap + 1 matches within a few thousand rows (a common name) and reads
        # them in order comparing the tripled keys. The plain keys find the same rows for a fifth
        # of the cost per row, in the first rows of the table (bounded: without the trigram
        # statistics the planner would plan a parallel scan of all of it).
        rows = (select(Submission.status, Submission.applicant_name, Submission.applicant_kana)
                .where(*queue.conditions(staff_id, with_name=False))
                .limit(WALK_ROWS_PER_MATCH * (cap + 1)).subquery())
        sample = (select(rows.c.status).where(queue.name_condition(
            indexed=False, columns=(rows.c.applicant_name, rows.c.applicant_kana))).limit(cap + 1).subquery())
        found = _grouped(session, select(sample.c.status, func.count()).group_by(sample.c.status))
        if sum(found.values()) > cap:
            return found
    return _grouped(session, statement)


def _grouped(session: Session, statement: Select) -> dict[str, int]:
    return {value: count for value, count in session.execute(statement)}


def _uses_trigram_index(session: Session, statement: Select) -> bool:
    """Whether PostgreSQL would look the name up in the trigram indexes (a name few have)."""
    try:
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    except CompileError:  # a value of another filter with no literal form: keep the planner's way
        return True
    return "_trgm" in "\n".join(session.scalars(text(f"EXPLAIN {compiled}")))


def _capped_counts(session: Session, statuses: tuple[str, ...], where: list, cap: int,
                   inline_status: bool) -> dict[str, int]:
    """Each status's matches up to ``cap`` + 1, one capped subquery per status, one statement."""
    def status_is(value: str):
        # With a name, inlined: a cached generic plan made for no status in particular read the
        # trigram index's every match for each status (PostgreSQL plans bound statements so
        # after five runs of one search).
        return Submission.status == (literal(value, String(), literal_execute=True) if inline_status else value)

    columns = [select(func.count()).select_from(
        select(Submission.id).where(status_is(value), *where).limit(cap + 1).subquery())
        .scalar_subquery().label(value) for value in statuses]
    row = session.execute(select(*columns)).one()
    return dict(zip(statuses, row, strict=True))


# A common name's tabs walk each status's first WALK_ROWS_PER_MATCH × (tab cap + 1) rows: a name on
# at least 1 row in 20 reaches the tab cap within them.
WALK_ROWS_PER_MATCH = 20


def _common_name_counts(session: Session, queue: QueueFilter, staff_id: int | None, tab_cap: int,
                        sample: dict[str, int], cap: int) -> StatusCounts:
    """The tabs of a name more than ``cap`` submissions match (山田, 林: a tenth of all rows).

    ``sample``: the first step's matches per status (``cap`` + 1 in all). A status with more than
    ``tab_cap`` of them is counted already. Every other status's rows are walked in (status,
    created_at, id) order — the index range the page itself reads — comparing the plain keys (a
    fraction of the tripled key's cost per row), stopping at ``tab_cap`` + 1 matches: a common
    name gets there within a few hundred rows, where the trigram indexes would build the bitmap of
    every match of the name (100,000 at a million rows) again for each status. A walk that ends
    undecided (too few matches in its first rows, more rows left) is counted through the indexes
    instead, so every number is exact or says 以上.
    """
    others = queue.conditions(staff_id, with_name=False)
    budget = WALK_ROWS_PER_MATCH * (tab_cap + 1)
    counts = {value: sample[value] for value in ALL_STATUSES if sample.get(value, 0) > tab_cap}

    def first_rows(value: str):
        # Inlined, like the pattern: a generic plan might not walk the status's own range.
        return (select(Submission.applicant_name, Submission.applicant_kana)
                .where(Submission.status == literal(value, String(), literal_execute=True), *others)
                .order_by(Submission.created_at, Submission.id).limit(budget).subquery())

    def matches_in(value: str):
        rows = first_rows(value)
        matching = select(literal(1)).select_from(rows).where(
            queue.name_condition(indexed=False, columns=(rows.c.applicant_name, rows.c.applicant_kana)))
        return select(func.count()).select_from(matching.limit(tab_cap + 1).subquery()).scalar_subquery()

    undecided = tuple(value for value in ALL_STATUSES if value not in counts)
    if undecided:
        walked = session.execute(select(*(matches_in(value).label(value) for value in undecided))).one()
        counts.update(zip(undecided, walked, strict=True))
        undecided = tuple(value for value in undecided if counts[value] <= tab_cap)
    if undecided:  # the walk read every row of a status shorter than the budget: its count is exact
        lengths = session.execute(select(*(
            select(func.count()).select_from(first_rows(value)).scalar_subquery().label(value)
            for value in undecided))).one()
        undecided = tuple(value for value, length in zip(undecided, lengths, strict=True) if length >= budget)
    if undecided:
        counts.update(_capped_counts(session, undecided, queue.conditions(staff_id), tab_cap, inline_status=True))
    return StatusCounts(counts, tab_cap, at_least=cap)


def is_capped(count: int, cap: int = COUNT_CAP) -> bool:
    return count > cap


# --- names shown with the rows --------------------------------------------------------------

def procedure_titles(session: Session) -> dict[str, str]:
    """Each procedure's title (as staff know it: formsvc.forms.catalog.staff_facing), by form id."""
    return {form_id: compiled.definition.title.ja for form_id, compiled in staff_facing(session).items()}


def staff_names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(ids))).all())


def reviewers(session: Session) -> list[StaffUser]:
    return [user for user in session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.username))
            if user.has_role("reviewer")]

