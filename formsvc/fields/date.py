"""Dates typed as 年/月/日 (西暦 or 和暦), shown with both calendars."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from markupsafe import Markup
from pydantic import Discriminator, Field, Tag, model_validator

from formsvc import clock
from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, Problem, register
from formsvc.fields.composite import CompositeInputField, PartError, part_inputs, stripped
from formsvc.fields.drawing import QuestionView, date_question
from formsvc.japanese import calendar as municipal
from formsvc.japanese.era import YEAR_FORMAT_MESSAGE, InvalidDate, era_of, format_date_both, parse_date_parts
from formsvc.vocabulary.common import StrictModel, Text
from formsvc.vocabulary.conditions import DateOffset


class BusinessDayOffset(StrictModel):
    """A date counted in 開庁日 from the day the answer is checked: ``{business_days_from_today: 3}``
    is the 3rd 開庁日 after today (today not counted; weekends, national holidays and the
    municipality's closed days skipped: formsvc.japanese.calendar). For ``min``: 「3開庁日後以降」."""

    business_days_from_today: int = Field(ge=0, le=municipal.MAX_BUSINESS_DAYS,
                                          description="今日から数えた開庁日の数 (例: 3 は3開庁日後)")

    def resolve(self, today: date) -> date:
        return municipal.add_business_days(today, self.business_days_from_today)


def _bound_shape(value: object) -> str:
    """Which form of bound the data is, so that a mistake is reported once, in that form's words."""
    if isinstance(value, dict):
        return "BusinessDayOffset" if "business_days_from_today" in value else "DateOffset"
    if isinstance(value, DateOffset | BusinessDayOffset):
        return type(value).__name__
    return "date"


# A type checker reads the plain union; pydantic validates only the form the data has.
if TYPE_CHECKING:
    DateBound = date | DateOffset | BusinessDayOffset
else:
    DateBound = Annotated[Annotated[date, Tag("date")] | Annotated[DateOffset, Tag("DateOffset")]
                          | Annotated[BusinessDayOffset, Tag("BusinessDayOffset")], Discriminator(_bound_shape)]
# How far ahead a question's first acceptable day is looked for (its hint and example answer).
_SEARCH_DAYS = 800


class DateInputField(CompositeInputField):
    parts = ("year", "month", "day")


@register
class DateField(FieldSpec):
    type: Literal["date"] = "date"
    min: Annotated[DateBound | None, AdminOption("最小値", "date_bound")] = Field(
        None, description="これより前の日付は不可。日付か {days_from_today: N} (N日後)"
    )
    max: Annotated[DateBound | None, AdminOption("最大値", "date_bound")] = Field(
        None, description="これより後の日付は不可。生年月日なら {days_from_today: 0}"
    )
    min_message: Annotated[Text | None, AdminOption("最小値より前のときのメッセージ", "text")] = None
    max_message: Annotated[Text | None, AdminOption("最大値より後のときのメッセージ", "text")] = None
    business_days_only: Annotated[bool, AdminOption("開庁日だけを受け付ける（土日祝日・年末年始を除く）", "bool",
                                                    noun="開庁日のみ")] = Field(
        False, description="true: 開庁日 (土日祝日・年末年始などの閉庁日を除く日) だけを受け付ける")
    day_of_month: Annotated[int | None, AdminOption("毎月この日だけを受け付ける", "int",
                                                    hint="1から28。例：1（毎月1日のみ）")] = Field(
        None, ge=1, le=28, description="毎月この日だけを受け付ける (例: 1 は毎月1日のみ)")
    previous_month_deadline: Annotated[int | None, AdminOption(
        "申込の締切：選んだ日の前月の何日まで", "int", hint="例：10（前月10日まで）。31は前月の末日")] = Field(
        None, ge=1, le=31,
        description="申込の締切: 選んだ日の前月のこの日まで (例: 10 は前月10日まで。31 は前月末日)")

    type_label = ("日付", "Date")
    menu_position = 80
    comparable = True
    prefill_sources = frozenset({"birthdate"})

    @model_validator(mode="after")
    def _business_days_bound_is_a_minimum(self) -> DateField:
        if isinstance(self.max, BusinessDayOffset):
            raise ValueError("business_days_from_today は min にだけ書けます (「N開庁日後以降」)。"
                             "max には {days_from_today: N} か日付を書いてください")
        return self

    def value_from_identity(self, claims):
        try:
            return date.fromisoformat(claims["birthdate"]) if claims.get("birthdate") else None
        except ValueError:
            return None

    def draw(self, view: QuestionView) -> Markup:
        return date_question(view)

    def form_field(self, ctx):
        return DateInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            combine=lambda raw: combine_date(raw, ctx), split=split_date,
        )

    def automatic_hint(self, ctx):
        western, japanese = example_years(ctx.today)
        hint = ctx.t(f"年は西暦（例：{western}）か和暦（例：{japanese}）で入力できます",
                     f"Enter the year as {western}, or in the Japanese calendar as {japanese}")
        earliest, latest = resolve_bound(self.min, ctx.today), resolve_bound(self.max, ctx.today)
        if earliest and latest and earliest > latest:
            return f"{hint}{ctx.t('。', '. ')}{self._empty_window_message(earliest, latest, ctx)}"
        return ctx.t("。", ". ").join([hint, *self.calendar_rules(ctx)])

    def calendar_rules(self, ctx: FieldContext) -> list[str]:
        """The question's calendar rules in plain words, for its hint (「開庁日のみ」…)."""
        rules = []
        if isinstance(self.min, BusinessDayOffset):
            earliest = self.min.resolve(ctx.today)
            count = self.min.business_days_from_today
            rules.append(ctx.t(f"今日から{count}開庁日後（{format_date_both(earliest)}）以降の日を選べます",
                               f"Choose a day on or after {earliest.isoformat()} "
                               f"({count} working days from today)"))
        if self.business_days_only:
            rules.append(ctx.t(f"開庁日（{closed_words()}を除く日）だけを選べます",
                               f"Choose a day the city office is open (not at weekends, on public holidays "
                               f"or {closed_words_en()})"))
        if self.day_of_month is not None:
            rules.append(ctx.t(f"毎月{self.day_of_month}日だけを選べます",
                               f"Only the {_ordinal(self.day_of_month)} of a month can be chosen"))
        if self.previous_month_deadline is not None:
            deadline = self._deadline_words(ctx)
            rules.append(ctx.t(f"申込の締切は、選んだ日の前月{deadline[0]}です",
                               f"Apply by the {deadline[1]} of the month before the day you choose"))
            first = self.first_allowed(ctx.today)
            if first is not None:
                rules.append(ctx.t(f"今日申し込んで選べるいちばん早い日は{format_date_both(first)}です",
                                   f"Applying today, the earliest day you can choose is {first.isoformat()}"))
        return rules

    def _deadline_words(self, ctx: FieldContext) -> tuple[str, str]:
        day = self.previous_month_deadline or 0
        return ("末日", "last day") if day == 31 else (f"{day}日", _ordinal(day))

    def _empty_window_message(self, earliest: date, latest: date, ctx: FieldContext) -> str:
        label = self.label_text(ctx)
        return ctx.t(
            f"今日は{label}に入力できる日付がありません（{format_date_both(earliest)}以降で、"
            f"かつ{format_date_both(latest)}以前の日付だけを受け付けます）。担当課にお問い合わせください",
            f"No date can be entered for {label} today: it must be on or after {earliest.isoformat()} "
            f"and on or before {latest.isoformat()}. Please contact the department")

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}を入力してください", f"Enter {label}")

    def validate_answer(self, value: date, ctx: FieldContext) -> list[str]:
        label = self.label_text(ctx)
        earliest = resolve_bound(self.min, ctx.today)
        latest = resolve_bound(self.max, ctx.today)
        if earliest and latest and earliest > latest:
            # A fixed end and a moving end (min: 2027-04-01, max: today) leave no date on some
            # days: "enter a date after 1 April 2027" would ask for a future 申請日, so say why.
            return [self._empty_window_message(earliest, latest, ctx)]
        if earliest and value < earliest:
            if self.min_message:
                return [self.min_message.get(ctx.locale)]
            shown = format_date_both(earliest)
            if isinstance(self.min, BusinessDayOffset):
                count = self.min.business_days_from_today
                return [ctx.t(f"{label}は、今日から{count}開庁日後（{shown}）以降の日付を入力してください",
                              f"{label} must be on or after {earliest.isoformat()} "
                              f"({count} working days from today)")]
            return [ctx.t(f"{label}は{shown}以降の日付を入力してください",
                          f"{label} must be on or after {earliest.isoformat()}")]
        if latest and value > latest:
            if self.max_message:
                return [self.max_message.get(ctx.locale)]
            if latest == ctx.today:
                return [ctx.t(f"{label}は今日以前の日付を入力してください",
                              f"{label} must be today or in the past")]
            shown = format_date_both(latest)
            return [ctx.t(f"{label}は{shown}以前の日付を入力してください",
                          f"{label} must be on or before {latest.isoformat()}")]
        return self.calendar_messages(value, ctx)

    def calendar_messages(self, value: date, ctx: FieldContext) -> list[str]:
        """Messages of the calendar rules ``value`` breaks (the first one is shown)."""
        label = self.label_text(ctx)
        if self.business_days_only and not municipal.is_business_day(value):
            reason = municipal.closed_reason(value) or ""
            return [ctx.t(f"{label}は開庁日（{closed_words()}を除く日）を選んでください。"
                          f"{format_date_both(value)}は{reason}です",
                          f"{label} must be a day the city office is open: {value.isoformat()} "
                          "is a weekend, a public holiday or a day the office is closed")]
        if self.day_of_month is not None and value.day != self.day_of_month:
            return [ctx.t(f"{label}は毎月{self.day_of_month}日の日付を入力してください"
                          f"（例：{format_date_both(_next_day_of_month(value, self.day_of_month))}）",
                          f"{label} must be the {_ordinal(self.day_of_month)} of a month")]
        deadline = self.deadline_for(value)
        if deadline is not None and ctx.today > deadline:
            first = self.first_allowed(ctx.today)
            words = self._deadline_words(ctx)
            later = ctx.t(f"今から選べるのは{format_date_both(first)}以降です", f"The earliest you can choose now is "
                          f"{first.isoformat()}") if first is not None else ""
            return [ctx.t(f"{label}を{format_date_both(value)}にする申込の締切（前月{words[0]}、"
                          f"{format_date_both(deadline)}）を過ぎています。{later}",
                          f"The deadline for {label} {value.isoformat()} was {deadline.isoformat()} (the "
                          f"{words[1]} of the month before). {later}").strip()]
        return []

    def deadline_for(self, value: date) -> date | None:
        """The last day to apply for ``value`` (前月N日), or None when the question has no deadline."""
        if self.previous_month_deadline is None:
            return None
        year, month = (value.year, value.month - 1) if value.month > 1 else (value.year - 1, 12)
        if year < 1:
            return None
        return date(year, month, min(self.previous_month_deadline, calendar.monthrange(year, month)[1]))

    def first_allowed(self, today: date) -> date | None:
        """The first day the question accepts when answered on ``today`` (None: none within about two
        years, e.g. a window that has closed)."""
        try:
            earliest = resolve_bound(self.min, today) or today
            latest = resolve_bound(self.max, today)
            day = earliest
            for _ in range(_SEARCH_DAYS):
                if latest is not None and day > latest:
                    return None
                if self.day_of_month is not None and day.day != self.day_of_month:
                    day = _next_day_of_month(day, self.day_of_month)
                    continue
                deadline = self.deadline_for(day)
                if (not self.business_days_only or municipal.is_business_day(day)) \
                        and (deadline is None or today <= deadline):
                    return day
                day += timedelta(days=1)
        except (OverflowError, ValueError):  # beyond the year 9999
            return None
        return None

    def condition_value(self, text):
        bound = date_bound_from_text(text)
        if bound is None or (isinstance(bound, dict) and "business_days_from_today" in bound):
            raise ValueError("日付は 2025-04-01 の形か、today+7（今日から7日後）のように書いてください")
        return bound

    def to_json(self, value):
        return value.isoformat() if value else None

    def from_json(self, data):
        return date.fromisoformat(data) if data else None

    def form_inputs(self, value):
        return part_inputs(self.id, split_date(value)) if value else {}

    def display(self, value, locale="ja"):
        if not value:
            return ""
        return format_date_both(value) if locale == "ja" else value.isoformat()

    def csv_values(self, value):
        return [value.isoformat() if value else ""]

    def example_answer(self):
        today = clock.today()
        earliest = resolve_bound(self.min, today)
        latest = resolve_bound(self.max, today)
        if self.business_days_only or self.day_of_month is not None or self.previous_month_deadline is not None:
            return self.first_allowed(today) or earliest or today
        if earliest:
            return earliest
        if latest and latest <= today:
            try:
                return latest.replace(year=latest.year - 30)
            except ValueError:  # 29 February, in a year that is not a leap year
                return latest.replace(year=latest.year - 30, day=28)
        return today

    def problems(self, definition):
        # Only bounds whose order is the same on every day are compared: two fixed dates, or two
        # offsets in days. A fixed end with a moving one (min: 2027-04-01, max: today) is valid:
        # whether it leaves a date on a given day is the question's business on that day, and a
        # definition must not be valid or invalid depending on the day it is checked.
        if isinstance(self.min, date) and isinstance(self.max, date) and self.min > self.max:
            yield Problem(("min",), "min が max より後の日付になっています。min を max 以前の日付にしてください")
        low, high = _in_days(self.min), _in_days(self.max)
        if low is not None and high is not None and low > high:
            yield Problem(("min",), "min が max より後の日付になっています"
                                    "（days_from_today は min の方を小さくしてください）")


