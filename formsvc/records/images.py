"""Attached pictures made printable: HEIC photos (and JPEG/PNG) as bounded JPEGs, for the PDF
record and the staff's detail page. The original file is never changed; staff download it as sent.

Files were checked when they were uploaded (formsvc.fields.file_content), but a picture is
decoded again here from stored bytes, so every failure becomes "cannot be shown" (None), never
an error that stops a record from printing.
"""

from __future__ import annotations

import base64
import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.definitions.schema import FormDefinition
from formsvc.fields.file import clean_filename
from formsvc.fields.file_content import DECODE_ERRORS, IMAGE_KINDS, MAX_IMAGE_PIXELS, is_image, kind_label, kind_of
from formsvc.submissions.models import Submission, Upload
from formsvc.submissions.storage import StorageError, upload_bytes

log = logging.getLogger(__name__)

# Longest side of a converted picture: sharp on A4 at the printed width (about 150 mm at 250 dpi)
# and on a screen, and far smaller than a 12-megapixel original.
MAX_SIDE = 1600
JPEG_QUALITY = 85
def to_jpeg(content: bytes, content_type: str, max_side: int = MAX_SIDE) -> bytes | None:
    """``content`` (a picture of ``content_type``) as a JPEG no larger than max_side pixels, turned
    the way the camera held it (EXIF orientation), metadata (GPS position…) left out; None when it
    is not a picture or cannot be read."""
    kind = kind_of(content_type)
    if kind not in IMAGE_KINDS:
        return None
    try:
        image = _open(content, kind)
        if image is None:
            return None
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        if image.mode not in ("RGB", "L"):
            # Transparent PNGs are printed on white, as a viewer shows them.
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    except (*DECODE_ERRORS, Image.DecompressionBombError):
        return None
    return buffer.getvalue()


def _open(content: bytes, kind: str) -> Image.Image | None:
    if kind == "heic":
        import pillow_heif  # loads libheif only when a photo is shown

        heif = pillow_heif.open_heif(io.BytesIO(content), convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > MAX_IMAGE_PIXELS:
            return None
        return heif.to_pillow()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # refuse, don't just warn
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            return None
        image.load()
    return image


def jpeg_data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


@dataclass(frozen=True)
class PrintedAttachment:
    """One file as the record lists it: its question, name and kind, and a picture when it is one."""

    label: str
    filename: str
    kind: str
    image_uri: str | None = None  # data: URI of a JPEG; None for documents and unreadable pictures
    unreadable: bool = False  # a picture that could not be converted (listed by name only)


def printed_attachments(session: Session, submission: Submission, definition: FormDefinition,
                        locale: str = "ja") -> list[PrintedAttachment]:
    """The files of the answers as submitted (not those replaced by a correction), in upload order."""
    current = set(Answers.from_json(submission.answers).uploads(definition))
    uploads = session.scalars(select(Upload).where(Upload.submission_id == submission.id).order_by(Upload.id))
    printed = []
    for upload in uploads:
        if upload.token not in current:
            continue
        spec = definition.field_by_id(upload.field_id)
        jpeg = None
        if is_image(upload.content_type):
            try:
                jpeg = to_jpeg(upload_bytes(upload), upload.content_type)
            except StorageError:  # missing from its storage or unreachable: the record still prints
                log.warning("a printed picture could not be read from its storage: %s", upload.token)
        printed.append(PrintedAttachment(
            spec.label.get(locale) if spec else upload.field_id, clean_filename(upload.filename),
            kind_label(upload.content_type), jpeg_data_uri(jpeg) if jpeg else None,
            unreadable=is_image(upload.content_type) and jpeg is None,
        ))
    return printed
