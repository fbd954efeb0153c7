"""File attachments, checked by size and by content (magic bytes), not by name alone."""

from __future__ import annotations

from typing import IO, Literal

from pydantic import Field
from wtforms import MultipleFileField

from formsvc.fields.base import FieldContext, FieldSpec, register

# Signatures of the formats residents are asked for; the name's extension is not trusted.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
TYPE_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
FileKind = Literal["pdf", "jpeg", "png"]


def sniff(head: bytes) -> str | None:
    """The kind of file that these first bytes start, or None."""
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


def stream_size(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


class UploadInputField(MultipleFileField):
    """New files are added to those already attached on an earlier visit (kept as dicts)."""

    def process_formdata(self, valuelist):
        # Browsers send an empty part when no file was chosen: that is "no new file".
        files = [item for item in valuelist if getattr(item, "filename", None)]
        self.data = [*(self.object_data or []), *files] or None


@register
class FileField(FieldSpec):
    type: Literal["file"] = "file"
    accept: list[FileKind] = Field(default_factory=lambda: ["pdf", "jpeg", "png"], min_length=1)
    max_size_mb: float = Field(10, gt=0, le=50, description="1ファイルあたりの上限 (MB)")
    max_files: int = Field(1, ge=1, le=20)

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

    def form_inputs(self, value):
        return {}  # files are sent as multipart parts, not as text inputs

    def display(self, value, locale="ja"):
        return "、".join(item["filename"] for item in value or [])

    def example_answer(self):
        return [{"filename": "example.pdf", "content_type": "application/pdf", "size": 1024}]