def date_bound_from_text(text: str) -> date | dict | None:
    """A bound as administrators type it: ``2025-04-01`` as a date; ``today``, ``today+7``,
    ``today-1`` as days from today; ``today+3開庁日`` as 開庁日 from today; else None."""
    text = (text or "").strip()
    business = re.fullmatch(r"(?:today|今日)\+?(\d{1,3})開庁日(?:後)?", text.replace(" ", ""))
    if business is not None:
        count = int(business.group(1))
        return {"business_days_from_today": count} if count <= municipal.MAX_BUSINESS_DAYS else None
    if text.startswith(("today", "今日")):
        offset = text.removeprefix("today").removeprefix("今日").replace(" ", "") or "0"
        # Days, not a number of any size: a date that far away cannot be computed or shown.
        if not re.fullmatch(r"[+-]?\d{1,5}", offset):
            return None
        return {"days_from_today": int(offset)}
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_bound_text(value: Any) -> str:
    """A bound as written in YAML (a date, or {days_from_today: N}) as administrators type it."""
    if value is None:
        return ""
    if isinstance(value, dict) and "business_days_from_today" in value:
        return f"today+{int(value['business_days_from_today'])}開庁日"
    if isinstance(value, dict) and "days_from_today" in value:
        days = int(value["days_from_today"])
        return "today" if days == 0 else f"today{days:+d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def closed_words() -> str:
    """The days the office is closed, as a hint says them: 土日祝日・年末年始 by default."""
    return "土日祝日・年末年始" if municipal.has_default_closed_days() else "土日祝日・市の休庁日"


