"""The JSON Schema of the definition language, exported to form_definitions/schema.json."""

from __future__ import annotations

from formsvc.definitions.schema import FormDefinition

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def definition_json_schema() -> dict:
    schema = FormDefinition.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": SCHEMA_URI,
        "title": "formsvc form definition (申請フォーム定義)",
        "description": "form_definitions/*.yaml の書き方。`formsvc export-schema` で生成します。",
        **{key: value for key, value in schema.items() if key != "title"},
    }
