"""The 控え: a printable page and a PDF of what was sent, for the sender (or the signed-in owner) only."""

from __future__ import annotations

import pytest

from tests.identity import sign_in
from tests.records.support import compact, full_text
from tests.resident.confirmation_support import FORM, MY_NUMBER, apply, publish_mail_form


@pytest.fixture
def mail_form(app):
    return publish_mail_form(app)


def copy_url(number: str, pdf: bool = False) -> str:
    return f"/forms/{FORM}/done/{number}/copy" + (".pdf" if pdf else "")


def test_the_sender_sees_a_printable_copy_of_what_was_sent(client, app, mail_form):
    number = apply(client, app, purpose="遺族年金の請求")
    page = client.get(copy_url(number))
    assert page.status_code == 200
    text = page.text
    for words in ("申請の控え", "メールで知らせる証明書", f"{number[:4]}-{number[4:]}", "申請日時",
                  "山田\u3000太郎", "2通", "遺族年金の請求", "600円", "1通300円", "上記の内容に相違ありません。",
                  "********9018"):
        assert words in text, words
    assert MY_NUMBER not in text  # the 個人番号 only masked, as on the check page
    assert f'href="/forms/{FORM}/done/{number}/copy.pdf"' in text
    assert 'class="back-link no-print"' in text and f'href="/forms/{FORM}/done/{number}"' in text
    assert "変更" not in text  # a copy, not the check page: nothing to change


def test_the_copy_as_a_pdf(client, app, mail_form):
    number = apply(client, app, purpose="遺族年金の請求")
    response = client.get(copy_url(number, pdf=True))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = compact(full_text(response.data))
    for words in ("申請の控え", "メールで知らせる証明書", f"{number[:4]}-{number[4:]}", "遺族年金の請求",
                  "600円", "********9018"):
        assert words in text, words
    assert MY_NUMBER not in text
    # What is for staff only is left out: the processing history and the record's title.
    assert "処理の経過" not in text and "申請受付記録" not in text and "現在の状況" not in text


def test_the_print_stylesheet_hides_the_page_around_the_copy(client):
    css = client.get("/static/css/formsvc.css").text
    assert "@media print" in css[css.index("H2a (issue 16)"):]
    assert ".no-print" in css


@pytest.mark.parametrize("pdf", [False, True])
def test_another_browser_gets_nothing(client, app, mail_form, pdf):
    number = apply(client, app)
    assert app.test_client().get(copy_url(number, pdf)).status_code == 404
    someone = app.test_client()
    sign_in(someone, app, subject="someone-else")
    assert someone.get(copy_url(number, pdf)).status_code == 404


@pytest.mark.parametrize("pdf", [False, True])
def test_the_signed_in_owner_gets_it_in_another_browser(client, app, mail_form, pdf):
    sign_in(client, app, subject="owner")
    number = apply(client, app)
    elsewhere = app.test_client()
    sign_in(elsewhere, app, subject="owner")
    response = elsewhere.get(copy_url(number, pdf))
    assert response.status_code == 200
    if not pdf:  # its way back is 申請履歴: the done page is the sending browser's only
        assert f'href="/my/applications/{number}"' in response.text


@pytest.mark.parametrize("path", [
    "/forms/{form}/done/AAAAAAAA/copy",            # a number nobody has
    "/forms/sample-permit/done/{number}/copy",     # someone's number under another procedure
    "/forms/{form}/done/{number}%00/copy",          # NUL
    "/forms/{form}/done/{number}%0A/copy.pdf",      # a line break
    "/forms/{form}/done/" + "9" * 5000 + "/copy.pdf",
])
def test_forged_addresses_get_404(client, app, mail_form, sample_form, path):
    number = apply(client, app)
    response = client.get(path.format(form=FORM, number=number))
    assert response.status_code in (400, 404)
