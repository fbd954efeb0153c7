"""Where the bytes of residents' files are kept: in the database, in a folder or in an S3 bucket.

FORMSVC_UPLOAD_STORAGE chooses, at start-up (a wrong value stops the start, saying why):

- ``database`` (the default): in ``uploads.content``, as every file stored before the setting existed.
- ``folder:/absolute/path``: one file per upload, named by its storage key (never by the name the
  resident gave), mode 0600, in a subfolder per first two characters of the key (mode 0700).
- ``s3://bucket[/prefix]``: one object per upload in an S3-compatible store (AWS, MinIO, …), through
  boto3; FORMSVC_S3_ENDPOINT_URL and FORMSVC_S3_REGION say where, the standard AWS variables who.

Whatever the setting, a row whose ``storage_key`` is NULL has its bytes in ``content`` and is read
from there, so switching from ``database`` needs nothing moved. Switching between a folder and a
bucket does: their objects must be copied over under the same keys first.

A file is written before the row that points at it is committed. If the transaction rolls back (or
the session is closed without committing) the object is deleted again; rows deleted with
``delete_stored`` have their objects deleted once the deletion is committed. What is left is an
object whose row was never committed or whose deletion did not follow a commit because the process
was killed in between, or because a row went with a cascade nobody told this module about: the
hourly draft purge (``sweep_orphans``) deletes any object older than a day that no row points at.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import ColumnElement, CursorResult, delete, event, select
from sqlalchemy.orm import Session, SessionTransaction

from formsvc.db import utcnow
from formsvc.submissions.models import Upload
from formsvc.tenants.context import all_municipalities

EXTENSION = "formsvc.storage"
log = logging.getLogger(__name__)

# A storage key: what ``secrets.token_urlsafe`` makes. Nothing else is ever a file or object name,
# so no key can climb out of the folder (no "/", no ".", no NUL) or name a bucket's other objects.
KEY = re.compile(r"[A-Za-z0-9_-]{16,128}")
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
PREFIX = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
# An object no row points at is deleted once it is this old (a row is committed within seconds).
ORPHAN_AGE = timedelta(days=1)
_BATCH = 500  # keys per query and per S3 DeleteObjects call (which takes 1000 at most)
_PUT = "formsvc.storage.put"  # session.info: objects written in the session's transaction
_DELETE = "formsvc.storage.delete"  # …and objects whose rows it deletes


class StorageError(RuntimeError):
    """The bytes of an upload cannot be written, read or deleted where they are kept."""


class StoredFileMissing(StorageError):
    """The row points at an object that is not there."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage:
    """Keeps bytes under keys. ``external`` is False for the database, where they are in the row."""

    external = True

    def describe(self) -> str:
        raise NotImplementedError

    def put(self, key: str, content: bytes, content_type: str) -> None:
        raise NotImplementedError

    def get(self, key: str) -> bytes:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        self.delete_many([key])

    def delete_many(self, keys: Iterable[str]) -> None:
        """Delete these objects; ones already gone are no error."""
        raise NotImplementedError

    def keys_older_than(self, moment: datetime) -> Iterator[str]:
        """The keys of the objects last written before ``moment``."""
        raise NotImplementedError


class DatabaseStorage(Storage):
    """FORMSVC_UPLOAD_STORAGE=database: the bytes are in ``uploads.content``; there are no objects."""

    external = False

    def describe(self) -> str:
        return "database"

    def _none(self, key: str) -> StorageError:
        return StorageError(f"upload storage is 'database', but upload {key!r} is kept outside it: set "
                            "FORMSVC_UPLOAD_STORAGE to the folder or bucket it was stored in")

    def put(self, key: str, content: bytes, content_type: str) -> None:
        raise self._none(check_key(key))

    def get(self, key: str) -> bytes:
        raise self._none(check_key(key))

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            raise self._none(check_key(key))

    def keys_older_than(self, moment: datetime) -> Iterator[str]:
        return iter(())


