"""What rendering may read: data: URLs, static/records/ and the font files; nothing else.

No database here: the fetcher, the font lookup and a rendering that tries to reach out.
"""

from __future__ import annotations

import shutil

import pytest
from weasyprint import HTML

from formsvc.records import fonts as fonts_module
from formsvc.records.fetcher import PROJECT_ROOT, STATIC_DIR, ForbiddenURL, RecordURLFetcher
from formsvc.records.fonts import FontMissing, record_fonts
from formsvc.records.pdf import RECORD_VARIANT, _Renderer

PNG_PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB"
             "4iG8MwAAAABJRU5ErkJggg==")


@pytest.fixture
def fetcher():
    return RecordURLFetcher()


@pytest.mark.parametrize("url", [
    "http://example.invalid/tracker.png",
    "https://example.invalid/style.css",
    "http://127.0.0.1:5000/static/records/record.css",
    "ftp://example.invalid/file",
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "file://fileserver/share/record.css",
    f"file://{STATIC_DIR}/../../formsvc/config.py",       # .. out of static/records/
    f"file://{STATIC_DIR}/%2E%2E/%2E%2E/formsvc/config.py",  # the same, percent-encoded
    (PROJECT_ROOT / "formsvc" / "config.py").as_uri(),      # our code, but not a record asset
    (PROJECT_ROOT / "static" / "css").as_uri() + "/app.css",  # the site's styles are not for records
    f"file://{STATIC_DIR}/missing.css",
    "about:blank",
    "javascript:alert(1)",
    "//example.invalid/x.png",
    "record.css",  # relative: WeasyPrint always resolves URLs first
])
def test_the_fetcher_refuses_anything_but_our_files_and_data_urls(fetcher, url):
    with pytest.raises(ForbiddenURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_other_fonts_in_the_font_folder_are_refused(fetcher):
    regular = record_fonts().regular
    neighbours = [path for path in regular.parent.iterdir() if path not in record_fonts().files]
    assert neighbours, "the Debian package ships the proportional BIZ UDPGothic beside it"
    with pytest.raises(ForbiddenURL):
        fetcher.fetch(neighbours[0].as_uri())


def test_a_symlink_out_of_static_records_is_refused(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = tmp_path / "static-records"
    folder.mkdir()
    (folder / "innocent.css").symlink_to(outside)
    fetcher = RecordURLFetcher(directories=[folder])
    with pytest.raises(ForbiddenURL):
        fetcher.fetch((folder / "innocent.css").as_uri())


def test_the_fetcher_allows_data_urls_our_stylesheet_and_the_fonts(fetcher):
    assert fetcher.fetch(PNG_PIXEL).read().startswith(b"\x89PNG")
    response = fetcher.fetch((STATIC_DIR / "record.css").as_uri())
    assert response.content_type == "text/css" and b"@page" in response.read()
    for path in record_fonts().files:
        response = fetcher.fetch(path.as_uri())
        assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    assert fetcher.refused == []


def test_weasyprint_goes_through_the_fetcher_and_a_record_that_reaches_out_fails(tmp_path):
    """The second wall: if a template ever referred to the network, rendering stops instead of fetching."""
    renderer = _Renderer(pdf_variant=RECORD_VARIANT)
    html = HTML(string='<html lang="ja"><title>t</title><p>本文</p>'
                       '<img src="http://127.0.0.1:9/x.png" alt="x">'
                       '<img src="file:///etc/passwd" alt="y"></html>',
                base_url=STATIC_DIR.as_uri() + "/", url_fetcher=renderer.fetcher)
    document = html.render(font_config=renderer.font_config, stylesheets=renderer.stylesheets,
                           **renderer.options)
    assert renderer.fetcher.refused == ["http://127.0.0.1:9/x.png", "file:///etc/passwd"]
    with pytest.raises(ForbiddenURL, match="nothing was fetched"):
        renderer.write(document)


def test_a_missing_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts_module, "FONT_DIRECTORIES", (tmp_path,))
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no fontconfig either
    record_fonts.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-morisawa-bizud-gothic"):
            record_fonts()
    finally:
        record_fonts.cache_clear()


def test_the_font_is_found_through_fontconfig_when_not_in_the_usual_folders(monkeypatch, tmp_path):
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    monkeypatch.setattr(fonts_module, "FONT_DIRECTORIES", (tmp_path,))
    record_fonts.cache_clear()
    try:
        assert record_fonts().regular.name == "BIZUDGothic-Regular.ttf"
    finally:
        record_fonts.cache_clear()
