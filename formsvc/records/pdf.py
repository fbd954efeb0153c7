"""Printable records (PDF): one A4 record per submission, a batch of them, and an archive copy.

* ``render_record`` – a tagged PDF/UA-1 document, so that screen readers can read it;
* ``render_batch`` – several records in one PDF, each from a new page with its own "1 / N";
* ``render_archive`` – PDF/A-3u (tagged too) with the stored answers attached as submission.json
  (a 個人番号 masked, as on the record).

Nothing is fetched while rendering except our own stylesheet, the BIZ UD Gothic files and data:
URLs (see ``fetcher``); answers are escaped by the Jinja templates.
"""

from __future__ import annotations

import gc
import math
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import cssselect2  # type: ignore[import-untyped]  # WeasyPrint's own selector library
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlalchemy.orm import Session
from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from formsvc.db import utcnow
from formsvc.records.context import RecordError, RecordView, build_record, submission_json
from formsvc.records.fetcher import STATIC_DIR, TEMPLATE_DIR, ForbiddenURL, RecordURLFetcher
from formsvc.records.finishing import finish
from formsvc.records.fonts import record_fonts
from formsvc.submissions import reception
from formsvc.submissions.models import Submission

RECORD_VARIANT = "pdf/ua-1"
ARCHIVE_VARIANT = "pdf/a-3u"
FONT_FAMILY = "BIZUDGothic"
STYLESHEET = STATIC_DIR / "record.css"  # the resident's copy, the counter's sheet to sign, the receipt
# The record has a stylesheet of its own, laid out for speed (issue 17): the cascade then matches
# only the rules a record uses.
TEMPLATE_STYLESHEETS = {"record.html": STATIC_DIR / "record_compact.css"}
# ... and a user-agent stylesheet of its own in place of WeasyPrint's html5_ua.css, whose rules
# for every HTML element the cascade tried on every element of a record (static/records/record_ua.css).
TEMPLATE_USER_AGENT = {"record.html": STATIC_DIR / "record_ua.css"}
ARCHIVE_ATTACHMENT = "submission.json"

# A control character in an answer (a form feed, a NEL… pasted from another program) has a glyph
# in no font: WeasyPrint draws .notdef, and then no text of the page can be extracted, by screen
# readers either. Each is printed as 〓 (geta), the mark Japanese printing uses for a character
# that cannot be set; tab and line breaks are kept.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
UNPRINTABLE_MARK = "〓"


def printable(value: Any) -> Any:
    """What a template prints of ``value`` (Jinja's ``finalize``): control characters as 〓."""
    if isinstance(value, Markup):
        return Markup(_UNPRINTABLE.sub(UNPRINTABLE_MARK, str(value)))
    if isinstance(value, str):
        return _UNPRINTABLE.sub(UNPRINTABLE_MARK, value)
    return value


_templates = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, finalize=printable)


def font_face_css() -> str:
    """@font-face rules naming the installed BIZ UD Gothic files (FontMissing when absent)."""
    fonts = record_fonts()
    rules = [(fonts.regular, "normal")]
    if fonts.bold is not None:
        rules.append((fonts.bold, "bold"))
    return "\n".join(f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); '
                     f"font-weight: {weight}; font-style: normal; }}" for path, weight in rules)


class _Styles:
    """The parsed stylesheets and the font configuration that loaded BIZ UD Gothic.

    Parsing them and loading the font into fontconfig is about a third of a single record's time,
    so they are made once per thread (WeasyPrint objects are not shared between threads) and
    made again only when a stylesheet file changes.
    """

    def __init__(self):
        self.stamp = _stamp()
        self.font_config = FontConfiguration()
        self.faces = self._parse(string=font_face_css())
        self._by_file: dict[Path, CSS] = {}

    def _parse(self, **source) -> CSS:
        fetcher = RecordURLFetcher()
        css = CSS(**source, font_config=self.font_config, url_fetcher=fetcher)
        if fetcher.refused:
            raise ForbiddenURL(f"the record stylesheet tried to fetch {fetcher.refused!r}")
        return css

    def _file(self, path: Path) -> CSS:
        if path not in self._by_file:
            self._by_file[path] = self._parse(filename=path)
        return self._by_file[path]

    def for_template(self, template: str) -> list[CSS]:
        return [self.faces, self._file(TEMPLATE_STYLESHEETS.get(template, STYLESHEET))]

    def user_agent(self, template: str) -> list[CSS] | None:
        """The template's own user-agent stylesheet; None: WeasyPrint's."""
        path = TEMPLATE_USER_AGENT.get(template)
        return None if path is None else [self._file(path)]


