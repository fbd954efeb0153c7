"""Upload storage for the tests: a local S3 (moto's server, on a free port of 127.0.0.1), and apps
storing residents' files in the database, a folder or a bucket of it. Nothing leaves the machine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from formsvc import create_app
from tests.conftest import database_of, empty_all_tables

REGION = "ap-northeast-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, once for the run (each test makes a bucket of its own)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_environment(monkeypatch, tmp_path):
    """Credentials for the local S3 only, and none of the developer's AWS files or the instance
    metadata service (boto3 would look for credentials there, over the network)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "formsvc-test", "AWS_SECRET_ACCESS_KEY": "formsvc-test",
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
                        "AWS_CONFIG_FILE": str(tmp_path / "no-config"), "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@dataclass
class Bucket:
    endpoint: str
    name: str

    def client(self):
        import boto3

        return boto3.session.Session().client("s3", endpoint_url=self.endpoint, region_name=REGION)

    def names(self) -> list[str]:
        """The names of every object in the bucket."""
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture
def bucket(s3_endpoint, aws_environment) -> Bucket:
    made = Bucket(s3_endpoint, f"formsvc-{uuid.uuid4().hex[:12]}")
    made.client().create_bucket(Bucket=made.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return made


@dataclass
class StorageSetting:
    """An app's FORMSVC_UPLOAD_STORAGE and where to look at what it stored."""

    kind: str  # database, folder or s3
    config: dict
    folder: Path | None = None
    bucket: Bucket | None = None

    def objects(self) -> list[str]:
        """The stored objects' names (keys), outside the database."""
        if self.folder is not None:
            return sorted(p.name for p in self.folder.glob("*/*") if p.is_file())
        if self.bucket is not None:
            return [name.removeprefix("uploads/") for name in self.bucket.names()]
        return []


def setting_for(kind: str, request, tmp_path: Path) -> StorageSetting:
    if kind == "folder":
        folder = tmp_path / "uploads"
        return StorageSetting(kind, {"UPLOAD_STORAGE": f"folder:{folder}"}, folder=folder)
    if kind == "s3":
        made = request.getfixturevalue("bucket")
        return StorageSetting(kind, {"UPLOAD_STORAGE": f"s3://{made.name}/uploads", "S3_ENDPOINT_URL": made.endpoint,
                                     "S3_REGION": REGION}, bucket=made)
    return StorageSetting(kind, {"UPLOAD_STORAGE": "database"})


def make_app(database_url: str, tmp_path: Path, **overrides):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                       "INSTANCE_DIR": str(tmp_path), **overrides})


@pytest.fixture(params=["database", "folder", "s3"])
def storage(request, tmp_path) -> StorageSetting:
    """Each of the three kinds of storage in turn."""
    return setting_for(request.param, request, tmp_path)


def app_storing_as(database_url: str, tmp_path: Path, storage: StorageSetting) -> Iterator:
    """The usual test app, storing files as ``storage`` says (a test module's ``app`` fixture)."""
    made = make_app(database_url, tmp_path, **storage.config)
    yield made
    empty_all_tables(made)
    database_of(made).engine.dispose()
