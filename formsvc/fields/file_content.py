"""What an attached file is, judged by its content: the name's extension is not trusted.

* PDF, JPEG, PNG: by their first bytes (magic numbers);
* HEIC/HEIF (photos from iPhones): by the brands of the ISO base media ``ftyp`` box, then opened
  with pillow-heif to make sure the picture can be read (a truncated photo is refused on upload,
  not discovered by staff later);
* Excel (xlsx) and Word (docx): Office Open XML files are zip archives. Only the archive's
  central directory is read (the list of its parts, bounded in number and size) and one small
  part, ``[Content_Types].xml``, read through a bounded buffer: nothing else is decompressed,
  so a zip bomb costs nothing. Other zips and macro-enabled files (xlsm/docm, a vbaProject.bin
  under a .xlsx name) are refused.

``identify`` returns a ``Finding``: the kind, or why the file is refused.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Literal

FileKind = Literal["pdf", "jpeg", "png", "heic", "xlsx", "docx"]

# Signatures of the formats recognised by their first bytes.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
ZIP_SIGNATURE = b"PK\x03\x04"
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_OF_MEDIA_TYPE = {media_type: kind for kind, media_type in MEDIA_TYPES.items()}
# Kinds that are pictures: shown to staff and printed on the record (HEIC converted to JPEG).
IMAGE_KINDS = frozenset({"jpeg", "png", "heic"})
# How the kinds are named to staff and on the record (Japanese: staff areas are Japanese only).
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG画像", "png": "PNG画像", "heic": "HEIC画像（iPhoneの写真）",
               "xlsx": "Excelファイル（xlsx）", "docx": "Wordファイル（docx）"}


def kind_of(content_type: str) -> str | None:
    """The kind of a stored upload, from the media type it was stored with."""
    return KIND_OF_MEDIA_TYPE.get(content_type)


def is_image(content_type: str) -> bool:
    return kind_of(content_type) in IMAGE_KINDS


def kind_label(content_type: str) -> str:
    kind = kind_of(content_type)
    return KIND_LABELS[kind] if kind else content_type


# --- HEIC / HEIF ------------------------------------------------------------------------------
# ftyp brands of HEVC-coded HEIF files (ISO/IEC 23008-12 Annex B). mif1/msf1/heif only say
# "some HEIF", which AVIF files say too: those count when no AVIF brand is listed.
HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"heif"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})
MAX_FTYP_SIZE = 256  # real ftyp boxes list a handful of brands (~30 bytes)
# Pictures larger than this are refused before decoding: a 20-byte header can claim 30000×30000
# pixels (a decompression bomb). Phones take 12–50 megapixels; 100 megapixels leaves room.
MAX_IMAGE_PIXELS = 100_000_000

# --- Office Open XML --------------------------------------------------------------------------
# The number of parts of a real 就労証明書 workbook is about 20; a Word file with many pictures a
# few hundred. The central directory of 2,000 parts is well under 200 kB.
MAX_ZIP_ENTRIES = 2000
MAX_CENTRAL_DIRECTORY = 1024 * 1024
MAX_CONTENT_TYPES = 256 * 1024  # [Content_Types].xml is a few kB
EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
CENTRAL_ENTRY = struct.Struct("<4s6HL2L5HLL")  # 46 bytes, APPNOTE.TXT 4.3.12
OFFICE_MAIN_TYPES = {
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
OFFICE_MAIN_PARTS = {"xlsx": "xl/", "docx": "word/"}

Refusal = Literal["unknown", "broken", "too_large_image", "macro", "not_office"]


@dataclass(frozen=True)
class Finding:
    kind: str | None  # one of FileKind, or None when refused
    refusal: Refusal | None = None  # why, when kind is None


def sniff(head: bytes) -> str | None:
    """The kind these first bytes (at least 64 for HEIC) announce: a FileKind, "zip" for any
    zip archive (looked into by ``identify``), or None."""
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    if head.startswith(ZIP_SIGNATURE):
        return "zip"
    if _is_heif(head):
        return "heic"
    return None


def _is_heif(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    if not 16 <= size <= MAX_FTYP_SIZE:
        return False
    box = head[8:size]
    brands = {box[:4]} | {box[i:i + 4] for i in range(8, len(box) - 3, 4)}  # major, then compatible
    if brands & HEVC_BRANDS:
        return True
    return bool(brands & GENERIC_HEIF_BRANDS) and not brands & AVIF_BRANDS


def identify(stream: IO[bytes], check_images: bool = True) -> Finding:
    """What the file in ``stream`` (seekable) is; the stream's position is kept.

    ``check_images``: open HEIC photos to make sure they can be read (on upload); files already
    stored were checked then."""
    position = stream.tell()
    try:
        stream.seek(0)
        kind = sniff(stream.read(MAX_FTYP_SIZE))
        if kind is None:
            return Finding(None, "unknown")
        if kind == "zip":
            return _office_kind(stream)
        if kind == "heic" and check_images:
            return _readable_heif(stream)
        return Finding(kind)
    finally:
        stream.seek(position)


# What decoding a damaged or forged picture raises (PIL and pillow-heif): SyntaxError for a box of
# an unknown version, IndexError for a file without a primary image, and the usual I/O errors.
DECODE_ERRORS = (ValueError, RuntimeError, OSError, EOFError, SyntaxError, IndexError, MemoryError)


def _readable_heif(stream: IO[bytes]) -> Finding:
    import pillow_heif  # only when a photo arrives: it loads libheif

    stream.seek(0)
    try:
        heif = pillow_heif.open_heif(stream, convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > MAX_IMAGE_PIXELS:
            return Finding(None, "too_large_image")
        heif.data  # noqa: B018 - decodes the picture: a truncated or corrupt file fails here
    except DECODE_ERRORS:
        return Finding(None, "broken")
    return Finding("heic")


# --- zip: the central directory only ----------------------------------------------------------

def _office_kind(stream: IO[bytes]) -> Finding:
    names = _zip_names(stream)
    if names is None:
        return Finding(None, "not_office")
    lowered = [name.lower() for name in names]
    if len(set(lowered)) != len(lowered):
        # Office forbids two parts of one name; zipfile would open another [Content_Types].xml
        # than the one checked here.
        return Finding(None, "not_office")
    # A VBA project (xlsm/docm, or one renamed to .xlsx), Excel 4 macro sheets, ActiveX controls.
    if any(name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") or "activex" in name
           for name in lowered):
        return Finding(None, "macro")
    if "[content_types].xml" not in lowered:
        return Finding(None, "not_office")
    candidates = [kind for kind, folder in OFFICE_MAIN_PARTS.items()
                  if any(name.startswith(folder) for name in lowered)]
    if len(candidates) != 1:
        return Finding(None, "not_office")
    kind = candidates[0]
    types = _content_types(stream, names[lowered.index("[content_types].xml")])
    if types is None:
        return Finding(None, "not_office")
    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
        return Finding(None, "macro")
    if OFFICE_MAIN_TYPES[kind] not in types:
        return Finding(None, "not_office")  # e.g. a template (xltx) or something else entirely
    return Finding(kind)


def _zip_names(stream: IO[bytes]) -> list[str] | None:
    """The part names listed in the central directory, or None for an archive that is not a
    plain, single-disk, unencrypted zip of at most MAX_ZIP_ENTRIES parts."""
    size = stream.seek(0, io.SEEK_END)
    tail_size = min(size, EOCD_SIZE + 0xFFFF)  # the record, then a comment of at most 64 kB
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        return None
    (_, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _) = struct.unpack(
        "<4s4H2LH", tail[at:at + EOCD_SIZE])
    eocd_offset = size - tail_size + at
    if (disk or cd_disk or disk_entries != entries or entries == 0 or entries > MAX_ZIP_ENTRIES
            or cd_size > MAX_CENTRAL_DIRECTORY or cd_offset + cd_size > eocd_offset):
        return None  # multi-disk, zip64 (0xFFFF entries), too many parts or inconsistent
    stream.seek(cd_offset)
    directory = stream.read(cd_size)
    names = []
    offset = 0
    for _ in range(entries):
        if offset + CENTRAL_ENTRY.size > len(directory):
            return None
        fields = CENTRAL_ENTRY.unpack_from(directory, offset)
        signature, flags = fields[0], fields[3]
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        if signature != b"PK\x01\x02" or flags & 0x1:  # not an entry, or encrypted
            return None
        start = offset + CENTRAL_ENTRY.size
        raw = directory[start:start + name_length]
        if len(raw) != name_length or b"\x00" in raw:
            return None
        names.append(raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace"))
        offset = start + name_length + extra_length + comment_length
    return names


def _content_types(stream: IO[bytes], name: str) -> bytes | None:
    """The text of [Content_Types].xml, decompressed into at most MAX_CONTENT_TYPES bytes."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo(name)
            if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                    or info.file_size > MAX_CONTENT_TYPES or info.compress_size > MAX_CONTENT_TYPES):
                return None
            with archive.open(info) as part:
                text = part.read(MAX_CONTENT_TYPES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, zlib.error, OSError, EOFError,
            NotImplementedError, ValueError):
        return None
    return text if len(text) <= MAX_CONTENT_TYPES else None