def _stamp() -> tuple[int, ...]:
    return tuple(path.stat().st_mtime_ns for path in (STYLESHEET, *TEMPLATE_STYLESHEETS.values(),
                                                       *TEMPLATE_USER_AGENT.values()))


_per_thread = threading.local()
_frozen = False


def _styles() -> _Styles:
    styles = getattr(_per_thread, "styles", None)
    if styles is None or styles.stamp != _stamp():
        styles = _per_thread.styles = _Styles()
        _freeze_long_lived()
    return styles


def _freeze_long_lived() -> None:
    """Once per process, when the first record's styles are made: WeasyPrint is loaded lazily,
    after create_app froze what start-up built, and its modules, fonts and our parsed stylesheets
    (~180k objects) live until exit. A record's layout allocates enough to trigger a full
    collection every ten records or so, and each walked all of them (~8 ms a record, issue 17):
    frozen, the collector stops walking them. Collected first, so no cyclic garbage is frozen."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


class _HTML(HTML):
    """WeasyPrint's HTML, laid out with our user-agent stylesheet when it has one."""

    user_agent: list[CSS] | None = None

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return super()._ua_stylesheets(forms) if self.user_agent is None else self.user_agent


def parse_html(source: str, fetcher: RecordURLFetcher, user_agent: list[CSS] | None = None) -> HTML:
    """``source`` as WeasyPrint's HTML. WeasyPrint parses HTML in pure Python (tinyhtml5): about
    10 ms of a record's time. Our templates are written as well-formed XHTML, so the C XML parser
    reads them in 0.1 ms into the same element tree; a page it refuses (an answer holding a
    control character XML forbids, a template not written as XML) is parsed as HTML instead.
    ``user_agent``: stylesheets in place of WeasyPrint's html5_ua.css."""
    base_url = STATIC_DIR.as_uri() + "/"
    try:
        root = ElementTree.fromstring(source)
    except ElementTree.ParseError:
        parsed = _HTML(string=source, base_url=base_url, url_fetcher=fetcher)
        parsed.user_agent = user_agent
        return parsed
    # What HTML.__init__ (WeasyPrint 70) sets after parsing, with the tree parsed here.
    html = _HTML.__new__(_HTML)
    html.user_agent = user_agent
    html.base_url = base_url
    html.url_fetcher = fetcher
    html.media_type = "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    html.etree_element = html.wrapper_element.etree_element
    return html


class _Renderer:
    """The styles of this thread and a fetcher of this call, shared by the records of one call."""

    def __init__(self, **options):
        self.fetcher = RecordURLFetcher()
        self.styles = _styles()
        self.font_config = self.styles.font_config
        self.stylesheets = self.styles.for_template("receipt.html")  # record.css (render_receipts adds to it)
        self.options = options

    def html(self, record: RecordView, template: str = "record.html") -> HTML:
        source = _templates.get_template(template).render(
            record=record, document_title=record.document_title, author=record.municipality)
        return parse_html(source, self.fetcher, self.styles.user_agent(template))

    def document(self, record: RecordView, template: str = "record.html") -> Document:
        return self.html(record, template).render(
            font_config=self.font_config, stylesheets=self.styles.for_template(template), **self.options)

    def write(self, document: Document, **extra) -> bytes:
        pdf = document.write_pdf(finisher=finish, **self.options, **extra)
        if self.fetcher.refused:
            raise ForbiddenURL(f"rendering tried to fetch {self.fetcher.refused!r}; nothing was fetched")
        return pdf


def render_record(session: Session, submission: Submission, municipality: str) -> bytes:
    """The submission as one tagged A4 PDF (PDF/UA-1), in BIZ UD Gothic."""
    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    return renderer.write(renderer.document(build_record(session, submission, municipality)))


def render_batch(session: Session, submissions: Sequence[Submission], municipality: str) -> bytes:
    """The submissions as ONE tagged PDF; each record starts on a new page and numbers its own pages.

    More than a few are laid out in child processes (formsvc.records.batch): both cores work,
    and the memory of the layout is given back when the batch is done."""
    from formsvc.records import batch

    if not submissions:
        raise RecordError("no submissions to print")
    printed_at = utcnow()
    title = f"申請受付記録 {len(submissions)}件（{municipality}）"
    # Built here (the database and the application's keys are here), one at a time.
    records = (build_record(session, submission, municipality, printed_at) for submission in submissions)
    if len(submissions) <= batch.IN_PROCESS_UP_TO:
        return _one_pdf(list(records), "record.html", title)
    return batch.render_in_children(records, len(submissions), title)


