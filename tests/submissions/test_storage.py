"""Where uploaded files' bytes are kept (formsvc.submissions.storage): the database, a folder or an
S3-compatible bucket (moto's local server), on both databases."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import stat
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, insert, select, update

from formsvc.db import database, utcnow
from formsvc.resident.pages import questions
from formsvc.submissions import storage as upload_storage
from formsvc.submissions.drafts import purge_expired
from formsvc.submissions.models import Draft, Submission, Upload
from formsvc.submissions.storage import (
    FolderStorage,
    S3Storage,
    StorageError,
    StoredFileMissing,
    delete_stored,
    parse_location,
    store_bytes,
    sweep_orphans,
    upload_bytes,
)
from tests.applicant import TINY_PDF, Applicant
from tests.identity import sign_in
from tests.resident.conftest import SAMPLE
from tests.review.conftest import REVIEW_SAMPLE, publish
from tests.staff.support import staff_client
from tests.submissions.conftest import REGION, app_storing_as, make_app

KEY = "abcdefghijklmnopqrstuvwx12345678"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, "PNG")
    return out.getvalue()


PNG = png()
HOSTILE_KEYS = [
    "../../../../etc/passwd", "..", ".", "", "a/b/c/d/e/f/g/h/i", "/abcdefghijklmnopqrstuvwx",
    "abcdefghijklmnop\0", "abcdefghijklmnop\n", "abcdefghijklmnop/", "..abcdefghijklmnopqr",
    "C:\\abcdefghijklmnop", "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐ", "abcdefghijklmnop%2F..", "short", "x" * 129,
]


@pytest.fixture
def app(database_url, tmp_path, storage):
    yield from app_storing_as(database_url, tmp_path, storage)


# --- the setting -----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind", "where"), [
    ("", "DatabaseStorage", "database"),
    ("database", "DatabaseStorage", "database"),
    ("folder:/srv/formsvc/uploads", "FolderStorage", "folder:/srv/formsvc/uploads"),
    ("folder:/srv/formsvc/../formsvc/uploads/", "FolderStorage", "folder:/srv/formsvc/uploads"),
    ("s3://formsvc-uploads", "S3Storage", "s3://formsvc-uploads"),
    ("s3://formsvc-uploads/city/files/", "S3Storage", "s3://formsvc-uploads/city/files"),
])
def test_the_setting_names_a_storage(value, kind, where):
    found = parse_location(value)
    assert type(found).__name__ == kind and found.describe() == where


@pytest.mark.parametrize(("value", "message"), [
    ("folder:uploads", "absolute path"),
    ("folder:", "absolute path"),
    ("folder:/srv/up\0loads", "control character"),
    ("folder:/srv/up\tloads", "control character"),
    ("s3://Formsvc_Uploads", "not an S3 bucket name"),
    ("s3://ab", "not an S3 bucket name"),
    ("s3://formsvc..uploads", "not an S3 bucket name"),
    ("s3://formsvc-uploads/../other", "not a plain prefix"),
    ("s3://formsvc-uploads/a b", "not a plain prefix"),
    ("s3://formsvc-uploads/x?y=1", "not a plain prefix"),
    ("s3:/formsvc-uploads", "must be database"),
    ("ftp://files.example/uploads", "must be database"),
    ("/srv/uploads", "must be database"),
    ("Database", "must be database"),
])
def test_a_wrong_setting_is_refused_saying_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_location(value)


@pytest.mark.parametrize("endpoint", ["ftp://minio.local", "http://minio.local/path?x=1", "minio.local:9000",
                                      "http://minio.local\r\nX: y"])
def test_an_endpoint_that_is_no_plain_url_is_refused(endpoint):
    with pytest.raises(ValueError, match="FORMSVC_S3_ENDPOINT_URL"):
        parse_location("s3://formsvc-uploads", endpoint_url=endpoint)


def test_a_wrong_setting_stops_the_start(database_url, tmp_path):
    with pytest.raises(ValueError, match="FORMSVC_UPLOAD_STORAGE: the folder must be an absolute path"):
        make_app(database_url, tmp_path, UPLOAD_STORAGE="folder:instance/uploads")


# --- a folder ----------------------------------------------------------------------------------

def test_a_folder_keeps_each_file_under_its_key_readable_by_the_service_only(tmp_path):
    folder = FolderStorage(tmp_path / "uploads")
    folder.put(KEY, TINY_PDF, "application/pdf")
    path = tmp_path / "uploads" / KEY[:2] / KEY
    assert path.read_bytes() == TINY_PDF and folder.get(KEY) == TINY_PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [KEY]  # no temporary file left
    folder.delete(KEY)
    assert not path.exists()
    folder.delete(KEY)  # gone already: no error
    with pytest.raises(StoredFileMissing):
        folder.get(KEY)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_a_folder_refuses_a_key_that_could_name_another_file(tmp_path, key):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "secret").write_bytes(b"not yours")
    folder = FolderStorage(tmp_path / "uploads")
    with pytest.raises(ValueError, match="not a storage key"):
        folder.put(key, b"x", "application/pdf")
    with pytest.raises(ValueError, match="not a storage key"):
        folder.get(key)
    with pytest.raises(ValueError, match="not a storage key"):
        folder.delete(key)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["secret", "uploads"]
    assert (tmp_path / "secret").read_bytes() == b"not yours"


def test_a_folder_does_not_follow_a_link_planted_in_it(tmp_path):
    (tmp_path / "secret").write_bytes(b"not yours")
    folder = FolderStorage(tmp_path / "uploads")
    (tmp_path / "uploads" / KEY[:2]).mkdir(parents=True)
    (tmp_path / "uploads" / KEY[:2] / KEY).symlink_to(tmp_path / "secret")
    with pytest.raises(StorageError):
        folder.get(KEY)


def test_a_folder_lists_its_old_files_and_clears_cut_short_writes(tmp_path):
    folder = FolderStorage(tmp_path / "uploads")
    old, new = "old" + KEY[3:], "new" + KEY[3:]
    folder.put(old, b"old", "application/pdf")
    folder.put(new, b"new", "application/pdf")
    stray = tmp_path / "uploads" / "ol" / f".part-{old}-0000"
    stray.write_bytes(b"half")
    foreign = tmp_path / "uploads" / "ol" / "notes.txt"
    foreign.write_bytes(b"someone's notes")
    two_days_ago = time.time() - 2 * 86400
    for path in (folder.path(old), stray, foreign):
        os.utime(path, (two_days_ago, two_days_ago))
    assert list(folder.keys_older_than(utcnow() - timedelta(days=1))) == [old]
    assert not stray.exists() and foreign.exists()  # only what it wrote itself is touched


# --- an S3 bucket ------------------------------------------------------------------------------

def s3_of(bucket, prefix: str = "uploads") -> S3Storage:
    return S3Storage(bucket.name, prefix, bucket.endpoint, REGION)


def test_a_bucket_keeps_each_file_as_an_object_under_the_prefix(bucket):
    s3 = s3_of(bucket)
    s3.put(KEY, TINY_PDF, "application/pdf")
    assert bucket.names() == [f"uploads/{KEY}"] and s3.get(KEY) == TINY_PDF
    head = bucket.client().head_object(Bucket=bucket.name, Key=f"uploads/{KEY}")
    assert head["ContentType"] == "application/pdf"
    s3.delete_many([KEY, "gone" + KEY[4:]])  # one of them not there: no error
    assert bucket.names() == []
    with pytest.raises(StoredFileMissing):
        s3.get(KEY)


def test_a_bucket_refuses_a_key_that_could_name_another_object(bucket):
    bucket.client().put_object(Bucket=bucket.name, Key="other/secret", Body=b"not yours")
    s3 = s3_of(bucket)
    s3.put(KEY, b"mine", "application/pdf")
    for key in HOSTILE_KEYS:  # one bucket for all: each is refused before any request is made
        with pytest.raises(ValueError, match="not a storage key"):
            s3.put(key, b"x", "application/pdf")
        with pytest.raises(ValueError, match="not a storage key"):
            s3.get(key)
        with pytest.raises(ValueError, match="not a storage key"):
            s3.delete_many([KEY, key])  # not even the good key of the batch is deleted
    assert bucket.names() == ["other/secret", f"uploads/{KEY}"]
    assert bucket.client().get_object(Bucket=bucket.name, Key="other/secret")["Body"].read() == b"not yours"


def test_a_bucket_lists_only_its_own_old_objects(bucket):
    s3 = s3_of(bucket)
    s3.put(KEY, b"a", "application/pdf")
    client = bucket.client()
    client.put_object(Bucket=bucket.name, Key="uploads/not a key", Body=b"b")
    client.put_object(Bucket=bucket.name, Key="elsewhere/" + KEY, Body=b"c")
    client.put_object(Bucket=bucket.name, Key="uploads-other/" + KEY, Body=b"d")
    assert list(s3.keys_older_than(utcnow() + timedelta(minutes=5))) == [KEY]
    assert list(s3.keys_older_than(utcnow() - timedelta(minutes=5))) == []


def test_an_unreachable_store_is_a_storage_error(aws_environment):
    with socket_closed() as port:
        s3 = S3Storage("formsvc-uploads", "", f"http://127.0.0.1:{port}", REGION)
        with pytest.raises(StorageError, match="could not write upload"):
            s3.put(KEY, b"x", "application/pdf")
        with pytest.raises(StorageError, match="could not read upload"):
            s3.get(KEY)


class socket_closed:
    """A port of 127.0.0.1 nothing listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *_exc) -> None:
        return None


