"""axe-core finds nothing on a municipality's pages in each of its colours and with its logo, nor
on the operator's pages (with their errors shown)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import update

from formsvc.db import database
from formsvc.tenants import logo as logos
from formsvc.tenants.branding import COLOURS
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory
from tests.browser.support import assert_accessible
from tests.review.conftest import SAMPLE, publish
from tests.staff.support import PASSWORD, make_staff
from tests.tenants.support import in_tenant, make_tenant

pytestmark = pytest.mark.browser


def test_a_municipalitys_pages_in_each_colour_with_its_logo_have_no_violations(axe_page, live_server, tmp_path):
    app = live_server.app
    town = make_tenant(app, "axe-town", "検査町", "13101", contact={
        "department": "住民課", "phone": "03-1234-5678", "email": "jumin@town.example.lg.jp",
        "hours": "平日 9時〜17時"})
    with in_tenant(app, town):
        publish(app, SAMPLE)
    picture = io.BytesIO()
    Image.new("RGB", (300, 100), (255, 255, 255)).save(picture, format="PNG")
    logo = logos.prepared(picture.getvalue())
    for colour in COLOURS:
        with app.app_context():
            with database().transaction() as session:
                session.execute(update(Tenant).where(Tenant.id == town).values(
                    colour=colour, logo=logo.png, logo_digest=logo.digest, logo_width=logo.width,
                    logo_height=logo.height))
            directory().forget()
        for path in ("/axe-town/", "/axe-town/forms/sample-permit/"):
            response = axe_page.goto(path)
            assert response.status == 200, path
            assert axe_page.locator("img.site-header__logo").count() == 1
            assert "住民課" in axe_page.locator("footer").inner_text()
            assert_accessible(axe_page, f"{path} in {colour}")

    # The operator's pages, with the errors they show.
    make_staff(app, "axe-unei", "operator")
    axe_page.goto("/staff/login")
    axe_page.get_by_label("ユーザー名").fill("axe-unei")
    axe_page.get_by_label("パスワード").fill(PASSWORD)
    axe_page.get_by_role("button", name="ログイン").click()
    axe_page.wait_for_url(re.compile(r"/staff/?$"))
    for path in ("/staff/tenants/", "/staff/tenants/new", f"/staff/tenants/{town}/edit",
                 "/staff/tenants/shared-templates"):
        assert axe_page.goto(path).status == 200, path
        assert_accessible(axe_page, path)
    axe_page.goto("/staff/tenants/new")
    axe_page.get_by_label("団体コード").fill("131017")
    axe_page.get_by_role("button", name="団体を追加する").click()
    assert axe_page.locator(".error-summary").count() == 1
    assert_accessible(axe_page, "new municipality with errors")
    axe_page.goto(f"/staff/tenants/{town}/edit")
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_bytes(b"<svg><script>alert(1)</script></svg>")
    axe_page.get_by_label("ロゴの画像").set_input_files(str(not_a_picture))
    axe_page.get_by_role("button", name="ロゴを保存する").click()
    assert "画像として読めない" in axe_page.locator("#logo-error").inner_text()
    assert_accessible(axe_page, "logo refused")
