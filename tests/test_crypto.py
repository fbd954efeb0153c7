"""Encryption keys (FORMSVC_ENCRYPTION_KEY) and what formsvc.crypto does with them."""

from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask

from formsvc import crypto
from formsvc.config import load_or_create_encryption_keys


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_without_the_variable_a_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FORMSVC_ENCRYPTION_KEY", raising=False)
    keys = load_or_create_encryption_keys(tmp_path)
    key_file = tmp_path / "encryption_key"
    assert len(keys) == 1 and key_file.read_text() == keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # only the service user reads it
    Fernet(keys[0].encode())  # a usable Fernet key
    assert load_or_create_encryption_keys(tmp_path) == keys  # the same key on the next start


def test_the_variable_lists_keys_newest_first(tmp_path, monkeypatch):
    newest, older = new_key(), new_key()
    monkeypatch.setenv("FORMSVC_ENCRYPTION_KEY", f" {newest}, {older} ,")
    assert load_or_create_encryption_keys(tmp_path) == [newest, older]
    assert not (tmp_path / "encryption_key").exists()


def test_a_key_that_is_not_a_fernet_key_stops_the_start_without_showing_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMSVC_ENCRYPTION_KEY", f"{new_key()},not-a-key-at-all")
    with pytest.raises(ValueError, match="FORMSVC_ENCRYPTION_KEY") as raised:
        load_or_create_encryption_keys(tmp_path)
    assert "not-a-key-at-all" not in str(raised.value)
    assert "2" in str(raised.value)  # which one: the second


@pytest.fixture
def keyed_app():
    app = Flask(__name__)
    app.config["ENCRYPTION_KEYS"] = [new_key()]
    with app.app_context():
        yield app


def test_the_first_key_encrypts_and_every_key_decrypts(keyed_app):
    old = keyed_app.config["ENCRYPTION_KEYS"][0]
    earlier = crypto.encrypt("123456789018")
    assert crypto.is_encrypted(earlier) and "123456789018" not in earlier
    keyed_app.config["ENCRYPTION_KEYS"] = [new_key(), old]
    later = crypto.encrypt("123456789018")
    assert crypto.decrypt(earlier) == crypto.decrypt(later) == "123456789018"
    with pytest.raises(InvalidToken):  # not readable with the old key alone
        Fernet(old.encode()).decrypt(later.encode())
    # Rotating re-encrypts with the first key; the old key can then be removed.
    rotated = crypto.rotate(earlier)
    keyed_app.config["ENCRYPTION_KEYS"] = keyed_app.config["ENCRYPTION_KEYS"][:1]
    assert crypto.decrypt(rotated) == "123456789018"


def test_a_value_that_is_not_encrypted_is_read_as_it_was_stored(keyed_app):
    assert not crypto.is_encrypted("123456789018") and crypto.decrypt("123456789018") == "123456789018"
    assert crypto.decrypt("********9018") == "********9018"
    assert crypto.is_encrypted(crypto.rotate("123456789018"))  # rotating also encrypts plain values


def test_a_value_encrypted_with_a_key_no_longer_listed_is_an_error_not_a_leak(keyed_app):
    token = crypto.encrypt("123456789018")
    keyed_app.config["ENCRYPTION_KEYS"] = [new_key()]
    with pytest.raises(crypto.UnreadableValue, match="FORMSVC_ENCRYPTION_KEY") as raised:
        crypto.decrypt(token)
    assert token not in str(raised.value)


def test_a_list_without_a_key_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMSVC_ENCRYPTION_KEY", " , ")
    with pytest.raises(ValueError, match="FORMSVC_ENCRYPTION_KEY lists no key"):
        load_or_create_encryption_keys(tmp_path)