# --- rows, on both databases and with each storage -----------------------------------------------

def new_upload(content: bytes, **fields) -> Upload:
    return Upload(**{"token": secrets.token_urlsafe(24), "field_id": "proxy_letter", "filename": "委任状.pdf",
                     "content_type": "application/pdf", "size": len(content),
                     "sha256": hashlib.sha256(content).hexdigest(), **fields})


def test_bytes_go_where_the_setting_says_and_come_back(app, storage):
    with app.app_context():
        session = database().session_factory()
        upload = new_upload(TINY_PDF)
        store_bytes(session, upload, TINY_PDF)
        session.add(upload)
        session.commit()
        row = session.execute(select(Upload.content, Upload.storage_key)).one()
        if storage.kind == "database":
            assert row == (TINY_PDF, None) and storage.objects() == []
        else:
            assert row == (None, upload.token) and storage.objects() == [upload.token]
        session.close()
        with database().session_factory() as fresh:
            assert upload_bytes(fresh.scalars(select(Upload)).one()) == TINY_PDF


def test_an_object_stays_only_if_its_row_is_committed(app, storage):
    with app.app_context():
        session = database().session_factory()
        rolled_back, closed, in_savepoint, kept = (new_upload(TINY_PDF) for _ in range(4))
        store_bytes(session, rolled_back, TINY_PDF)
        session.add(rolled_back)
        session.flush()
        session.rollback()
        store_bytes(session, closed, TINY_PDF)
        session.add(closed)
        session.close()  # never committed
        if session.bind.dialect.name == "postgresql":  # pysqlite's savepoints do not nest in a transaction
            with session.begin_nested():  # a savepoint released is not a commit
                store_bytes(session, in_savepoint, TINY_PDF)
                session.add(in_savepoint)
            session.rollback()
        store_bytes(session, kept, TINY_PDF)
        session.add(kept)
        with session.begin_nested():
            pass
        session.commit()
        assert session.scalars(select(Upload.token)).all() == [kept.token]
        assert storage.objects() == ([] if storage.kind == "database" else [kept.token])
        # Deleting the row: the object goes once the deletion is committed, not before.
        assert delete_stored(session, Upload.token == kept.token) == 1
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Upload)) == 1
        assert storage.objects() == ([] if storage.kind == "database" else [kept.token])
        delete_stored(session, Upload.token == kept.token)
        assert storage.objects() == ([] if storage.kind == "database" else [kept.token])
        session.commit()
        assert storage.objects() == [] and session.scalar(select(func.count()).select_from(Upload)) == 0
        session.close()


