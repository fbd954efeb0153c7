"""The my_number field stores the 個人番号 encrypted and shows only its last four digits."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, storage_keys, submit


@pytest.fixture
def app_context():
    with storage_keys():
        yield


def test_the_answer_is_stored_encrypted_and_read_back(app_context):
    spec = make("my_number", label="個人番号")
    typed = submit(spec, {"answer": "1234 5678 9018"}).data
    stored = spec.to_json(typed)
    assert "123456789018" not in stored and stored.startswith("gAAAAA")
    assert stored != spec.to_json(typed)  # a fresh token every time: equal numbers do not show
    assert spec.from_json(stored) == "123456789018"
    assert spec.display(spec.from_json(stored)) == "********9018"


def test_a_number_stored_before_encryption_reads_as_before(app_context):
    spec = make("my_number", label="個人番号")
    assert spec.from_json("123456789018") == "123456789018"
    assert spec.display(spec.from_json("123456789018")) == "********9018"


def test_a_masked_copy_shows_as_it_is(app_context):
    # The audit trail keeps corrected answers masked; they show as they were masked.
    spec = make("my_number", label="個人番号")
    assert spec.display(spec.from_json("********9018")) == "********9018"
    assert spec.display(spec.from_json("************")) == "************"
    assert spec.display("1234") == "************"  # anything else malformed shows nothing


def test_nothing_is_stored_without_the_keys():
    spec = make("my_number", label="個人番号")
    with pytest.raises(RuntimeError):
        spec.to_json("123456789018")
