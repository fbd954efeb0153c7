"""File attachments, checked by size and by content (magic bytes), not by name alone."""

from __future__ import annotations

import unicodedata
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

from pydantic import Field
from wtforms import MultipleFileField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, Problem, register
from formsvc.fields.file_content import MEDIA_TYPES, FileKind, Finding, identify, sniff

if TYPE_CHECKING:  # reading definitions needs no Werkzeug (`formsvc validate`)
    from werkzeug.datastructures import FileStorage

__all__ = [
    "MEDIA_TYPES",
    "FileField",
    "FileKind",
    "clean_filename",
    "content_disposition",
    "identify",
    "pending_upload",
    "sniff",
]

# The names residents read in hints and messages (ja, en).
TYPE_NAMES: dict[FileKind, str] = {
    "pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "heic": "HEIC", "xlsx": "Excel（xlsx）", "docx": "Word（docx）",
}
EN_TYPE_NAMES: dict[FileKind, str] = {**TYPE_NAMES, "xlsx": "Excel (xlsx)", "docx": "Word (docx)"}
# What a question accepts when its definition does not say: the kinds accepted before HEIC and
# Office files were (an existing definition keeps its meaning).
DEFAULT_ACCEPT: list[FileKind] = ["pdf", "jpeg", "png"]
# The browser's file chooser: extensions and media types per kind (the accept attribute).
CHOOSER_TYPES: dict[FileKind, str] = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
    "heic": ".heic,.heif,image/heic,image/heif",
    "xlsx": f".xlsx,{MEDIA_TYPES['xlsx']}",
    "docx": f".docx,{MEDIA_TYPES['docx']}",
}


# --- attachment names -------------------------------------------------------------------------
# A name is what the resident's computer called the file: untrusted text shown to staff, written
# into a Content-Disposition header and offered as the name of a file saved to disk.

DEFAULT_FILENAME = "file"
# Most file systems allow 255 bytes per name; leave room for a browser's " (1)".
MAX_FILENAME_BYTES = 240
MAX_EXTENSION_LENGTH = 10
# Control (CR, LF, NUL …) and format characters (right-to-left override U+202E, zero-width
# joiners, BOM …): they break headers or make a name read as something else (「gpj.exe」 shown
# as 「exe.jpg」). Lone surrogates and line/paragraph separators are just as unprintable.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def clean_filename(name: str | None) -> str:
    """A file name safe to store, show and send: the last path part, without control or
    format characters, at most MAX_FILENAME_BYTES of UTF-8 (the extension kept), never empty."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in _UNPRINTABLE)
    # Browsers may send a whole path (C:\fakepath\…); only the name is the file's.
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = text.strip().strip(".").strip()  # no hidden (.name) file, no trailing dot (Windows)
    if not text:
        return DEFAULT_FILENAME
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION_LENGTH:
        stem, extension = text, ""
    suffix = f".{extension}" if extension else ""
    budget = MAX_FILENAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode(errors="ignore").rstrip(" .")
    return f"{stem or DEFAULT_FILENAME}{suffix}"


def content_disposition(name: str | None, inline: bool = False) -> str:
    """The Content-Disposition header for a download named ``name`` (cleaned first).

    ``filename*`` carries the real name (RFC 5987/6266: UTF-8, percent-encoded); ``filename``
    is a plain-ASCII stand-in for clients that do not read ``filename*``.
    """
    name = clean_filename(name)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fallback = _ascii_part(stem) or DEFAULT_FILENAME
    if _ascii_part(extension):
        fallback += f".{_ascii_part(extension)}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ascii_part(text: str) -> str:
    """The letters and digits that have an ASCII form (é → e); anything else becomes _."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in plain).strip("_")