def _one_pdf(views: Sequence, template: str, title: str) -> bytes:
    """Several printouts as ONE tagged PDF, each starting on a new page (``title`` names it
    when there is more than one)."""
    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    documents = [renderer.document(view, template) for view in views]
    combined = documents[0].copy([page for document in documents for page in document.pages])
    if len(documents) > 1:
        combined.metadata.title = title
    return renderer.write(combined)


def render_signature_forms(forms: Sequence, title: str) -> bytes:
    """Counter applications for the resident to check and sign (申請内容確認書, ``signature.html``)
    as ONE tagged PDF; each starts on a new page and numbers its own pages. ``forms`` are views
    with ``document_title`` and ``municipality`` (formsvc.counter.signature.SignatureForm)."""
    if not forms:
        raise RecordError("no applications to print")
    return _one_pdf(forms, "signature.html", title)


# The receipt printer's paper (templates/records/receipt.html): 80 mm wide, cut after each slip.
RECEIPT_WIDTH_MM = 80
RECEIPT_MARGIN_MM = 4  # as @page receipt in record.css says
_PX_PER_MM = 96 / 25.4
_TALL = f"@page receipt {{ size: {RECEIPT_WIDTH_MM}mm 2000mm; }}"


def render_receipts(receipt, title: str) -> bytes:
    """受付票（引換券） for a receipt printer (``receipt.html``): one page per slip of ``receipt``
    (formsvc.counter.receipt.Receipt), 80 mm wide and exactly as long as the slip, so the printer
    feeds no blank paper. Each slip is laid out once on a long page to measure it, then again on
    a page of its own length (CSS has no "auto" page height)."""
    if not receipt.slips:
        raise RecordError("no slips to print")
    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    documents = []
    for one in receipt.per_slip():
        html = renderer.html(one, "receipt.html")
        tall = html.render(font_config=renderer.font_config, stylesheets=[
            *renderer.stylesheets, CSS(string=_TALL, font_config=renderer.font_config)], **renderer.options)
        # Rounded up, with a little slack: a length a hair short would move the last line to a
        # second slip.
        length = math.ceil(_content_length_mm(tall) + 2 * RECEIPT_MARGIN_MM + 2)
        page_css = f"@page receipt {{ size: {RECEIPT_WIDTH_MM}mm {length}mm; }}"
        documents.append(html.render(font_config=renderer.font_config, stylesheets=[
            *renderer.stylesheets, CSS(string=page_css, font_config=renderer.font_config)], **renderer.options))
    combined = documents[0].copy([page for document in documents for page in document.pages])
    if len(documents) > 1:
        combined.metadata.title = title
    return renderer.write(combined)


def _content_length_mm(document: Document) -> float:
    """How far down the first page the content reaches, in mm (from the page's top edge, less
    its top margin). Falls back to an A4 length if WeasyPrint's layout boxes change shape."""
    try:
        page_box = document.pages[0]._page_box  # WeasyPrint keeps the laid-out boxes here
        root = page_box.children[0]
        bottom = root.position_y + root.margin_height()
        return max(float(bottom) / _PX_PER_MM - RECEIPT_MARGIN_MM, 20.0)
    except (AttributeError, IndexError, TypeError):
        return 297.0


def render_archive(session: Session, submission: Submission, municipality: str) -> bytes:
    """The record as PDF/A-3u (tagged), with the stored answers attached as submission.json."""
    renderer = _Renderer(pdf_variant=ARCHIVE_VARIANT, pdf_tags=True)
    document = renderer.document(build_record(session, submission, municipality))
    attachment = Attachment(
        string=submission_json(session, submission), name=ARCHIVE_ATTACHMENT, url_fetcher=renderer.fetcher,
        description=f"申請データ（JSON） 受付番号 {reception.display(submission.reception_number)}",
        created=_utc(submission.created_at), modified=_utc(submission.updated_at or submission.created_at),
        # PDF/A-3 needs an AFRelationship: the answers are the source the record was made from.
        relationship="Source",
    )
    return renderer.write(document, attachments=[attachment])


def _utc(moment: datetime) -> datetime:
    # WeasyPrint writes attachment dates with a "Z" suffix: give it UTC.
    return moment.astimezone(UTC).replace(tzinfo=None)
