"""Encoding an export, and the characters Shift_JIS (cp932) cannot hold.

A Shift_JIS export is never silently lossy: before the file is written the rows are read once
for characters cp932 lacks (𠮷, most emoji, characters beyond JIS X 0208 and the NEC/IBM
extensions); if there are any, the clerk sees which 受付番号 and column hold them and may
download with each replaced by 〓 (げた, the convention of Japanese 基幹系 systems) or cancel.

Characters that only differ by the Unicode mapping of the same JIS character (〜 WAVE DASH and
～, − and －, ‖ and ∥, ¢ £ ¬ and their full-width forms) are written as cp932's own: that is the
same character to a Shift_JIS reader, not a loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from formsvc.review.export import csv_line
from formsvc.review.export_options import GETA, ExportOptions

_CP932_SAME = str.maketrans({
    "\u301c": "\uff5e",  # 〜 WAVE DASH → ～
    "\u2016": "\u2225",  # ‖ → ∥
    "\u2212": "\uff0d",  # − MINUS SIGN → －
    "\u00a2": "\uffe0", "\u00a3": "\uffe1", "\u00ac": "\uffe2", "\u00a6": "\uffe4",
    "\u2014": "\u2015",  # — EM DASH → ―
})
ROWS_PER_CHUNK = 200
MAX_LISTED = 200  # places listed on the report page; the count says how many there are in all


@dataclass(frozen=True)
class Place:
    """Where characters the encoding lacks are: a row's 受付番号 (empty for the header row) and column."""

    number: str
    column: str
    characters: str


@dataclass
class Report:
    places: list[Place] = field(default_factory=list)
    total: int = 0  # cells with such characters, listed or not

    def __bool__(self) -> bool:
        return self.total > 0


def _codec(options: ExportOptions) -> str:
    return "cp932" if options.encoding == "cp932" else "utf-8"


def _prepared(text: str, options: ExportOptions) -> str:
    if options.encoding != "cp932":
        return text
    text = text.translate(_CP932_SAME)
    if options.replaces:
        return "".join(char if _fits(char) else GETA for char in text)
    return text


def _fits(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def missing_characters(text: str) -> str:
    """The characters of ``text`` that cp932 lacks, each once, in order."""
    text = text.translate(_CP932_SAME)
    try:
        text.encode("cp932")
        return ""
    except UnicodeEncodeError:
        return "".join(dict.fromkeys(char for char in text if not _fits(char)))


def check(rows: Iterable[list[str]], options: ExportOptions) -> Report:
    """The places the chosen encoding cannot write (nothing for UTF-8 or once 〓 was chosen)."""
    report = Report()
    if options.encoding != "cp932" or options.replaces:
        return report
    headers: list[str] = []
    for index, row in enumerate(rows):
        if index == 0:
            headers = row
        for position, cell in enumerate(row):
            missing = missing_characters(cell)
            if not missing:
                continue
            report.total += 1
            if len(report.places) < MAX_LISTED:
                column = headers[position] if position < len(headers) else ""
                report.places.append(Place("" if index == 0 else row[0], column, missing))
    return report


def encoded(rows: Iterable[list[str]], options: ExportOptions) -> Iterator[bytes]:
    """The file's bytes, some rows at a time (a BOM first for UTF-8 with BOM)."""
    if options.encoding == "utf-8-sig":
        yield "\ufeff".encode()
    codec = _codec(options)
    lines: list[str] = []
    for row in rows:
        lines.append(csv_line([_prepared(cell, options) for cell in row]))
        if len(lines) >= ROWS_PER_CHUNK:
            # After the check (or with 〓 chosen) nothing is left to fail; should a row change in
            # between, 〓 is still better than a broken download.
            yield "".join(lines).encode(codec, errors="replace" if codec == "utf-8" else _GETA_ERRORS)
            lines = []
    if lines:
        yield "".join(lines).encode(codec, errors="replace" if codec == "utf-8" else _GETA_ERRORS)


def _geta(error: UnicodeError) -> tuple[str, int]:
    # codecs.register_error takes handlers of any UnicodeError; this one is only named when
    # encoding, and like "replace" it has nothing to put in place of undecodable bytes.
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return GETA * (error.end - error.start), error.end


_GETA_ERRORS = "formsvc-geta"


def _register() -> None:
    import codecs

    try:
        codecs.lookup_error(_GETA_ERRORS)
    except LookupError:
        codecs.register_error(_GETA_ERRORS, _geta)


_register()
