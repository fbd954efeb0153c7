"""HEIC photos and the Excel 就労証明書 through the resident pages, the staff detail page and the
printed record: the original is stored and downloads as sent; pictures are shown and printed as JPEG."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Submission, Upload
from tests.applicant import Applicant, csrf_token
from tests.fields import filekinds
from tests.records.support import full_text
from tests.staff.support import staff_client

DEFINITION = """\
id: hoiku-papers
title: {ja: 保育の必要性の書類, en: Childcare papers}
description: {ja: 就労証明書と家の写真を添付します。, en: Attach the employment certificate and photos.}
department: {name: {ja: 子ども家庭課, en: Child and Family Division}}
declaration: {ja: 申請内容に誤りはありません。, en: The above is true.}
next_steps: {ja: 審査の後、通知します。, en: We will notify you after review.}
retention: {years: 5}
pages:
  - id: papers
    title: {ja: 添付書類, en: Documents}
    fields:
      - type: file
        id: certificate
        label: {ja: 就労証明書, en: Employment certificate}
        accept: [pdf, xlsx, docx]
      - type: file
        id: photos
        label: {ja: 住宅の写真（表と裏の2枚）, en: Photos of the house (two)}
        accept: [jpeg, heic]
        min_files: 2
        max_files: 2
"""
PAGE = "/forms/hoiku-papers/pages/papers"


def publish(app) -> str:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(DEFINITION, "hoiku-papers.yaml"), actor="test")
    return "hoiku-papers"


def start(client, app) -> Applicant:
    person = Applicant(client, app, publish(app))
    person.start()
    return person


def test_one_photo_of_two_is_refused_with_the_count(client, app, db_session):
    person = start(client, app)
    response = person.post(PAGE, {"certificate": (io.BytesIO(filekinds.xlsx()), "就労証明書.xlsx"),
                                  "photos": (io.BytesIO(filekinds.heic()), "IMG_0001.HEIC")})
    assert response.status_code == 200
    assert "住宅の写真（表と裏の2枚）を2ファイル以上添付してください（いまは1ファイルです）" in response.text
    assert 'accept=".jpg,.jpeg,image/jpeg,.heic,.heif,image/heic,image/heif"' in response.text
    assert "JPEG・HEIC形式、1ファイル10MBまで、2〜2ファイル" in response.text


def test_a_macro_workbook_and_a_truncated_photo_are_refused_on_the_page(client, app, db_session):
    person = start(client, app)
    photo = filekinds.heic(320, 240)
    response = person.post(PAGE, {"certificate": (io.BytesIO(filekinds.xlsm()), "就労証明書.xlsx"),
                                  "photos": [(io.BytesIO(photo[: len(photo) // 2]), "IMG_0001.HEIC"),
                                             (io.BytesIO(photo), "IMG_0002.HEIC")]})
    assert response.status_code == 200
    assert "就労証明書.xlsxはマクロを含むファイルのため受け付けられません" in response.text
    assert "IMG_0001.HEICは壊れているか、途中までしか送られていないため読めません" in response.text
    assert db_session.scalars(select(Upload)).all() == []


def submit_papers(client, app, db_session) -> str:
    person = start(client, app)
    response = person.post(PAGE, {"certificate": (io.BytesIO(filekinds.xlsx()), "就労証明書.xlsx"),
                                  "photos": [(io.BytesIO(filekinds.heic()), "IMG_0001.HEIC"),
                                             (io.BytesIO(filekinds.jpeg()), "裏.jpg")]})
    assert response.status_code == 302, response.text[:3000]
    check = client.get("/forms/hoiku-papers/check")
    assert "就労証明書.xlsx" in check.text and "IMG_0001.HEIC、裏.jpg" in check.text
    client.post("/forms/hoiku-papers/check", data={"csrf_token": csrf_token(check.text)})
    return db_session.scalars(select(Submission)).one().reception_number


def test_heic_and_excel_are_stored_as_sent_and_shown_to_staff(client, app, db_session):
    number = submit_papers(client, app, db_session)
    uploads = {u.filename: u for u in db_session.scalars(select(Upload))}
    assert uploads["IMG_0001.HEIC"].content_type == "image/heic"
    assert uploads["IMG_0001.HEIC"].content[4:12] == b"ftypheic"  # the original, not a conversion
    assert uploads["就労証明書.xlsx"].content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}").text
    heic, sheet = uploads["IMG_0001.HEIC"], uploads["就労証明書.xlsx"]
    preview = f"/staff/submissions/{number}/attachments/{heic.token}/preview.jpg"
    assert f'src="{preview}"' in page and "HEIC画像（iPhoneの写真）" in page
    assert f'href="/staff/submissions/{number}/attachments/{sheet.token}" download' in page
    assert "Excelファイル（xlsx）" in page
    assert f"attachments/{sheet.token}/preview.jpg" not in page  # a workbook is a download only

    shown = reviewer.get(preview)
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    picture = Image.open(io.BytesIO(shown.data))
    assert picture.format == "JPEG" and picture.size == (48, 32)
    left, right = picture.getpixel((4, 16)), picture.getpixel((44, 16))
    assert left[2] > 150 and right[0] > 150  # blue half, red half: the same picture

    original = reviewer.get(f"/staff/submissions/{number}/attachments/{heic.token}")
    assert original.data == heic.content and original.headers["Content-Type"] == "image/heic"
    # A workbook has no picture to show; a resident never gets one.
    assert reviewer.get(f"/staff/submissions/{number}/attachments/{sheet.token}/preview.jpg").status_code == 404
    assert app.test_client().get(preview).status_code == 302


def test_the_record_prints_the_photos_and_lists_the_workbook(client, app, db_session):
    from formsvc.records import render_record

    number = submit_papers(client, app, db_session)
    submission = db_session.scalars(select(Submission).where(Submission.reception_number == number)).one()
    pdf = render_record(db_session, submission, "デモ市")
    text = full_text(pdf)
    assert "添付ファイル" in text
    assert "就労証明書：就労証明書.xlsx（Excelファイル（xlsx））" in text
    assert "IMG_0001.HEIC（HEIC画像（iPhoneの写真））" in text
    from pypdf import PdfReader

    # Pages share their resources, so the same picture is listed once per page: count distinct ones.
    photos = {image.data for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images
              if image.name.endswith(".jpg")}  # the reception number's QR code is a PNG
    assert len(photos) == 2
