"""A municipality's logo: checked and drawn again as a small PNG before it is kept.

Only what Pillow reads as a PNG, JPEG or WebP picture is taken, at most MAX_UPLOAD_BYTES and
MAX_SOURCE_PIXELS (a small file that claims huge dimensions is refused before it is decoded).
The picture is re-encoded, never stored as sent: no metadata, no trailing bytes another reader
could take for HTML or a script, and at most MAX_WIDTH × MAX_HEIGHT for the page header.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SOURCE_PIXELS = 4096 * 4096
# Twice the header's 40 px line, for sharp screens.
MAX_WIDTH, MAX_HEIGHT = 480, 80
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})


TOO_BIG = "ロゴの画像が大きすぎます（縦横4096ピクセル以内にしてください）"


class LogoProblem(ValueError):
    """Why the file is not taken (Japanese, shown at the field)."""


@dataclass(frozen=True)
class Logo:
    png: bytes
    digest: str  # in the logo's address, so that a new logo is fetched at once
    width: int
    height: int


def prepared(data: bytes) -> Logo:
    if not data:
        raise LogoProblem("ロゴの画像ファイルを選んでください")
    if len(data) > MAX_UPLOAD_BYTES:
        raise LogoProblem("ロゴの画像は1MB以下にしてください")
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise LogoProblem("ロゴはPNG、JPEG、WebPのいずれかの画像にしてください")
            if source.width * source.height > MAX_SOURCE_PIXELS:
                raise LogoProblem(TOO_BIG)
            source.load()
            picture = source.convert("RGBA")
    except LogoProblem:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own limit, met while opening
        raise LogoProblem(TOO_BIG) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise LogoProblem("画像として読めないファイルです。PNG、JPEG、WebPの画像を選んでください") from error
    picture.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    return Logo(png, hashlib.sha256(png).hexdigest()[:16], picture.width, picture.height)
