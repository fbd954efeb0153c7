"""One folder or bucket holds every municipality's files: the hourly sweep of stored objects no
row points at counts every municipality's rows, whichever municipality the purge works for."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from formsvc.db import database, utcnow
from formsvc.forms.models import FormVersion
from formsvc.jobs import runner
from formsvc.submissions import storage as upload_storage
from formsvc.submissions.models import Draft, Upload
from formsvc.submissions.storage import store_bytes
from tests.jobrunner import run_jobs
from tests.review.conftest import SAMPLE, publish
from tests.submissions.conftest import StorageSetting, app_storing_as
from tests.tenants.support import in_tenant, make_tenant

KEY = "abcdefghijklmnopqrstuvwx12345678"


@pytest.fixture
def folder(tmp_path) -> StorageSetting:
    where = tmp_path / "uploads"
    return StorageSetting("folder", {"UPLOAD_STORAGE": f"folder:{where}"}, folder=where)


@pytest.fixture
def app(database_url, tmp_path, folder):
    yield from app_storing_as(database_url, tmp_path, folder)


def test_a_municipalitys_files_are_not_taken_for_orphans(app, folder):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, kamakura):
        publish(app, SAMPLE)
        with database().transaction() as session:
            version_id = session.scalar(select(FormVersion.id))
            draft = Draft(token=secrets.token_urlsafe(16), form_id="sample-permit", version_id=version_id,
                          answers={}, expires_at=utcnow() + timedelta(days=1))
            session.add(draft)
            session.flush()
            content = b"%PDF-1.4 kamakura"
            upload = Upload(token=secrets.token_urlsafe(24), field_id="proxy_letter", filename="委任状.pdf",
                            content_type="application/pdf", size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), draft_id=draft.id)
            store_bytes(session, upload, content)
            session.add(upload)
            kept = upload.storage_key
    with app.app_context():
        orphan = "orphan" + KEY[6:]
        upload_storage.configured().put(orphan, b"a process was killed before its commit", "application/pdf")
    for path in folder.folder.glob("*/*"):
        os.utime(path, (time.time() - 2 * 86400,) * 2)  # both a day old and more
    assert sorted(folder.objects()) == sorted([kept, orphan])
    with app.app_context():
        runner.start_periodic("purge_drafts")  # the default municipality's job, for every one
    assert run_jobs(app) == 1
    assert folder.objects() == [kept]
