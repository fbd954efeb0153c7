"""Printable records of submissions (PDF), for counter staff and the archive.

Public functions: ``render_record``, ``render_batch``, ``render_archive`` and, for counter
applications before they are submitted, ``render_signature_forms``; the counter's 受付票（引換券）
for a receipt printer, ``render_receipts`` (see ``pdf``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from formsvc.records.context import RecordError
from formsvc.records.fonts import FontMissing

if TYPE_CHECKING:
    from formsvc.records.fetcher import ForbiddenURL, RecordURLFetcher
    from formsvc.records.pdf import (
        render_archive,
        render_batch,
        render_receipts,
        render_record,
        render_signature_forms,
    )

# WeasyPrint (half a second to import) is loaded when something is first printed, not when the
# app is created: the counter imports formsvc.records.context, which runs this package first.
_LAZY = {"ForbiddenURL": "fetcher", "RecordURLFetcher": "fetcher", "render_archive": "pdf",
         "render_batch": "pdf", "render_receipts": "pdf", "render_record": "pdf",
         "render_signature_forms": "pdf"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"formsvc.records.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["FontMissing", "ForbiddenURL", "RecordError", "RecordURLFetcher", "render_archive", "render_batch",
           "render_receipts", "render_record", "render_signature_forms"]