def test_rows_stored_in_the_database_are_read_whatever_the_setting(app, storage):
    """Files stored before the setting existed (or with it at database) keep their bytes in the
    row: switching to a folder or a bucket needs nothing moved."""
    with app.app_context(), database().transaction() as session:
        session.execute(insert(Upload).values(token=KEY, field_id="f", filename="old.pdf",
                                              content_type="application/pdf", size=len(TINY_PDF),
                                              sha256="0" * 64, content=TINY_PDF, created_at=utcnow()))
    with app.app_context(), database().transaction() as session:
        assert upload_bytes(session.scalars(select(Upload)).one()) == TINY_PDF
        assert delete_stored(session, Upload.token == KEY) == 1
    assert storage.objects() == []


def test_a_request_that_fails_after_storing_a_file_leaves_neither_row_nor_object(app, storage, monkeypatch):
    publish(app, SAMPLE)
    client = app.test_client()
    person = Applicant(client, app, "sample-permit", answers={"resident": True, "via": "agent", "copies": 1})
    person.apply(until="agent")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(questions, "store", broken)
    failed = person.post("/forms/sample-permit/pages/agent",
                         {"agent_name": "代理花子", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状.pdf")})
    assert failed.status_code == 500
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Upload)) == 0
    assert storage.objects() == []


