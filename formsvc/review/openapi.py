"""The OpenAPI 3.1 description of the read-only API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from formsvc.payments import models as payment_models
from formsvc.payments import status as payment_status
from formsvc.submissions import status

REFUND_STATUSES = [payment_models.NO_REFUND, payment_models.REFUND_DUE, payment_models.REFUND_SUBMITTED,
                   payment_models.REFUNDED, payment_models.REFUND_FAILED]


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document() -> dict:
    summary_properties = {
        "reception_number": {"type": "string", "description": "受付番号（8文字）", "examples": ["ABCD2345"]},
        "form_id": {"type": "string", "description": "手続きID"},
        "status": {"type": "string", "enum": list(status.LABELS), "description": "状況"},
        "status_label": {"type": "string", "description": "状況（日本語）"},
        "channel": {"type": "string", "enum": ["online", "counter"], "description": "経路"},
        "identification": {"type": ["string", "null"], "enum": ["card", "documents", "none", None],
                           "description": "窓口での本人確認（card: マイナンバーカード読取、documents: 本人確認書類、"
                                          "none: 確認なし）。オンライン申請は null"},
        "entered_by": {"type": ["string", "null"], "description": "窓口で入力した職員の表示名（申請者ではない）"},
        "signed_at": {"type": ["string", "null"], "format": "date-time",
                      "description": "窓口で申請者が確認書に署名した日時（日本時間）"},
        "fee": {"type": ["integer", "null"], "description": "手数料（円）"},
        "payment": {"anyOf": [{"$ref": "#/components/schemas/Payment"}, {"type": "null"}],
                    "description": "手数料の支払い状況（支払い・返金）"},
        "submitted_at": {"type": "string", "format": "date-time", "description": "申請日時（日本時間）"},
        "updated_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "description": "この申請の詳細のパス"},
    }
    payment_properties = {
        "status": {"type": "string", "enum": list(payment_status.LABELS),
                   "description": "支払い状況（" + "、".join(f"{code}: {label}" for code, label
                                                       in payment_status.LABELS.items()) + "）"},
        "status_label": {"type": "string", "description": "支払い状況（日本語）"},
        "amount": {"type": ["integer", "null"], "description": "支払った（支払う）金額（円）"},
        "method": {"type": ["string", "null"], "enum": [*payment_status.METHOD_LABELS, None],
                   "description": "支払方法（" + "、".join(f"{code}: {label}" for code, label
                                                     in payment_status.METHOD_LABELS.items()) + "）"},
        "method_label": {"type": ["string", "null"], "description": "支払方法（日本語）"},
        "reference": {"type": ["string", "null"], "description": "決済番号（この申請の支払いの参照番号）"},
        "paid_at": {"type": ["string", "null"], "format": "date-time", "description": "支払日時（日本時間）"},
        "payment_number": {"type": ["string", "null"],
                           "description": "コンビニ払込番号・Pay-easy の番号（支払い待ちのときだけ）"},
        "pay_by": {"type": ["string", "null"], "format": "date-time",
                   "description": "支払期限（支払い待ちのときだけ）"},
        "refund_status": {"type": "string", "enum": REFUND_STATUSES,
                          "description": "返金状況（none: 返金なし、due: 返金予定、submitted: 返金手続中、"
                                         "refunded: 返金済み、failed: 返金失敗）"},
        "refund_reason": {"type": ["string", "null"], "description": "返金の理由（却下・取下げなど）"},
        "refunded_at": {"type": ["string", "null"], "format": "date-time", "description": "返金日時（日本時間）"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "formsvc 申請データ API",
            "version": "1.0.0",
            "description": "オンライン申請の受付データを他のシステムが読み取るための API（読み取り専用）。"
                           "すべての読み取りはアクセス記録に残ります。",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerToken": []}],
        "paths": {
            "/api/v1/submissions": {
                "get": {
                    "operationId": "listSubmissions",
                    "summary": "申請の一覧（古い順、カーソルによるページ送り）",
                    "parameters": [
                        {"name": "form_id", "in": "query", "schema": {"type": "string"}, "description": "手続きID"},
                        {"name": "status", "in": "query", "schema": {"type": "string"},
                         "description": "状況（カンマ区切りで複数）: " + ", ".join(status.LABELS)},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 100}},
                        {"name": "cursor", "in": "query", "schema": {"type": "string"},
                         "description": "前の応答の next_cursor"},
                    ],
                    "responses": {
                        "200": {"description": "申請の一覧",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
                        "400": _error("パラメーターが正しくない"),
                        "401": _error("APIトークンがない、または正しくない"),
                    },
                },
            },
            "/api/v1/submissions/{number}": {
                "get": {
                    "operationId": "getSubmission",
                    "summary": "申請の内容（回答、添付ファイルの情報、経過）",
                    "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"},
                                    "description": "受付番号（ハイフン・小文字も可）"}],
                    "responses": {
                        "200": {"description": "申請の内容", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Submission"}}}},
                        "401": _error("APIトークンがない、または正しくない"),
                        "404": _error("その受付番号の申請はない"),
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "`formsvc create-api-token NAME` で発行したトークン"},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
                "SubmissionSummary": {"type": "object", "properties": summary_properties,
                                      "required": list(summary_properties)},
                "Payment": {"type": "object", "required": list(payment_properties), "properties": payment_properties},
                "Page": {"type": "object", "required": ["items", "next_cursor"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/SubmissionSummary"}},
                    "next_cursor": {"type": ["string", "null"], "description": "次のページのカーソル（最後は null）"},
                }},
                "Answer": {"type": "object", "properties": {
                    "page": {"type": "string"}, "item": {"type": ["integer", "null"]},
                    "field": {"type": "string"}, "type": {"type": "string"}, "label": {"type": "string"},
                    "value": {"description": "回答の値（形は項目の種類による）。個人番号（type: my_number）は"
                                             "下4桁以外を伏せた文字列（例: ********9018）で、12桁は返さない"},
                    "text": {"type": "string", "description": "表示用の回答"},
                    "verified": {"type": "boolean", "description": "マイナンバーカードで確認済み"},
                }},
                "ComputedValue": {"type": "object", "required": ["id", "label", "role", "value", "text"],
                                  "properties": {
                    "id": {"type": "string", "description": "計算値のID（定義の computed[].id）"},
                    "label": {"type": "string", "description": "計算値の名前"},
                    "role": {"type": "string", "enum": ["value", "benefit", "deadline"],
                             "description": "value: 計算結果、benefit: 給付額・補助金額（申請者が受け取る見込み額）、"
                                            "deadline: 期限（日付）"},
                    "value": {"type": ["string", "null"],
                              "description": "申請時に保存した値。数は10進の文字列（例: \"12000\"、\"4.91\"）、"
                                             "日付は YYYY-MM-DD。計算できなかったときは null",
                              "examples": ["12000", "2027-03-31"]},
                    "text": {"type": "string", "description": "表示用（例: 12,000円、2027年3月31日）"},
                }},
                "Outcome": {"type": "object", "required": ["id", "title", "deadline"], "properties": {
                    "id": {"type": "string", "description": "定義の outcomes[].id"},
                    "title": {"type": "string", "description": "申請者に案内した手続きの名前"},
                    "deadline": {"type": ["string", "null"], "format": "date",
                                 "description": "その手続きの期限（申請時に保存した値。なければ null）"},
                }},
                "Submission": {"allOf": [
                    {"$ref": "#/components/schemas/SubmissionSummary"},
                    {"type": "object", "properties": {
                        "form": {"type": "object", "properties": {
                            "id": {"type": "string"}, "version": {"type": "integer"}, "title": {"type": "string"}}},
                        "answers": {"type": "array", "items": {"$ref": "#/components/schemas/Answer"}},
                        "computed": {"type": "array", "items": {"$ref": "#/components/schemas/ComputedValue"},
                                     "description": "申請時に計算して保存した値（後から計算し直さない）"},
                        "outcomes": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"},
                                     "description": "回答から申請者に案内した、必要な手続き"},
                        "attachments": {"type": "array", "items": {"type": "object", "properties": {
                            "field_label": {"type": "string"}, "filename": {"type": "string"},
                            "content_type": {"type": "string"}, "size": {"type": "integer"},
                            "current": {"type": "boolean"}}}},
                        "events": {"type": "array", "items": {"type": "object", "properties": {
                            "kind": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}},
                    }},
                ]},
            },
        },
    }
