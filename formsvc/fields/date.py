"""Dates typed as 年/月/日 (西暦 or 和暦), shown with both calendars."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from formsvc import clock
from formsvc.fields.base import FieldContext, FieldSpec, Problem, register
from formsvc.fields.composite import CompositeInputField, PartError, part_inputs, stripped
from formsvc.japanese.era import InvalidDate, format_date_both, parse_date_parts
from formsvc.vocabulary.common import Text
from formsvc.vocabulary.conditions import DateOffset

DateBound = date | DateOffset


class DateInputField(CompositeInputField):
    parts = ("year", "month", "day")


@register
class DateField(FieldSpec):
    type: Literal["date"] = "date"
    min: DateBound | None = Field(
        None, description="これより前の日付は不可。日付か {days_from_today: N} (N日後)"
    )
    max: DateBound | None = Field(
        None, description="これより後の日付は不可。生年月日なら {days_from_today: 0}"
    )
    min_message: Text | None = None
    max_message: Text | None = None

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
        return ctx.t("年は西暦（例：2025）か和暦（例：令和7）で入力できます",
                     "Enter the year as 2025, or in the Japanese calendar as 令和7")

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}を入力してください", f"Enter {label}")

    def validate_answer(self, value: date, ctx: FieldContext) -> list[str]:
        label = self.label_text(ctx)
        earliest = resolve_bound(self.min, ctx.today)
        latest = resolve_bound(self.max, ctx.today)
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
        today = clock.today()
        earliest, latest = resolve_bound(self.min, today), resolve_bound(self.max, today)
        if earliest and latest and earliest > latest:
            yield Problem(("min",), "min が max より後の日付になっています")


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
        raise PartError(ctx.t(str(error), ENGLISH_DATE_MESSAGES[part]), part) from None


ENGLISH_DATE_MESSAGES = {
    "year": "Enter the year like 2025 or 令和7, for a date within that era",
    "month": "Enter the month as a number from 1 to 12",
    "day": "Enter a day that exists in that month",
}


def split_date(value: date) -> dict[str, str]:
    return {"year": str(value.year), "month": str(value.month), "day": str(value.day)}
