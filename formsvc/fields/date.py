"""Dates typed as 年/月/日 (西暦 or 和暦), shown with both calendars."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from formsvc import clock
from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, Problem, register
from formsvc.fields.composite import CompositeInputField, PartError, part_inputs, stripped
from formsvc.japanese.era import YEAR_FORMAT_MESSAGE, InvalidDate, era_of, format_date_both, parse_date_parts
from formsvc.vocabulary.common import Text
from formsvc.vocabulary.conditions import DateOffset

DateBound = date | DateOffset


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

    type_label = ("日付", "Date")
    menu_position = 80
    comparable = True
    prefill_sources = frozenset({"birthdate"})

    def value_from_identity(self, claims):
        try:
            return date.fromisoformat(claims["birthdate"]) if claims.get("birthdate") else None
        except ValueError:
            return None

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
        return hint

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
        return []

    def condition_value(self, text):
        bound = date_bound_from_text(text)
        if bound is None:
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
    ``today-1`` as days from today; else None."""
    text = (text or "").strip()
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
    if isinstance(value, dict) and "days_from_today" in value:
        days = int(value["days_from_today"])
        return "today" if days == 0 else f"today{days:+d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _in_days(bound: DateBound | None) -> int | None:
    """An offset from today counted in days only (its order against another such offset is the
    same every day); None for a fixed date or an offset in months (months differ in length)."""
    if not isinstance(bound, DateOffset):
        return None
    return None if bound.months_from_today else bound.days_from_today


def resolve_bound(bound: DateBound | None, today: date) -> date | None:
    if isinstance(bound, DateOffset):
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