def stream_size(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def pending_upload(upload: FileStorage) -> dict:
    """A new file in the answers until it is stored: ``pending`` is the key of the upload
    among the request's files (its id)."""
    return {"pending": id(upload), "filename": clean_filename(upload.filename)}


class UploadInputField(MultipleFileField):
    """New files are added to those already attached on an earlier visit (kept as dicts)."""

    def process_formdata(self, valuelist):
        # Browsers send an empty part when no file was chosen: that is "no new file".
        files = [item for item in valuelist if getattr(item, "filename", None)]
        # None when there is no file at all, so that `required` applies (the stubs allow only a list).
        self.data = [*(self.object_data or []), *files] or None  # type: ignore[assignment]


@register
class FileField(FieldSpec):
    type: Literal["file"] = "file"
    accept: Annotated[list[FileKind], AdminOption(
        "受け付けるファイルの種類", "accept", choices=tuple(TYPE_NAMES.items()),
    )] = Field(default_factory=lambda: list(DEFAULT_ACCEPT), min_length=1)
    max_size_mb: Annotated[float, AdminOption(
        "1ファイルの大きさの上限（MB）", "number", hint="50まで", noun="ファイルの大きさの上限（MB）",
    )] = Field(10, gt=0, le=50, description="1ファイルあたりの上限 (MB)")
    max_files: Annotated[int, AdminOption("ファイルの数の上限", "int", hint="20まで")] = Field(1, ge=1, le=20)
    min_files: Annotated[int | None, AdminOption(
        "ファイルの数の下限", "int", hint="20まで。添付がないことを認めるかどうかは「必須」で決まります",
    )] = Field(None, ge=1, le=20, description="添付するならこれ以上のファイル数 (添付なしを認めるかは required)")

    type_label = ("ファイルの添付", "File upload")
    menu_position = 170
    receives_uploads = True

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def accept_text(self, locale: str = "ja") -> str:
        if locale == "en":
            return ", ".join(EN_TYPE_NAMES[kind] for kind in self.accept)
        return "・".join(TYPE_NAMES[kind] for kind in self.accept)

    def chooser_types(self) -> str:
        """The input's accept attribute: what the browser's file chooser offers first."""
        return ",".join(CHOOSER_TYPES[kind] for kind in self.accept)

    def automatic_hint(self, ctx):
        size = f"{self.max_size_mb:g}MB"
        if self.min_files and self.min_files > 1:
            count_ja = f"{self.min_files}〜{self.max_files}ファイル"
            count_en = f"{self.min_files} to {self.max_files} files"
        else:
            count_ja, count_en = f"{self.max_files}ファイルまで", f"up to {self.max_files} files"
        return ctx.t(f"{self.accept_text()}形式、1ファイル{size}まで、{count_ja}",
                     f"{self.accept_text('en')}, up to {size} each, {count_en}")

    def form_field(self, ctx):
        return UploadInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}のファイルを選択してください", f"Choose a file for {label}")

    def validate_answer(self, value, ctx):
        label = self.label_text(ctx)
        if len(value) > self.max_files:
            return [ctx.t(f"{label}は{self.max_files}ファイルまで添付できます",
                          f"You can attach up to {self.max_files} files for {label}")]
        for upload in value:
            if isinstance(upload, dict):
                continue  # stored on an earlier visit, checked then
            messages = self.check_upload(upload.filename, upload.stream, ctx)
            if messages:
                return messages
        # Checked last: a resident adding files one by one first hears what is wrong with a file.
        if self.min_files and len(value) < self.min_files:
            return [self.too_few_message(len(value), ctx)]
        return []

    def too_few_message(self, count: int, ctx: FieldContext) -> str:
        label = self.label_text(ctx)
        return ctx.t(f"{label}を{self.min_files}ファイル以上添付してください（いまは{count}ファイルです）",
                     f"Attach at least {self.min_files} files for {label} (there are {count} now)")

    def check_upload(self, filename: str, stream: IO[bytes], ctx: FieldContext) -> list[str]:
        filename = clean_filename(filename)  # as it will be stored (and safe to show)
        size = stream_size(stream)
        if size == 0:
            return [ctx.t(f"{filename}は空のファイルです", f"{filename} is empty")]
        if size > self.max_bytes:
            limit = f"{self.max_size_mb:g}MB"
            return [ctx.t(f"{filename}は{limit}を超えています。{limit}以下のファイルを選択してください",
                          f"{filename} is larger than {limit}")]
        # HEIC photos are opened only when this question takes them (decoding costs time).
        finding = identify(stream, check_images="heic" in self.accept)
        if finding.kind not in self.accept:
            return [self.refusal_message(filename, finding, ctx)]
        return []

    def refusal_message(self, filename: str, finding: Finding, ctx: FieldContext) -> str:
        accepted_ja, accepted_en = self.accept_text(), self.accept_text("en")
        if finding.refusal == "broken":
            return ctx.t(f"{filename}は壊れているか、途中までしか送られていないため読めません。"
                         "元の写真をもう一度選択してください",
                         f"{filename} is damaged or incomplete. Choose the original photo again")
        if finding.refusal == "too_large_image":
            return ctx.t(f"{filename}は画素数が多すぎます。縮小してから選択してください",
                         f"{filename} has too many pixels. Make it smaller and choose it again")
        if finding.refusal == "macro" and {"xlsx", "docx"} & set(self.accept):
            return ctx.t(f"{filename}はマクロを含むファイルのため受け付けられません。"
                         "マクロを含まない形式（Excelブック .xlsx または Word文書 .docx）で保存し直してください",
                         f"{filename} contains macros. Save it as a macro-free workbook (.xlsx) "
                         "or document (.docx)")
        return ctx.t(f"{filename}は{accepted_ja}のファイルではありません。{accepted_ja}のファイルを選択してください",
                     f"{filename} must be a {accepted_en} file")

    def problems(self, definition):
        if self.min_files and self.min_files > self.max_files:
            yield Problem(("min_files",), f"min_files ({self.min_files}) が max_files ({self.max_files}) "
                                          "より大きくなっています。max_files を min_files 以上にしてください")

    def answer_from_input(self, data: Any) -> Any:
        """Files attached earlier stay as they are; new ones become pending entries, which
        the page replaces with stored uploads once the whole page is valid."""
        from werkzeug.datastructures import FileStorage

        stored = [item for item in data or [] if isinstance(item, dict)]
        pending = [pending_upload(item) for item in data or [] if isinstance(item, FileStorage)]
        return [*stored, *pending] or None

    def form_inputs(self, value):
        return {}  # files are sent as multipart parts, not as text inputs

    def display(self, value, locale="ja"):
        # Cleaned again: names stored before cleaning on upload existed may hold controls.
        return "、".join(clean_filename(item["filename"]) for item in value or [])

    def example_answer(self):
        if not self.min_files or self.min_files == 1:
            return [{"filename": "example.pdf", "content_type": "application/pdf", "size": 1024}]
        return [{"filename": f"example{number}.pdf", "content_type": "application/pdf", "size": 1024}
                for number in range(1, self.min_files + 1)]