def sent_with_a_letter(app) -> str:
    """A signed-in resident's application sent with one file (委任状); its reception number."""
    publish(app, REVIEW_SAMPLE, "review.yaml")
    resident = app.test_client()
    sign_in(resident, app)
    return Applicant(resident, app, "review-permit",
                     answers={"via": "agent", "agent_name": "代理 花子", "proxy_letter": True}).submit()


def test_a_resident_uploads_a_file_and_staff_download_it(app, storage):
    number = sent_with_a_letter(app)
    with app.app_context(), database().transaction() as session:
        upload = session.scalars(select(Upload)).one()
        assert upload.submission_id is not None
        assert (upload.storage_key is None) == (storage.kind == "database")
    assert storage.objects() == ([] if storage.kind == "database" else [upload.token])
    reviewer = staff_client(app, "shinsa", "reviewer")
    url = f"/staff/submissions/{number}/attachments/{upload.token}"
    download = reviewer.get(url)
    assert download.status_code == 200 and download.data == TINY_PDF
    assert download.headers["Content-Type"] == "application/pdf"
    # A picture is shown converted to JPEG, from the same bytes.
    with app.app_context(), database().transaction() as session:
        picture = new_upload(PNG, submission_id=upload.submission_id, content_type="image/png")
        store_bytes(session, picture, PNG)
        session.add(picture)
    preview = reviewer.get(f"{url.rsplit('/', 1)[0]}/{picture.token}/preview.jpg")
    assert preview.status_code == 200 and preview.data.startswith(b"\xff\xd8")


def test_the_draft_purge_deletes_the_stored_files_and_orphans(app, storage):
    publish(app, SAMPLE)
    client = app.test_client()
    person = Applicant(client, app, "sample-permit", answers={"resident": True, "via": "agent", "copies": 1})
    person.apply(until="agent")
    sent = person.post("/forms/sample-permit/pages/agent",
                       {"agent_name": "代理花子", "proxy_letter": (io.BytesIO(TINY_PDF), "委任状.pdf")})
    assert urlparse(sent.location).path != "/forms/sample-permit/pages/agent"
    with app.app_context(), database().transaction() as session:
        # A file left by its draft (deleted with the application it became) and one of a live draft.
        unlinked = new_upload(TINY_PDF)
        store_bytes(session, unlinked, TINY_PDF)
        session.add(unlinked)
        draft = session.scalars(select(Draft)).one()
        drafted = session.scalars(select(Upload).where(Upload.draft_id == draft.id)).one()
    if storage.kind != "database":
        assert storage.objects() == sorted([drafted.token, unlinked.token])
    with app.app_context(), database().transaction() as session:
        assert purge_expired(session) == 0  # the draft is alive: only the unlinked file goes
    assert storage.objects() == ([] if storage.kind == "database" else [drafted.token])
    with app.app_context(), database().transaction() as session:
        session.execute(update(Draft).values(expires_at=utcnow() - timedelta(minutes=1)))
    with app.app_context(), database().transaction() as session:
        assert purge_expired(session) == 1
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Upload)) == 0
        assert session.scalar(select(func.count()).select_from(Submission)) == 0
    assert storage.objects() == []


