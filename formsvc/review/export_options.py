"""The choices a clerk makes when exporting applications as CSV (the export options page).

The page preselects choices for opening the file in Excel: UTF-8 with a BOM (so Excel detects it), はい/いいえ,
dates as 2026/12/01, reception numbers as residents see them (ABCD-EF23), line breaks kept inside
quoted cells, and repeating pages as numbered column groups. For a 基幹系 import a clerk picks
Shift_JIS (cp932), 1/0, 和暦 and one row per repeat item instead.

Everything comes from the query string of a GET form (no JavaScript), so an unknown or forged
value simply falls back to the default: the export never fails because of an option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import NamedTuple


class Choice(NamedTuple):
    """One radio button of the options page (components/form.html: value, label, hint)."""

    value: str
    label: str
    hint: str | None = None


# Each option: its choices, the first one being the default.
CHOICES: dict[str, tuple[Choice, ...]] = {
    "encoding": (
        Choice("utf-8-sig", "UTF-8（BOM付き）", "Excelでそのまま開けます。すべての文字をそのまま出力します"),
        Choice("cp932", "Shift_JIS（CP932）",
               "古いExcelや基幹系システムへの取り込み用。Shift_JISにない文字があれば、出力の前にお知らせします"),
        Choice("utf-8", "UTF-8（BOMなし）", "他のシステムやプログラムで読み込む場合"),
    ),
    "booleans": (
        Choice("words", "はい／いいえ", "チェックボックスは選択肢ごとの列に「はい」「いいえ」"),
        Choice("digits", "1／0", "はい・同意する・選んだ選択肢を1、そうでないものを0"),
    ),
    "dates": (
        Choice("slash", "西暦（2026/12/01）", "申請日時は 2026/12/01 09:30:00（日本時間）"),
        Choice("wareki", "和暦（令和8年12月1日）", None),
        Choice("wareki_short", "和暦の略記（R08.12.01）", "桁数が一定なので、固定長の項目に取り込めます"),
        Choice("iso", "ISO 8601（2026-12-01）", "申請日時は 2026-12-01T09:30:00+09:00"),
    ),
    "reception": (
        Choice("display", "ハイフン付き（ABCD-EF23）", "住民の方の控えや画面と同じ表記"),
        Choice("plain", "ハイフンなし（ABCDEF23）", None),
    ),
    "breaks": (
        Choice("keep", "セルの中で改行する", "複数行の回答の改行をそのまま残します（Excelでセル内改行になります）"),
        Choice("space", "改行を空白に置き換える", "1件を必ず1行にします（改行を扱えないシステム向け）"),
    ),
    "repeats": (
        Choice("columns", "列に並べる（品目1_…、品目2_…）", "1件1行のまま、繰り返し項目を最大数まで列に並べます"),
        Choice("rows", "別のCSVにする（1項目1行）",
               "申請のCSVには繰り返し項目を入れず、「繰り返し項目のCSV」に受付番号・件番号と一緒に出力します"),
    ),
}

LEGENDS = {
    "encoding": "文字コード",
    "booleans": "はい・いいえの表し方",
    "dates": "日付の表し方",
    "reception": "受付番号",
    "breaks": "複数行の回答",
    "repeats": "繰り返し項目（品目・世帯員など）",
}

# What the clerk chose on the report of characters Shift_JIS cannot hold.
REPLACE = "replace"
GETA = "〓"  # げた: the usual stand-in for a character a 基幹系 code page lacks


@dataclass(frozen=True)
class ExportOptions:
    encoding: str = "utf-8-sig"
    booleans: str = "words"
    dates: str = "slash"
    reception: str = "display"
    breaks: str = "keep"
    repeats: str = "columns"
    unencodable: str = ""  # REPLACE: write 〓 for characters the encoding lacks (after the report)

    def args(self, **changes: str) -> dict[str, str]:
        """The query string that asks for these options (every option, so a link says what it gives)."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    @property
    def replaces(self) -> bool:
        return self.unencodable == REPLACE


# What a link without any option gives (bookmarks, scripts written before the options page):
# the machine-readable file it always gave. The options page sends every option explicitly.
MACHINE_READABLE = ExportOptions(encoding="utf-8", booleans="digits", dates="iso", reception="plain",
                                 breaks="space", repeats="columns")


def parse(args: Mapping[str, str], bare: ExportOptions | None = None) -> ExportOptions:
    """The options in the query string; anything unknown is the default.

    With no option at all, ``bare`` (the options page: its preselected choices) or else the
    machine-readable file (``bom=1``: with a BOM, as the old queue link asked for Excel);
    otherwise an option left out is the options page's default.
    """
    chosen: dict[str, str] = {}
    for name, choices in CHOICES.items():
        value = args.get(name)
        if value in {choice.value for choice in choices}:
            chosen[name] = value
    if args.get("unencodable") == REPLACE:
        chosen["unencodable"] = REPLACE
    if not any(name in args for name in CHOICES):
        if bare is not None:
            return replace(bare, **chosen)
        return replace(MACHINE_READABLE, encoding="utf-8-sig" if args.get("bom") == "1" else "utf-8", **chosen)
    return ExportOptions(**chosen)
