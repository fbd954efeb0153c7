"""The only way a record's rendering may read anything: data: URLs and our own files.

WeasyPrint fetches images, stylesheets and fonts through a URL fetcher. Records hold what
residents typed, so the fetcher refuses every URL except ``data:`` and ``file://`` URLs inside
``static/records/`` or naming the record fonts: no network, no other file of the machine.
Answers are escaped by the templates anyway; this is the second wall.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from formsvc.records.fonts import record_fonts

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = PROJECT_ROOT / "static" / "records"
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "records"

MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".png": "image/png",
               ".svg": "image/svg+xml"}


class ForbiddenURL(ValueError):
    """A record tried to read something that is neither a data: URL nor one of our files."""


class RecordURLFetcher(URLFetcher):
    """Allows ``data:`` URLs, files under ``static/records/`` and the font files; raises ForbiddenURL
    for anything else. Every refused URL is also kept in ``refused``, so a render can fail loudly."""

    def __init__(self, directories: Iterable[Path] | None = None, files: Iterable[Path] | None = None):
        # Only data: goes through urllib's handlers; file: is read here, the rest never leaves.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.directories = tuple(Path(d).resolve() for d in (directories if directories is not None
                                                             else (STATIC_DIR,)))
        self.files = frozenset(Path(f).resolve() for f in (files if files is not None
                                                           else record_fonts().files))
        self.refused: list[str] = []

    def allowed_path(self, url: str) -> Path | None:
        """The local file ``url`` names, if it is one we allow (symlinks and ``..`` resolved)."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path in self.files or any(path.is_relative_to(d) for d in self.directories):
            return path if path.is_file() else None
        return None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url) if scheme == "file" else None
        if path is None:
            self.refused.append(url)
            raise ForbiddenURL(f"records may not fetch {url[:200]!r}: only data: URLs and files "
                               f"under {STATIC_DIR} or the record fonts are allowed")
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})