@pytest.mark.parametrize("storage", ["folder", "s3"], indirect=True)
def test_objects_no_row_points_at_are_swept_once_a_day_old(app, storage):
    with app.app_context():
        kept = new_upload(b"kept")
        with database().transaction() as session:
            store_bytes(session, kept, b"kept")
            session.add(kept)
        orphan = "orphan" + KEY[6:]
        upload_storage.configured().put(orphan, b"a process was killed before its commit", "application/pdf")
        with database().transaction() as session:
            assert sweep_orphans(session) == 0  # too young: its row may be on its way
        assert storage.objects() == sorted([kept.token, orphan])
        if storage.kind == "folder":
            for path in storage.folder.glob("*/*"):
                os.utime(path, (time.time() - 2 * 86400,) * 2)
            later = utcnow()
        else:
            later = utcnow() + timedelta(days=1, minutes=5)  # the bucket's clock cannot be turned back
        with database().transaction() as session:
            assert sweep_orphans(session, later) == 1
        assert storage.objects() == [kept.token]


@pytest.mark.parametrize("storage", ["folder", "s3"], indirect=True)
def test_disposal_past_retention_deletes_the_stored_files(app, storage):
    from formsvc.clock import JST
    from formsvc.review import retention

    number = sent_with_a_letter(app)
    assert len(storage.objects()) == 1
    with app.app_context(), database().transaction() as session:
        session.execute(update(Submission).where(Submission.reception_number == number)
                        .values(status="approved", updated_at=datetime(2021, 3, 31, 12, tzinfo=JST)))
    with app.app_context(), database().transaction() as session:
        assert retention.dispose_expired(session, today=date(2026, 4, 1)) == 1
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(func.count()).select_from(Upload)) == 0
    assert storage.objects() == []  # not a day later through the sweep: now


@pytest.mark.parametrize("storage", ["folder"], indirect=True)
def test_a_file_missing_from_its_storage_gets_a_page_that_says_so(app, storage, caplog):
    number = sent_with_a_letter(app)
    with app.app_context(), database().session_factory() as session:
        upload = session.scalars(select(Upload)).one()
    for stored in storage.folder.glob("*/*"):
        stored.unlink()  # lost with a disk, or deleted by hand
    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}/attachments/{upload.token}")
    assert page.status_code == 404 and "添付ファイルを読み出せませんでした" in page.text
    assert "保存先に見つかりませんでした" in page.text and "委任状" not in caplog.text
    assert reviewer.get(f"/staff/submissions/{number}").status_code == 200  # the application itself is kept


@pytest.mark.parametrize("storage", ["folder"], indirect=True)
def test_a_record_still_prints_when_a_picture_is_missing_from_its_storage(app, storage):
    from formsvc.forms.catalog import version_by_id
    from formsvc.records.images import printed_attachments

    sent_with_a_letter(app)
    with app.app_context(), database().transaction() as session:
        upload = session.scalars(select(Upload)).one()
        upload.content_type = "image/png"  # a photo of the letter: the record would show it
    for stored in storage.folder.glob("*/*"):
        stored.unlink()
    with app.app_context(), database().session_factory() as session:
        submission = session.get(Submission, upload.submission_id)
        printed = printed_attachments(session, submission, version_by_id(session, submission.version_id).definition)
    assert [(item.filename, item.image_uri, item.unreadable) for item in printed] == [(upload.filename, None, True)]
