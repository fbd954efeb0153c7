"""A batch of records printed in child processes, as ONE tagged PDF (issue 17).

Laying out 200 records in the web worker took 30 s on one core and left the worker 250 MiB
larger afterwards (Python keeps the memory of freed layout boxes). Here the worker only builds
the records' view models (plain data: no ORM object or database connection crosses a process)
and hands them, a chunk at a time, to a small pool of child processes. Each child lays out its
chunk as one tagged document and sends back its PDF objects, serialised but not yet written; the
worker joins them into one PDF (pages, outline and structure tree in the batch's order) by
renumbering object references, which takes milliseconds where parsing the PDFs again (pypdf)
took longer than laying them out. The pool is made for one batch and shut down after it, so the
memory of the layout goes back to the system with the children, and two cores work on one batch.

Children are started by the "forkserver" method where there is one (else "spawn"): a fresh
interpreter that imported only this module, never a copy of a Flask worker and its connections.
A child that fails reports its error here (raised again, as it was); a child that dies makes
the batch fail with RecordError, never a PDF with records missing.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from formsvc.records.context import RecordError, RecordView

CHUNK_RECORDS = 20  # records a child lays out as one document: bounds a child's memory
IN_PROCESS_UP_TO = 4  # a batch this small is printed in the worker: a child's start costs more
WORKERS = max(1, min(2, os.cpu_count() or 1))
TEMPLATE = "record.html"


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # The fork server imports the renderer once; each child forked from it starts warm.
        context.set_forkserver_preload([__name__, "formsvc.records.pdf"])
        return context
    return multiprocessing.get_context("spawn")


def render_in_children(views: Iterable[RecordView], count: int, title: str) -> bytes:
    """The ``count`` records ``views`` yields as one PDF titled ``title``, rendered in children.

    ``views`` may be a generator: chunks are handed to the pool as they are built, so that the
    children lay out the first records while the worker still reads the next ones."""
    chunks = max(1, -(-count // CHUNK_RECORDS))
    with ProcessPoolExecutor(max_workers=min(WORKERS, chunks), mp_context=_context()) as pool:
        futures: list[Future[Part]] = []
        try:
            for chunk in _chunked(views, CHUNK_RECORDS):
                futures.append(pool.submit(render_chunk, chunk, title))
            parts = [future.result() for future in futures]
        except BrokenProcessPool as stopped:
            raise RecordError(f"a process printing the batch of {count} records stopped unexpectedly; "
                              "nothing was printed") from stopped
        finally:
            for future in futures:
                future.cancel()
    return join_parts(parts)


def _chunked(views: Iterable[RecordView], size: int) -> Iterable[list[RecordView]]:
    chunk: list[RecordView] = []
    for view in views:
        chunk.append(view)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class Part:
    """A chunk's PDF as WeasyPrint made it, before it is written: each object's number and
    serialised bytes (a stream's dictionary apart from its compressed data), so that joining
    parts renumbers references with a regular expression instead of parsing PDF."""

    objects: list[tuple[int, bytes, bytes]]  # (number, dictionary or whole object, stream data or b"")
    catalog: int
    info: bytes


class _Made(Exception):
    """Carries the finished pydyf.PDF out of write_pdf, which would serialise it again."""

    def __init__(self, pdf):
        super().__init__()
        self.pdf = pdf


def render_chunk(views: Sequence[RecordView], title: str) -> Part:
    """In a child: the records as one tagged document (each from a new page, numbering its own
    pages), finished as single records are (formsvc.records.finishing)."""
    import pydyf

    from formsvc.records.finishing import finish
    from formsvc.records.pdf import RECORD_VARIANT, ForbiddenURL, _Renderer

    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    documents = [renderer.document(view, TEMPLATE) for view in views]
    combined = documents[0].copy([page for document in documents for page in document.pages])
    combined.metadata.title = title

    def finish_and_stop(document, pdf) -> None:
        finish(document, pdf)
        raise _Made(pdf)

    try:
        combined.write_pdf(finisher=finish_and_stop, **renderer.options)
        raise RecordError("WeasyPrint wrote the PDF without calling the finisher")
    except _Made as made:
        pdf = made.pdf
    if renderer.fetcher.refused:
        raise ForbiddenURL(f"rendering tried to fetch {renderer.fetcher.refused!r}; nothing was fetched")
    objects = []
    for item in pdf.objects:
        if item.free == "f":
            continue
        if isinstance(item, pydyf.Stream):
            head, _, body = item.data.partition(b"\nstream\n")
            objects.append((item.number, head, body))
        else:
            objects.append((item.number, item.data, b""))
    return Part(objects, pdf.catalog.number, pdf.info.data)


# References ("12 0 R") outside literal strings (pydyf escapes every parenthesis in them).
_REFERENCE = re.compile(rb"\((?:\\.|[^\\()])*\)|(?<![\d.])(\d+) 0 R\b")
# What a record's catalog holds (a key inside its small dictionaries too): anything else would
# be lost by the join, so it stops the batch instead.
_CATALOG_KEYS = {b"Type", b"Pages", b"Outlines", b"Lang", b"StructTreeRoot", b"ViewerPreferences",
                 b"MarkInfo", b"Metadata", b"DisplayDocTitle", b"Marked", b"Catalog"}
PDF_VERSION = b"1.7"  # WeasyPrint's pdf/ua-1 variant writes PDF 1.7


def _renumber(data: bytes, mapping: dict[int, int], offset: int) -> bytes:
    def new(match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        number = int(match.group(1))
        return b"%d 0 R" % mapping.get(number, number + offset)

    return _REFERENCE.sub(new, data)


def _ref(data: bytes, key: bytes) -> int | None:
    found = re.search(rb"/" + key + rb" (\d+) 0 R", data)
    return int(found.group(1)) if found else None


def _array(data: bytes, key: bytes) -> bytes:
    found = re.search(rb"/" + key + rb" (\[[^\]]*\]|\d+ 0 R)", data)
    if found is None:
        raise RecordError(f"joining the batch: no /{key.decode()} in {data[:200]!r}")
    return found.group(1).removeprefix(b"[").removesuffix(b"]")


def _nums(parent_tree: bytes) -> bytes:
    """The inside of a flat number tree's /Nums array (its values are arrays: no _array here)."""
    start = parent_tree.find(b"/Nums [")
    if start < 0:
        raise RecordError(f"joining the batch: no /Nums in {parent_tree[:200]!r}")
    return parent_tree[start + len(b"/Nums ["):parent_tree.rindex(b"]")]


def _shift_struct_parents(page: bytes, by: int) -> bytes:
    return re.sub(rb"/StructParents (\d+)", lambda found: b"/StructParents %d" % (by + int(found.group(1))), page)


def join_parts(parts: Sequence[Part]) -> bytes:
    """The parts (from render_chunk) as ONE PDF, in order: their pages under one page tree, their
    outlines one after another, their structure elements under one /Document with the parent
    tree renumbered, and the first part's catalog (language, PDF/UA metadata, title shown)."""
    catalog, pages_root, tree_root, document, parent_tree, outlines, info = range(1, 8)
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    kids: list[bytes] = []
    page_list: list[bytes] = []
    nums: list[bytes] = []
    tops: list[tuple[int, int]] = []  # each part's first and last outline entry
    outline_count = 0
    next_key = 0
    base = info
    for index, part in enumerate(parts):
        own = {number: (head, body) for number, head, body in part.objects}
        catalog_data = own[part.catalog][0]
        unknown = set(re.findall(rb"/([A-Za-z]+) ", catalog_data)) - _CATALOG_KEYS
        if unknown:
            raise RecordError(f"joining the batch: a part's catalog has {sorted(unknown)!r}")
        old_pages, old_tree = _ref(catalog_data, b"Pages"), _ref(catalog_data, b"StructTreeRoot")
        old_outlines, old_metadata = _ref(catalog_data, b"Outlines"), _ref(catalog_data, b"Metadata")
        if old_pages is None or old_tree is None:
            raise RecordError("joining the batch: a part has no page tree or no structure tree")
        old_parent_tree = _ref(own[old_tree][0], b"ParentTree")
        if old_parent_tree is None or b"/Kids" in own[old_parent_tree][0]:
            raise RecordError("joining the batch: a part's parent tree is not a flat number tree")
        old_documents = [int(n) for n in re.findall(rb"(\d+) 0 R", _array(own[old_tree][0], b"K"))]
        mapping = {old_pages: pages_root, old_tree: tree_root, **{n: document for n in old_documents}}
        if old_outlines is not None:
            mapping[old_outlines] = outlines
        offset = base
        skip = {part.catalog, old_pages, old_tree, old_parent_tree, *old_documents, old_outlines}
        if index:
            skip.add(old_metadata)
        for number, (head, body) in own.items():
            if number in skip:
                continue
            objects[number + offset] = _renumber(head, mapping, offset)
            if body:
                streams[number + offset] = body
        for old in old_documents:
            kids.append(_renumber(_array(own[old][0], b"K"), mapping, offset))
        entries = re.findall(rb"(\d+) (\[[^\]]*\]|\d+ 0 R)", _nums(own[old_parent_tree][0]))
        for key, value in entries:
            nums.append(b"%d %s" % (next_key + int(key), _renumber(value, mapping, offset)))
        for old_page in re.findall(rb"(\d+) 0 R", _array(own[old_pages][0], b"Kids")):
            number = int(old_page) + offset
            page_list.append(b"%d 0 R" % number)
            objects[number] = _shift_struct_parents(objects[number], next_key)
        next_key += max((int(key) for key, _ in entries), default=-1) + 1
        if old_outlines is not None:
            root_data = own[old_outlines][0]
            first, last = _ref(root_data, b"First"), _ref(root_data, b"Last")
            count = re.search(rb"/Count (-?\d+)", root_data)
            if first is not None and last is not None:
                tops.append((first + offset, last + offset))
                outline_count += int(count.group(1)) if count else 0
        if index == 0:
            objects[catalog] = _renumber(catalog_data, mapping, offset)
            objects[info] = part.info
        base += max(own)
    # The parts' outlines, one list: each part's last top entry leads to the next part's first.
    for (_, last), (first, _) in itertools.pairwise(tops):
        objects[last] = objects[last][:-2] + b"/Next %d 0 R>>" % first
        objects[first] = objects[first][:-2] + b"/Prev %d 0 R>>" % last
    if tops and b"/Outlines" not in objects[catalog]:
        raise RecordError("joining the batch: the first part has no outline but others have")
    if tops:
        objects[outlines] = b"<</Type /Outlines/Count %d/First %d 0 R/Last %d 0 R>>" % (
            outline_count, tops[0][0], tops[-1][1])
    objects[pages_root] = b"<</Type /Pages/Kids [%s]/Count %d>>" % (b" ".join(page_list), len(page_list))
    objects[tree_root] = b"<</Type /StructTreeRoot/ParentTree %d 0 R/ParentTreeNextKey %d/K [%d 0 R]>>" % (
        parent_tree, next_key, document)
    objects[document] = b"<</Type /StructElem/S /Document/K [%s]/P %d 0 R>>" % (b" ".join(kids), tree_root)
    objects[parent_tree] = b"<</Nums [%s]>>" % b" ".join(nums)
    return _write(objects, streams, catalog, info)


def _write(objects: dict[int, bytes], streams: dict[int, bytes], root: int, info: int) -> bytes:
    output = io.BytesIO()
    output.write(b"%PDF-" + PDF_VERSION + b"\n%\xf0\x9f\x96\xa4\n")
    size = max(objects) + 1
    offsets = [0] * size
    for number in sorted(objects):
        offsets[number] = output.tell()
        output.write(b"%d 0 obj\n" % number)
        output.write(objects[number])
        if number in streams:
            output.write(b"\nstream\n")
            output.write(streams[number])
        output.write(b"\nendobj\n")
    start = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    output.write(b"".join(b"%010d 00000 n \n" % offset if offset else b"0000000000 00000 f \n"
                          for offset in offsets[1:]))
    output.write(b"trailer\n<</Size %d/Root %d 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, info, start))
    return output.getvalue()
