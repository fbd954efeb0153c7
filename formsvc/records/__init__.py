"""Printable records of submissions (PDF), for counter staff and the archive.

Public functions: ``render_record``, ``render_batch``, ``render_archive`` and, for counter
applications before they are submitted, ``render_signature_forms``; the counter's 受付票（引換券）
for a receipt printer, ``render_receipts`` (see ``pdf``).
"""

from formsvc.records.context import RecordError
from formsvc.records.fetcher import ForbiddenURL, RecordURLFetcher
from formsvc.records.fonts import FontMissing
from formsvc.records.pdf import (
    render_archive,
    render_batch,
    render_receipts,
    render_record,
    render_signature_forms,
)

__all__ = ["FontMissing", "ForbiddenURL", "RecordError", "RecordURLFetcher", "render_archive", "render_batch",
           "render_receipts", "render_record", "render_signature_forms"]
