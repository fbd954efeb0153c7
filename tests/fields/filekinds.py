"""Real, tiny files of every kind a file question may accept, made on the spot: HEIC photos
written by pillow-heif, Office files zipped as Excel and Word write them, and hostile zips."""

from __future__ import annotations

import io
import struct
import zipfile

import pillow_heif
from PIL import Image

XLSX_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_TYPES = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCX_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def picture(width: int = 48, height: int = 32, colour=(200, 40, 40)) -> Image.Image:
    image = Image.new("RGB", (width, height), colour)
    image.paste((20, 20, 200), (0, 0, width // 2, height))  # two halves: a conversion keeps the picture
    return image


def heic(width: int = 48, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(picture(width, height)).save(buffer, quality=60)
    return buffer.getvalue()


def jpeg(width: int = 48, height: int = 32) -> bytes:
    buffer = io.BytesIO()
    picture(width, height).save(buffer, format="JPEG")
    return buffer.getvalue()


def content_types(main: str, extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>{extra}</Types>')


def office_zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx(main: str = XLSX_TYPES, extra_parts: dict[str, bytes | str] | None = None) -> bytes:
    """A 就労証明書 workbook as Excel zips it (parts only; the cells do not matter here)."""
    return office_zip({
        "[Content_Types].xml": content_types(main),
        "_rels/.rels": "<Relationships/>",
        "xl/workbook.xml": "<workbook><sheets><sheet name='就労証明書'/></sheets></workbook>",
        "xl/worksheets/sheet1.xml": "<worksheet/>",
        **(extra_parts or {}),
    })


def docx() -> bytes:
    return office_zip({
        "[Content_Types].xml": content_types(DOCX_TYPES).replace("/xl/workbook.xml", "/word/document.xml"),
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document/>",
    })


def xlsm() -> bytes:
    """A macro-enabled workbook (Excel's .xlsm), e.g. renamed to .xlsx."""
    return office_zip({
        "[Content_Types].xml": content_types(XLSM_TYPES),
        "xl/workbook.xml": "<workbook/>",
        "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60,
    })


def plain_zip() -> bytes:
    return office_zip({"readme.txt": "not an Office file", "data/table.csv": "a,b\n1,2\n"})


def bomb_zip(declared_mb: int = 4096) -> bytes:
    """An xlsx-looking zip whose sheet claims ``declared_mb`` MB once decompressed: only its
    central directory may be read, never the sheet."""
    body = office_zip({
        "[Content_Types].xml": content_types(XLSX_TYPES),
        "xl/workbook.xml": "<workbook/>",
        "xl/worksheets/sheet1.xml": b"\x00" * 1024,
    })
    # Rewrite the sheet's declared uncompressed size (central directory and local header) to a lie.
    name = b"xl/worksheets/sheet1.xml"
    data = bytearray(body)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            struct.pack_into("<L", data, central + 24, min(declared_mb * 1024 * 1024, 0xFFFFFFFE))
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def real_bomb_zip() -> bytes:
    """[Content_Types].xml itself 64 MB of spaces, deflated to about 60 kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types(XLSX_TYPES) + " " * (64 * 1024 * 1024))
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def many_entries_zip(entries: int = 60000) -> bytes:
    """A zip whose end record claims ``entries`` parts (the directory is never that long)."""
    body = bytearray(xlsx())
    eocd = body.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", body, eocd + 8, entries, entries)
    return bytes(body)
