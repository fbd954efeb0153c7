"""File attachments, checked by size and by content (magic bytes), not by name alone."""

from __future__ import annotations

import unicodedata
from typing import IO, Annotated, Any, Literal
from urllib.parse import quote

from pydantic import Field
from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, register

# Signatures of the formats residents are asked for; the name's extension is not trusted.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
FileKind = Literal["pdf", "jpeg", "png"]
TYPE_NAMES: dict[FileKind, str] = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def sniff(head: bytes) -> str | None:
    """The kind of file that these first bytes start, or None."""
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


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
    )] = Field(default_factory=lambda: list(TYPE_NAMES), min_length=1)
    max_size_mb: Annotated[float, AdminOption(
        "1ファイルの大きさの上限（MB）", "number", hint="50まで", noun="ファイルの大きさの上限（MB）",
    )] = Field(10, gt=0, le=50, description="1ファイルあたりの上限 (MB)")
    max_files: Annotated[int, AdminOption("ファイルの数の上限", "int", hint="20まで")] = Field(1, ge=1, le=20)

    type_label = ("ファイルの添付", "File upload")
    menu_position = 170
    receives_uploads = True

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def accept_text(self) -> str:
        return "・".join(TYPE_NAMES[kind] for kind in self.accept)

    def automatic_hint(self, ctx):
        size = f"{self.max_size_mb:g}MB"
        return ctx.t(f"{self.accept_text()}形式、1ファイル{size}まで、{self.max_files}ファイルまで",
                     f"{self.accept_text()}, up to {size} each, up to {self.max_files} files")

    def form_field(self, ctx):
        return UploadInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}のファイルを選択してください", f"Choose a file for {label}")

    def validate_answer(self, value, ctx):
        if len(value) > self.max_files:
            return [ctx.t(f"{self.label_text(ctx)}は{self.max_files}ファイルまで添付できます",
                          f"You can attach up to {self.max_files} files")]
        for upload in value:
            if isinstance(upload, dict):
                continue  # stored on an earlier visit, checked then
            messages = self.check_upload(upload.filename, upload.stream, ctx)
            if messages:
                return messages
        return []

    def check_upload(self, filename: str, stream: IO[bytes], ctx: FieldContext) -> list[str]:
        filename = clean_filename(filename)  # as it will be stored (and safe to show)
        size = stream_size(stream)
        if size == 0:
            return [ctx.t(f"{filename}は空のファイルです", f"{filename} is empty")]
        if size > self.max_bytes:
            limit = f"{self.max_size_mb:g}MB"
            return [ctx.t(f"{filename}は{limit}を超えています。{limit}以下のファイルを選択してください",
                          f"{filename} is larger than {limit}")]
        position = stream.tell()
        stream.seek(0)
        kind = sniff(stream.read(16))
        stream.seek(position)
        if kind not in self.accept:
            return [ctx.t(f"{filename}は{self.accept_text()}のファイルではありません。"
                          f"{self.accept_text()}のファイルを選択してください",
                          f"{filename} must be a {self.accept_text()} file")]
        return []

    def answer_from_input(self, data: Any) -> Any:
        """Files attached earlier stay as they are; new ones become pending entries, which
        the page replaces with stored uploads once the whole page is valid."""
        stored = [item for item in data or [] if isinstance(item, dict)]
        pending = [pending_upload(item) for item in data or [] if isinstance(item, FileStorage)]
        return [*stored, *pending] or None

    def form_inputs(self, value):
        return {}  # files are sent as multipart parts, not as text inputs

    def display(self, value, locale="ja"):
        # Cleaned again: names stored before cleaning on upload existed may hold controls.
        return "、".join(clean_filename(item["filename"]) for item in value or [])

    def example_answer(self):
        return [{"filename": "example.pdf", "content_type": "application/pdf", "size": 1024}]