def closed_words_en() -> str:
    return "over the New Year" if municipal.has_default_closed_days() else "on the city's closed days"


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _next_day_of_month(day: date, day_of_month: int) -> date:
    """The first date on or after ``day`` that is the ``day_of_month`` of its month (1–28)."""
    if day.day <= day_of_month:
        return day.replace(day=day_of_month)
    year, month = (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)
    return date(year, month, day_of_month)


def _in_days(bound: DateBound | None) -> int | None:
    """An offset from today counted in days only (its order against another such offset is the
    same every day); None for a fixed date, an offset in months (months differ in length) or in
    開庁日."""
    if not isinstance(bound, DateOffset):
        return None
    return None if bound.months_from_today else bound.days_from_today


def resolve_bound(bound: DateBound | None, today: date) -> date | None:
    if isinstance(bound, DateOffset | BusinessDayOffset):
        return bound.resolve(today)
    return bound


def combine_date(raw, ctx: FieldContext) -> date | None:
    parts = stripped(raw)
    if not any(parts.values()):
        return None
    for part in DateInputField.parts:
        if not parts[part]:
            raise PartError(
                ctx.t("年・月・日をすべて入力してください", "Enter the year, month and day"), part
            )
    try:
        return parse_date_parts(parts["year"], parts["month"], parts["day"])
    except InvalidDate as error:
        # formsvc.japanese explains in Japanese only; English gets one message per input.
        part = getattr(error, "part", None) or "year"
        message = str(error)
        if message == YEAR_FORMAT_MESSAGE:
            western, japanese = example_years(ctx.today)
            message = f"年は西暦（例：{western}）か和暦（例：{japanese}）で入力してください"
        raise PartError(ctx.t(message, english_date_message(part, ctx.today)), part) from None


def example_years(today: date) -> tuple[str, str]:
    """This year as examples of how a year may be typed: ("2026", "令和8"). Examples follow the
    calendar (Japan time), so that no hint asks for last year's 2025 in 2027."""
    era = era_of(today)
    if era is None:
        return str(today.year), str(today.year)
    return str(today.year), f"{era.name}{today.year - era.start.year + 1}"


def english_date_message(part: str, today: date) -> str:
    if part == "year":
        western, japanese = example_years(today)
        return f"Enter the year like {western} or {japanese}, for a date within that era"
    return ENGLISH_DATE_MESSAGES[part]


ENGLISH_DATE_MESSAGES = {
    "month": "Enter the month as a number from 1 to 12",
    "day": "Enter a day that exists in that month",
}


def split_date(value: date) -> dict[str, str]:
    return {"year": str(value.year), "month": str(value.month), "day": str(value.day)}
