"""A municipality's logo: the operator uploads it, every page of that municipality shows it."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from formsvc.tenants import logo as logos
from tests.admin.support import errors_on, summary_of
from tests.applicant import csrf_token
from tests.staff.support import staff_client
from tests.tenants.support import make_tenant


def picture(size=(600, 200), fmt="PNG", colour=(0, 23, 193)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def upload(client, tenant_id: int, data: bytes, filename="logo.png"):
    page = client.get(f"/staff/tenants/{tenant_id}/edit")
    return client.post(f"/staff/tenants/{tenant_id}/logo", data={
        "csrf_token": csrf_token(page.text), "logo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def test_the_logo_is_redrawn_small_and_shown_on_that_municipalitys_pages_only(app):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    operator = staff_client(app, "unei", "operator")
    # A JPEG with text after its end (a polyglot): what is kept is a fresh PNG, without it.
    sent = picture((1200, 400), "JPEG") + b"<script>alert(1)</script>"
    saved = upload(operator, kamakura, sent)
    assert saved.status_code == 302
    page = operator.get(saved.headers["Location"])
    assert "「鎌倉市」のロゴを保存しました" in page.text
    resident = app.test_client()
    portal = resident.get("/kamakura/")
    [src] = re.findall(r'<img class="site-header__logo" src="([^"]+)" alt=""', portal.text)
    assert src.startswith("/kamakura/municipality-logo/")
    image = resident.get(src)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "immutable" in image.headers["Cache-Control"]
    assert b"<script>" not in image.data
    with Image.open(io.BytesIO(image.data)) as kept:
        assert kept.format == "PNG" and kept.size == (240, 80)
    # Not the default municipality's, nor reachable there.
    assert "site-header__logo" not in resident.get("/").text
    assert resident.get(src.removeprefix("/kamakura")).status_code == 404


@pytest.mark.parametrize("data, words", [
    (b"", "画像ファイルを選んでください"),
    (b"GIF89a" + b"\x00" * 100, "画像として読めない"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "画像として読めない"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "画像として読めない"),
    (b"\x00" * (logos.MAX_UPLOAD_BYTES + 10), "1MB以下"),
])
def test_what_is_not_a_picture_is_refused_at_the_field(app, data, words):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    operator = staff_client(app, "unei", "operator")
    refused = upload(operator, kamakura, data)
    assert refused.status_code == 400
    [error] = [e for e in errors_on(refused.text) if words in e]
    assert error.startswith("＊")
    assert error.lstrip("＊") in summary_of(refused.text)
    assert 'aria-describedby="logo-hint logo-error"' in refused.text
    assert "site-header__logo" not in app.test_client().get("/kamakura/").text


def test_a_gif_and_a_huge_canvas_are_refused_before_decoding(app):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    operator = staff_client(app, "unei", "operator")
    assert "PNG、JPEG、WebPのいずれか" in upload(operator, kamakura, picture((10, 10), "GIF")).text
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")  # a few kB, 400 million pixels
    assert "大きすぎます" in upload(operator, kamakura, bomb.getvalue()).text


def test_the_operator_removes_the_logo_and_only_operators_may_change_it(app):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    operator = staff_client(app, "unei", "operator")
    upload(operator, kamakura, picture())
    page = operator.get(f"/staff/tenants/{kamakura}/edit")
    removed = operator.post(f"/staff/tenants/{kamakura}/logo",
                            data={"csrf_token": csrf_token(page.text), "remove": "1"})
    assert removed.status_code == 302
    assert "site-header__logo" not in app.test_client().get("/kamakura/").text
    admin = staff_client(app, "kanri", "admin")
    page = admin.get("/staff/")
    assert admin.post(f"/staff/tenants/{kamakura}/logo", data={"csrf_token": csrf_token(page.text),
                                                               "remove": "1"}).status_code == 403
