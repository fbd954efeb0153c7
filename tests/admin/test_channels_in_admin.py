"""Channels in the administrators' pages: the preview shows each channel, the change list
describes channel overrides in words."""

from __future__ import annotations

from formsvc.admin.diff import describe_changes
from formsvc.definitions.loader import load_text
from tests.admin.support import SAMPLE
from tests.applicant import csrf_token
from tests.counter.support import text_of
from tests.resident.library_support import publish
from tests.staff.support import staff_client

JUMINHYO = "juminhyo-copy"
PREVIEW = f"/admin/preview/forms/{JUMINHYO}"


def test_the_preview_switches_between_online_and_the_counter(app):
    publish(app, JUMINHYO)
    admin = staff_client(app, "preview-admin", "admin")

    start = admin.get(f"{PREVIEW}/")
    assert "表示中：<strong>オンライン</strong>の申請" in start.text
    assert f'href="{PREVIEW}/?channel=counter"' in start.text

    counter_start = admin.get(f"{PREVIEW}/?channel=counter")
    assert "表示中：<strong>窓口</strong>" in counter_start.text
    begun = admin.post(f"{PREVIEW}/start", data={"csrf_token": csrf_token(counter_start.text)})
    assert begun.status_code == 302 and begun.location.endswith("/pages/who")
    who = admin.get(f"{PREVIEW}/pages/who")
    assert "住民票が必要な方と申請者の関係" in text_of(who.text)
    assert admin.get(f"{PREVIEW}/pages/receiving").status_code == 404  # not asked at the counter

    # Back to online: the preview starts again with the resident's wording and pages.
    online_start = admin.get(f"{PREVIEW}/?channel=online")
    begun = admin.post(f"{PREVIEW}/start", data={"csrf_token": csrf_token(online_start.text)})
    assert begun.status_code == 302
    assert "住民票が必要な方とあなたの関係" in text_of(admin.get(f"{PREVIEW}/pages/who").text)

    forged = admin.get(f"{PREVIEW}/?channel=../../etc")
    assert forged.status_code == 200 and "表示中：<strong>オンライン</strong>" in forged.text


def changes(old: str, new: str) -> list[str]:
    return describe_changes(load_text(old).definition, load_text(new).definition)


def test_the_change_list_describes_channel_overrides():
    counter = SAMPLE + """\
channels:
  counter:
    same_day_issue: true
    pages:
      agent: {omit: true}
      applicant: {title: 申請者（窓口）}
    fields:
      copies: {label: 交付する通数}
      via: {omit: true}
    next_steps: この場で交付します。
"""
    said = changes(SAMPLE, counter)
    assert said == [
        "窓口: 即日交付（審査なしでその場で交付）にする",
        "窓口: 送信後の流れを「審査の後、郵送します。」から「この場で交付します。」に変更",
        "窓口: ページ「代理人」を省略",
        "窓口: ページ「申請者」のタイトルを「申請者」から「申請者（窓口）」に変更",
        "窓口: 項目「申請する方」を省略",
        "窓口: 項目「通数」のラベルを「通数」から「交付する通数」に変更",
    ]
    assert changes(counter, SAMPLE) == [
        "窓口: 即日交付をやめる（審査してから交付）",
        "窓口: 送信後の流れを「この場で交付します。」から「審査の後、郵送します。」に変更",
        "窓口: ページ「代理人」の省略をやめる",
        "窓口: ページ「申請者（窓口）」のタイトルを「申請者（窓口）」から「申請者」に変更",
        "窓口: 項目「申請する方」の省略をやめる",
        "窓口: 項目「交付する通数」のラベルを「交付する通数」から「通数」に変更",
    ]
    assert changes(counter, counter) == []


def test_a_change_to_the_procedure_is_said_once_not_again_for_the_channel():
    counter = SAMPLE + "channels:\n  counter:\n    pages:\n      agent: {omit: true}\n"
    renamed = counter.replace("label: 通数", "label: 必要な通数")
    assert changes(counter, renamed) == ["項目「通数」のラベルを「通数」から「必要な通数」に変更"]