class FolderStorage(Storage):
    """FORMSVC_UPLOAD_STORAGE=folder:/path: ``/path/<first two characters of key>/<key>``, mode 0600.

    A file is written under a temporary name and renamed, so that a reader never sees half of it.
    Several servers may share the folder (NFS or the like)."""

    _TEMPORARY = ".part-"

    def __init__(self, root: Path):
        if not root.is_absolute():
            raise ValueError(f"FORMSVC_UPLOAD_STORAGE: the folder must be an absolute path, not {str(root)!r}")
        self.root = root

    def describe(self) -> str:
        return f"folder:{self.root}"

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, content: bytes, content_type: str) -> None:
        final = self.path(key)
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = final.parent / f"{self._TEMPORARY}{key}-{secrets.token_hex(4)}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise StorageError(f"could not write upload {key} into {self.root}: {error}") from error

    def get(self, key: str) -> bytes:
        try:
            fd = os.open(self.path(key), os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise StoredFileMissing(f"upload {key} is not in {self.root}") from None
        except OSError as error:
            raise StorageError(f"could not read upload {key} from {self.root}: {error}") from error
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.path(key).unlink(missing_ok=True)

    def keys_older_than(self, moment: datetime) -> Iterator[str]:
        cutoff = moment.timestamp()
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if len(shard.name) != 2 or not shard.is_dir() or shard.is_symlink():
                continue
            for entry in sorted(shard.iterdir()):
                try:
                    old = entry.lstat().st_mtime < cutoff
                except FileNotFoundError:
                    continue
                if old and entry.name.startswith(self._TEMPORARY):
                    entry.unlink(missing_ok=True)  # a write that was cut short
                elif old and KEY.fullmatch(entry.name) and entry.name[:2] == shard.name:
                    yield entry.name


class S3Storage(Storage):
    """FORMSVC_UPLOAD_STORAGE=s3://bucket[/prefix]: object ``prefix/key`` in an existing bucket."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None):
        self.bucket, self.prefix = bucket, prefix
        self.endpoint_url, self.region = endpoint_url, region
        self._client: Any = None
        self._client_pid = 0
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def object_name(self, key: str) -> str:
        return f"{self.prefix}/{check_key(key)}" if self.prefix else check_key(key)

    def client(self) -> Any:
        """One boto3 client per process (they are thread-safe; a forked worker makes its own)."""
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                import boto3  # type: ignore[import-untyped]
                from botocore.config import Config  # type: ignore[import-untyped]

                config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                                # S3-compatible stores (MinIO, …) are addressed by path, not by bucket host name.
                                s3={"addressing_style": "path" if self.endpoint_url else "auto"})
                self._client = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config)
                self._client_pid = os.getpid()
            return self._client

    def put(self, key: str, content: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

        try:
            self.client().put_object(Bucket=self.bucket, Key=self.object_name(key), Body=content,
                                     ContentType=content_type)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"could not write upload {key} into {self.describe()}: {error}") from error

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = self.client().get_object(Bucket=self.bucket, Key=self.object_name(key))
            return cast(bytes, found["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise StoredFileMissing(f"upload {key} is not in {self.describe()}") from None
            raise StorageError(f"could not read upload {key} from {self.describe()}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"could not read upload {key} from {self.describe()}: {error}") from error

    def delete_many(self, keys: Iterable[str]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        names = [self.object_name(key) for key in keys]
        for start in range(0, len(names), _BATCH):
            batch = names[start:start + _BATCH]
            try:
                answer = self.client().delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": name} for name in batch], "Quiet": True})
            except (BotoCoreError, ClientError) as error:
                raise StorageError(f"could not delete uploads from {self.describe()}: {error}") from error
            failed = [item for item in answer.get("Errors", []) if item.get("Code") != "NoSuchKey"]
            if failed:
                raise StorageError(f"could not delete {len(failed)} uploads from {self.describe()}: "
                                   f"{failed[0].get('Code')} {failed[0].get('Message')}")

    def keys_older_than(self, moment: datetime) -> Iterator[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "")
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) + 1:] if self.prefix else item["Key"]
                if KEY.fullmatch(key) and item["LastModified"] < moment:
                    yield key


def parse_location(location: str, endpoint_url: str | None = None, region: str | None = None) -> Storage:
    """The storage FORMSVC_UPLOAD_STORAGE names; ValueError saying what is wrong with it."""
    text = (location or "").strip()
    if text in ("", "database"):
        return DatabaseStorage()
    if "\0" in text or any(ord(character) < 32 for character in text):
        raise ValueError("FORMSVC_UPLOAD_STORAGE holds a control character")
    if text.startswith("folder:"):
        folder = text.removeprefix("folder:")
        if not folder:
            raise ValueError("FORMSVC_UPLOAD_STORAGE: folder: needs an absolute path, e.g. folder:/srv/formsvc/uploads")
        return FolderStorage(Path(os.path.normpath(folder)))
    if text.startswith("s3://"):
        bucket, _, prefix = text.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        if not BUCKET.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"FORMSVC_UPLOAD_STORAGE: {bucket!r} is not an S3 bucket name (3 to 63 lower-case "
                             "letters, digits, dots and hyphens)")
        if prefix and (not PREFIX.fullmatch(prefix) or any(part in (".", "..") for part in prefix.split("/"))):
            raise ValueError(f"FORMSVC_UPLOAD_STORAGE: {prefix!r} is not a plain prefix (letters, digits, "
                             "'_', '.', '-' in parts separated by '/')")
        if endpoint_url is not None and not re.fullmatch(r"https?://[A-Za-z0-9.\[\]:-]+(:[0-9]{1,5})?/?", endpoint_url):
            raise ValueError(f"FORMSVC_S3_ENDPOINT_URL must be http(s)://host[:port], not {endpoint_url!r}")
        return S3Storage(bucket, prefix, endpoint_url, region)
    raise ValueError(f"FORMSVC_UPLOAD_STORAGE must be database, folder:/absolute/path or s3://bucket[/prefix], "
                     f"not {text!r}")


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = parse_location(app.config.get("UPLOAD_STORAGE", "database"),
                                               app.config.get("S3_ENDPOINT_URL"), app.config.get("S3_REGION"))


def configured() -> Storage:
    """The app's storage (FORMSVC_UPLOAD_STORAGE)."""
    if EXTENSION not in current_app.extensions:
        init_app(current_app)
    return cast(Storage, current_app.extensions[EXTENSION])


# --- rows -----------------------------------------------------------------------------------

def store_bytes(session: Session, upload: Upload, content: bytes) -> None:
    """Keep ``content`` as the bytes of the new row ``upload``, where the storage says. An object is
    written at once and deleted again unless ``session``'s transaction commits."""
    storage = configured()
    if not storage.external:
        upload.content, upload.storage_key = content, None
        return
    key = check_key(upload.token)
    if not session.in_transaction():
        session.begin()  # so that its end, committed or not, is seen (_settle)
    storage.put(key, content, upload.content_type)
    session.info.setdefault(_PUT, []).append((storage, key))
    upload.content, upload.storage_key = None, key


def upload_bytes(upload: Upload) -> bytes:
    """The bytes of an uploaded file, wherever they are kept."""
    if upload.storage_key is None:
        if upload.content is None:
            raise StoredFileMissing(f"upload {upload.id} has neither bytes nor a storage key")
        return upload.content
    return configured().get(upload.storage_key)


def delete_stored(session: Session, *criteria: ColumnElement[bool]) -> int:
    """Delete the Upload rows matching ``criteria`` (as for ``select(Upload).where(...)``); their
    stored objects are deleted once ``session`` commits (and kept if it rolls back). How many rows.

    Use it wherever upload rows are deleted, or before deleting what they cascade from (a
    submission): a bulk DELETE or a cascade does not tell this module which objects go."""
    keys = list(session.scalars(select(Upload.storage_key).where(*criteria, Upload.storage_key.is_not(None))))
    result = cast(CursorResult, session.execute(delete(Upload).where(*criteria)
                                                .execution_options(synchronize_session=False)))
    if keys:
        storage = configured()
        session.info.setdefault(_DELETE, []).extend((storage, key) for key in keys if key is not None)
    return result.rowcount


def sweep_orphans(session: Session, now: datetime | None = None) -> int:
    """Delete the stored objects older than ORPHAN_AGE that no row points at (a process killed
    between writing an object and committing its row, or between committing a deletion and
    deleting the object); how many."""
    storage = configured()
    if not storage.external:
        return 0
    deleted = 0
    batch: list[str] = []
    errors: tuple[type[Exception], ...] = (StorageError, OSError, *_boto_errors())
    try:
        for key in storage.keys_older_than((now or utcnow()) - ORPHAN_AGE):
            batch.append(key)
            if len(batch) == _BATCH:
                deleted += _delete_unknown(session, storage, batch)
                batch = []
        if batch:
            deleted += _delete_unknown(session, storage, batch)
    except errors as error:  # the next purge tries again
        log.warning("could not sweep %s for orphaned uploads: %s", storage.describe(), error)
    return deleted


def _boto_errors() -> tuple[type[Exception], ...]:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return BotoCoreError, ClientError


def _delete_unknown(session: Session, storage: Storage, keys: list[str]) -> int:
    # One storage holds every municipality's files: a key is known if any of them points at it.
    with all_municipalities():
        known = set(session.scalars(select(Upload.storage_key).where(Upload.storage_key.in_(keys))))
    unknown = [key for key in keys if key not in known]
    storage.delete_many(unknown)
    return len(unknown)


def _delete_quietly(pending: list[tuple[Storage, str]], why: str) -> None:
    by_storage: dict[int, tuple[Storage, list[str]]] = {}
    for storage, key in pending:
        by_storage.setdefault(id(storage), (storage, []))[1].append(key)
    for storage, keys in by_storage.values():
        try:
            storage.delete_many(keys)
        except Exception:  # the request or job is over: the orphan sweep deletes them within a day
            log.exception("could not delete %d uploads %s from %s; the draft purge will", len(keys), why,
                          storage.describe())


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    session.info.pop(_PUT, None)  # their rows are committed: the objects stay
    deletions = session.info.pop(_DELETE, None)
    if deletions:
        _delete_quietly(deletions, "whose rows were deleted")


@event.listens_for(Session, "after_transaction_end")
def _settle(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    # The outermost transaction ended without a commit (rolled back, or the session closed).
    session.info.pop(_DELETE, None)  # the rows are still there, and so stay their objects
    written = session.info.pop(_PUT, None)
    if written:
        _delete_quietly(written, "written in a transaction that did not commit")
