"""How one answer is written into CSV cells, as the clerk chose on the export options page.

Field types give their cells (``csv_values``: one datum per cell); the types whose cells depend
on an option (yes/no, consent and checkbox cells, dates, multi-line text) are written here, so
the field modules keep one machine-readable spelling and the export decides how it looks.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from formsvc.clock import JST
from formsvc.fields import FieldSpec
from formsvc.fields.checkboxes import CheckboxesField
from formsvc.fields.consent import ConsentField
from formsvc.fields.date import DateField
from formsvc.fields.textarea import TextAreaField
from formsvc.fields.yes_no import YesNoField
from formsvc.japanese.era import era_of, to_wareki
from formsvc.review.export_options import ExportOptions
from formsvc.submissions import reception

_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
# Line ends of every kind become the LF that Excel itself writes for a line break in a cell.
_LINE_ENDS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
# Other control characters (NUL, ESC…) mean nothing in a cell and upset importers.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters that differ between platforms (機種依存文字): circled and parenthesised numbers and
# letters, Roman numerals, squared and enclosed CJK, units. NFKC gives their plain spelling.
_PLATFORM_DEPENDENT = re.compile(r"[\u2150-\u218f\u2460-\u24ff\u2776-\u2793\u3200-\u33ff\U0001f100-\U0001f1ff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain(text: str) -> str:
    return _PLATFORM_DEPENDENT.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def clean(text) -> str:
    """One cell: text on one line, without platform-dependent characters."""
    text = "" if text is None else str(text)
    return _BREAKS.sub(" ", _plain(text)).strip()


def clean_lines(text) -> str:
    """One cell that may hold line breaks (LF), kept inside its quotes; tabs become spaces."""
    text = "" if text is None else str(text)
    text = _LINE_ENDS.sub("\n", _plain(text)).replace("\t", " ")
    return _CONTROLS.sub("", text).strip()


class Cells:
    """The cell spellings of one export."""

    def __init__(self, options: ExportOptions):
        self.options = options

    def text(self, value) -> str:
        return clean(value)

    def multiline(self, value) -> str:
        return clean_lines(value) if self.options.breaks == "keep" else clean(value)

    def boolean(self, value: bool) -> str:
        if self.options.booleans == "digits":
            return "1" if value else "0"
        return "はい" if value else "いいえ"

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        style = self.options.dates
        if style == "iso":
            return value.isoformat()
        era = era_of(value) if style.startswith("wareki") else None
        if era is None:  # western, or before 明治 (no era to write)
            return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"
        if style == "wareki":
            return to_wareki(value)
        # R08.12.01: fixed width (9 characters), the era's initial and a two-digit era year.
        return f"{era.initial}{value.year - era.start.year + 1:02d}.{value.month:02d}.{value.day:02d}"

    def datetime(self, moment: datetime | None) -> str:
        """A moment in Japan time: 2026/12/01 09:30:00 (ISO: with its +09:00 offset)."""
        if moment is None:
            return ""
        local = moment.astimezone(JST)
        if self.options.dates == "iso":
            return local.isoformat(timespec="seconds")
        return f"{self.date(local.date())} {local:%H:%M:%S}"

    def stored_value(self, value) -> str:
        """A stored computed value: a date (期限) as dates are written, anything else as stored."""
        text = clean(value)
        if _ISO_DATE.fullmatch(text):
            try:
                return self.date(date.fromisoformat(text))
            except ValueError:
                return text
        return text

    def reception_number(self, number: str) -> str:
        return reception.display(number) if self.options.reception == "display" else number

    def answer(self, spec: FieldSpec, value: Any) -> list[str]:
        """The cells of one answer (``spec.csv_columns()`` of them)."""
        if isinstance(spec, YesNoField):
            return ["" if value is None else self.boolean(bool(value))]
        if isinstance(spec, ConsentField):
            return [self.boolean(bool(value))]
        if isinstance(spec, CheckboxesField):
            selected = set(value or [])
            return [self.boolean(choice.value in selected) for choice in spec.all_choices()]
        if isinstance(spec, DateField):
            return [self.date(value)]
        if isinstance(spec, TextAreaField):
            return [self.multiline(value)]
        return [clean(cell) for cell in spec.csv_values(value)]
