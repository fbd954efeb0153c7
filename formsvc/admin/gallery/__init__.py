"""The templates a new procedure starts from (ひな形のギャラリー): 空白, 証明書の交付請求, 届出,
補助金の申請, 予約, アンケート.

Each template is a complete definition in this folder (checked like any definition by
tests/admin/test_gallery.py), written with English beside every text and without comments. A
procedure created without an English title gets the Japanese only
(formsvc.admin.copy_parts.strip_english): no English is left that nobody asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formsvc.admin import copy_parts, editing, yaml_edit

FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    description: str

    @property
    def file(self) -> Path:
        return FOLDER / f"{self.id}.yaml"


TEMPLATES: tuple[Template, ...] = (
    Template("blank", "空白",
             "氏名を聞く1ページだけから始めます。ページと質問を一から作るときに選びます。"),
    Template("certificate", "証明書の交付請求",
             "請求する方（本人・代理人）、証明書が必要な方、必要な証明書の種類・通数・使いみち、"
             "受け取り方法（窓口・郵送。郵送では本人確認書類の写しを添付）。"
             "手数料1通300円（オンライン決済）、必要な書類（本人確認書類・委任状）つき。"),
    Template("notification", "届出",
             "届出をする方の氏名・住所・連絡先、届出の理由が生じた日と内容、本人確認書類の写しの添付。"
             "必要な書類（本人確認書類）つき。"),
    Template("subsidy", "補助金の申請",
             "申請者、事業の内容・期間・経費、振込先口座、添付書類、同意事項。"
             "補助金の見込み額（経費の2分の1、上限10万円）の計算と、日付を確かめるルールつき。"),
    Template("reservation", "予約",
             "希望日と時間帯、人数、申し込む方の連絡先。手数料も必要な書類もありません。"),
    Template("survey", "アンケート",
             "ログインせずに答える、年代・満足度・良かった点・自由意見の質問。氏名や住所は聞きません。"),
)
DEFAULT = "blank"
_BY_ID = {template.id: template for template in TEMPLATES}


def template(template_id: str) -> Template | None:
    return _BY_ID.get(template_id)


def template_text(template_id: str) -> str:
    found = _BY_ID.get(template_id)
    if found is None:
        raise KeyError(template_id)
    return found.file.read_text(encoding="utf-8")


def build(template_id: str, form_id: str, title: Any, department: Any) -> str:
    """The template's YAML as a new procedure ``form_id`` named ``title`` of ``department``
    (Text values: a string, or {ja, en}); English only when the title has it."""
    text = template_text(template_id)
    if not (isinstance(title, dict) and title.get("en")):
        text = copy_parts.strip_english(text)
    text = editing.rename(text, form_id, title)
    return yaml_edit.set_value(text, ("department", "name"), department)
