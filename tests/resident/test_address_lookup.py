"""住所を検索 without JavaScript, and the address that starts from a postal code answered earlier."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from formsvc.definitions.loader import load_text
from formsvc.fields import FieldContext
from formsvc.resident.address_lookup import addresses_from_postal_codes, look_up_address, requested_lookup
from tests.resident.conftest import SAMPLE

DEFINITION = load_text(SAMPLE, "sample.yaml").definition
APPLICANT = DEFINITION.page_by_id("applicant").answer_fields()
CTX = FieldContext(locale="ja")


def test_the_button_names_its_postal_code_question():
    assert requested_lookup("lookup:postal") == "postal"
    assert requested_lookup("continue") is None
    assert requested_lookup("remove-file:proxy_letter:x") is None


def test_what_the_code_tells_is_filled_in_and_what_was_typed_stays():
    typed = MultiDict({"postal": "１０５－００１１", "name-family": "山田", "home-town": "古い町",
                       "home-block": "4-2-8", "home-building": "タワー101"})
    filled, notice = look_up_address(APPLICANT, "postal", typed, CTX)
    assert notice == "住所を入力しました（東京都港区芝公園）。続けて番地を入力してください。"
    assert [filled[f"home-{part}"] for part in ("prefecture", "city", "town", "block", "building")] == [
        "東京都", "港区", "芝公園", "4-2-8", "タワー101"]
    assert filled["name-family"] == "山田"
    assert typed["home-town"] == "古い町"  # the inputs sent are not changed in place


def test_a_town_the_code_leaves_open_stays_as_typed():
    typed = MultiDict({"postal": "4090142", "home-town": "小菅"})
    filled, _ = look_up_address(APPLICANT, "postal", typed, CTX)
    assert (filled["home-prefecture"], filled["home-city"], filled["home-town"]) == ("山梨県", "北都留郡小菅村", "小菅")


def test_an_unknown_code_says_so_and_fills_nothing():
    typed = MultiDict({"postal": "0000000"})
    filled, notice = look_up_address(APPLICANT, "postal", typed, FieldContext(locale="en"))
    assert filled == typed and notice == "No address was found for this postcode. Check it or type the address."


def test_a_question_that_fills_no_address_looks_nothing_up():
    typed = MultiDict({"postal": "1050011"})
    assert look_up_address(APPLICANT, "name", typed, CTX) == (typed, None)
    assert look_up_address(APPLICANT, "no_such_question", typed, CTX) == (typed, None)


def test_an_address_asked_after_its_postal_code_starts_with_what_the_code_tells():
    answers = {"postal": "1050011"}
    initial = addresses_from_postal_codes(APPLICANT, DEFINITION.all_fields(), answers.get)
    assert initial == {"home": {"prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "", "building": ""}}
    assert addresses_from_postal_codes(APPLICANT, DEFINITION.all_fields(), {}.get) == {}
