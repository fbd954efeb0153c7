"""Developer settings (正規表現, autocomplete, 検証番号, the address a postal code fills) sit under
詳細設定, apart from the everyday ones, and that section opens when one of them has an error."""

from __future__ import annotations

import re

from formsvc.admin.yaml_edit import load
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import admin_options
from tests.admin.support import (
    FORM,
    SAMPLE,
    admin_client,
    errors_on,
    form_values,
    publish_sample,
    submit,
    working_source,
)

URL = f"/admin/forms/{FORM}/pages/agent/fields/agent_name"


def advanced_section(html: str) -> re.Match | None:
    return re.search(r'<details class="admin-advanced" id="advanced"( open)?>\s*'
                     r'<summary>詳細設定</summary>(.*?)</details>', html, flags=re.S)


def test_the_developer_options_are_marked_in_the_field_types():
    marked = {(name, key) for name, model in REGISTRY.items()
              for key, option in admin_options(model).items() if option.advanced}
    assert {("text", "pattern"), ("text", "autocomplete"), ("text", "check_digit"),
            ("postal_code", "fills")} <= marked
    everyday = {("text", "max_length"), ("number", "min"), ("number", "unit"), ("file", "accept"),
                ("date", "max"), ("consent", "statement")}
    assert not everyday & marked


def test_regex_and_autocomplete_are_under_a_closed_details_section(app):
    publish_sample(app)
    page = admin_client(app).get(URL).text
    section = advanced_section(page)
    assert section and section.group(1) is None  # closed
    inside = section.group(2)
    for name in ("option_pattern_regex", "option_pattern_message", "option_autocomplete", "option_check_digit"):
        assert f'name="{name}"' in inside, name
    # The everyday ones stay in 「入力の条件と表示」, outside it.
    assert 'name="option_max_length"' not in inside and 'name="option_max_length"' in page


def test_a_question_saved_unchanged_keeps_its_developer_settings(app):
    publish_sample(app, SAMPLE.replace(
        "{type: text, id: agent_name, label: 代理人の氏名, max_length: 20}",
        "{type: text, id: agent_name, label: 代理人の氏名, max_length: 20, autocomplete: name,\n"
        "         pattern: {regex: '^[^0-9]+$', message: 数字は使えません}}"))
    admin = admin_client(app)
    values = form_values(admin.get(URL).text, URL)
    assert values["option_autocomplete"] == "name" and values["option_pattern_regex"] == "^[^0-9]+$"
    assert submit(admin, URL, URL, {"option_pattern_regex": "^[^0-9０-９]+$"}).status_code == 302
    spec = load(working_source(app))["pages"][1]["fields"][0]
    assert spec["pattern"] == {"regex": "^[^0-9０-９]+$", "message": "数字は使えません"}
    assert spec["autocomplete"] == "name"


def test_the_section_opens_when_one_of_its_settings_is_refused(app):
    publish_sample(app)
    admin = admin_client(app)
    refused = submit(admin, URL, URL, {"option_pattern_regex": "[未完成"})
    assert refused.status_code == 400
    section = advanced_section(refused.text)
    assert section and section.group(1) == " open", refused.text[:2000]
    assert any(message.startswith("＊") for message in errors_on(section.group(2)))
    # An everyday error leaves it closed.
    refused = submit(admin, URL, URL, {"option_max_length": "たくさん"})
    assert refused.status_code == 400
    assert advanced_section(refused.text).group(1) is None
