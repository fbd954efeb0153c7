"""Last touches on the PDF objects WeasyPrint 70 made, before they are written.

* Page margin boxes (the footer: reception number, "1 / N", municipality) are drawn as tagged
  Spans that WeasyPrint never links into the structure tree (it would need PDF 2.0 to put
  artifacts in the tree). PDF/UA-1 wants such pagination marked as /Artifact in the content
  stream, which PDF 1.7 allows: screen readers then skip it, as they should.
* PDF/A-3: WeasyPrint lists each attachment twice in the catalog's /AF; one reference is kept.
* Streams are compressed at zlib's default level 6 instead of pydyf's level 9: the font subset
  (~100 KB of glyphs) took 4.7 ms at level 9 and takes 1.7 ms at 6, for 0.7 % more bytes.
"""

from __future__ import annotations

import zlib
from typing import Any

import pydyf

COMPRESSION_LEVEL = 6

PAGINATION = {"Type": "/Pagination"}


def _object(pdf: pydyf.PDF, reference) -> Any:
    """The object a reference (b"12 0 R") points to: a dictionary, a stream… whichever it is."""
    return pdf.objects[int(bytes(reference).split()[0])]


def _reachable_elements(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    """Numbers of the structure elements linked from the structure tree root."""
    found: set[int] = set()
    stack = list(root.get("K", []))
    while stack:
        item = stack.pop()
        if not isinstance(item, bytes):
            continue  # a marked-content id
        number = int(item.split()[0])
        if number in found:
            continue
        found.add(number)
        element = pdf.objects[number]
        kids = element.get("K", []) if isinstance(element, dict) else []
        stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def pagination_artifacts(pdf: pydyf.PDF) -> int:
    """Turn marked content of unlinked structure elements into pagination artifacts; returns how many."""
    root_reference = pdf.catalog.get("StructTreeRoot")
    if root_reference is None:
        return 0
    root = _object(pdf, root_reference)
    reachable = _reachable_elements(pdf, root)
    nums = _object(pdf, root["ParentTree"])["Nums"]
    changed = 0
    for key, mapping in zip(nums[0::2], nums[1::2], strict=True):
        if not isinstance(mapping, list):
            continue  # an annotation's entry, not a page's
        orphans = {mcid for mcid, reference in enumerate(mapping)
                   if int(bytes(reference).split()[0]) not in reachable}
        if not orphans:
            continue
        contents = _object(pdf, _object(pdf, pdf.page_references[key])["Contents"]).stream
        for index in range(1, len(contents) - 1):
            item = contents[index]
            if isinstance(item, dict) and item.get("MCID") in orphans and contents[index + 1] == b"BDC":
                contents[index - 1] = "/Artifact"
                contents[index] = pydyf.Dictionary(PAGINATION)
                changed += 1
    return changed


def unique_associated_files(pdf: pydyf.PDF) -> None:
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


def compress_streams(pdf: pydyf.PDF, level: int = COMPRESSION_LEVEL) -> int:
    """Compress now, at ``level``, every stream pydyf would compress when writing (at level 9);
    returns how many. Each holds its compressed bytes as its only item and says /FlateDecode,
    exactly what pydyf writes for a compressed stream."""
    count = 0
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            raw = b"\n".join(pydyf._to_bytes(part) for part in item.stream)  # as pydyf joins them
            item.stream = [zlib.compress(raw, level)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False
            count += 1
    return count


def finish(document, pdf: pydyf.PDF) -> None:
    """The ``finisher`` given to WeasyPrint's write_pdf."""
    pagination_artifacts(pdf)
    unique_associated_files(pdf)
    compress_streams(pdf)
