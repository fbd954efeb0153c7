"""「ページへ移動」 in the preview: open any page straight away (no JavaScript: one form and a
button), on the online or the counter channel; a page hidden by the answers says why."""

from __future__ import annotations

import re
from html import unescape

from tests.admin.support import form_values, notices
from tests.applicant import csrf_token
from tests.resident.library_support import publish
from tests.staff.support import staff_client

FORM = "juminhyo-copy"
JUMP = f"/admin/preview/forms/{FORM}/jump"


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert select, f"no select {name}"
    return [(value, unescape(label).strip())
            for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1))]


def jump(admin, page: str, channel: str | None = None, start: str | None = None):
    shown = admin.get(start or f"/admin/preview/forms/{FORM}/")
    data = {**form_values(shown.text, JUMP), "page": page}
    if channel is not None:
        data["channel"] = channel
    return admin.post(JUMP, data=data)


def test_every_page_is_listed_in_the_banner_with_the_channel(app):
    publish(app, FORM)
    admin = staff_client(app, "jump-admin", "admin")
    start = admin.get(f"/admin/preview/forms/{FORM}/")
    assert f'<form method="post" action="{JUMP}"' in start.text
    pages = options(start.text, "page")
    assert pages[0] == ("-start", "最初の説明のページ")
    assert pages[1:4] == [("who", "1. 請求する方"),
                          ("third_party_exit", "2. この手続きではお申し込みできません（終了ページ・条件つき）"),
                          ("subject", "3. 住民票が必要な方")]
    assert len(pages) == 13
    assert options(start.text, "channel") == [("online", "オンライン"), ("counter", "窓口")]
    assert '<label class="label" for="preview-jump-page">ページへ移動</label>' in start.text


def test_a_page_opens_straight_away_with_nothing_answered(app):
    publish(app, FORM)
    admin = staff_client(app, "jump-admin", "admin")
    moved = jump(admin, "copies_purpose")
    assert moved.status_code == 302 and moved.location.endswith(f"/admin/preview/forms/{FORM}/pages/copies_purpose")
    page = admin.get(moved.location)
    assert page.status_code == 200 and "通数と使いみち" in page.text
    assert 'name="copies" value=""' in page.text or re.search(r'name="copies"[^>]*value=""', page.text)
    # The list now shows where the administrator is, and the steps link every page.
    assert ("copies_purpose", "8. 通数と使いみち") in options(page.text, "page")
    assert 'value="copies_purpose" selected' in page.text
    # Answering goes on to the next page as usual.
    answered = admin.post(moved.location, data={"csrf_token": csrf_token(page.text), "copies": "2",
                                                "purpose": "bank"})
    assert answered.status_code == 302 and answered.location.endswith("/pages/receiving")


def test_a_page_hidden_by_a_condition_says_why_instead_of_failing(app):
    publish(app, FORM)
    admin = staff_client(app, "jump-admin", "admin")
    hidden = jump(admin, "agent")
    assert hidden.status_code == 200
    assert notices(hidden.text) == [
        "ページ「委任状」は、今の回答では表示されません。表示される条件: "
        "「住民票が必要な方とあなたの関係」が「代理人」。条件に合うように前のページで回答すると表示されます。"]
    assert f'<a href="/admin/preview/forms/{FORM}/pages/who">ページ「請求する方」で回答する</a>' in hidden.text
    # Answered so that it applies, the same choice opens it.
    who = admin.get(f"/admin/preview/forms/{FORM}/pages/who")
    admin.post(f"/admin/preview/forms/{FORM}/pages/who",
               data={"csrf_token": csrf_token(who.text), "requester": "agent"})
    shown = jump(admin, "agent")
    assert shown.status_code == 302 and shown.location.endswith("/pages/agent")


def test_the_counter_preview_is_reached_from_the_same_control(app):
    publish(app, FORM)
    admin = staff_client(app, "jump-admin", "admin")
    moved = jump(admin, "who", channel="counter")
    assert moved.status_code == 302
    page = admin.get(moved.location)
    assert "表示中：<strong>窓口</strong>の申請" in page.text
    assert "住民票が必要な方と申請者の関係" in page.text  # the counter's wording
    assert options(page.text, "channel")[1] == ("counter", "窓口")
    assert 'value="counter" selected' in page.text
    # A page the counter leaves out says so.
    omitted = jump(admin, "receiving", start=moved.location)
    assert omitted.status_code == 200
    assert "ページ「受け取り方法」は、窓口の申請では省略されています" in notices(omitted.text)[0]
    # And back online.
    online = jump(admin, "receiving", channel="online", start=moved.location)
    assert online.status_code == 302 and online.location.endswith("/pages/receiving")


def test_forged_pages_and_channels_are_refused_in_japanese(app):
    publish(app, FORM)
    admin = staff_client(app, "jump-admin", "admin")
    for forged in ("nothing-here", "../../admin", "x" * 5000, "ページ"):
        refused = jump(admin, forged)
        assert refused.status_code == 400
        assert notices(refused.text) == ["選んだページはこの手続きにありません。一覧から選んでください。"]
    control = jump(admin, "who\x00")
    assert control.status_code == 400 and "使用できない文字（制御文字）" in control.text
    kept = jump(admin, "who", channel="kiosk")  # an unknown channel keeps the one shown
    assert kept.status_code == 302
    assert "表示中：<strong>オンライン</strong>の申請" in admin.get(kept.location).text
    assert jump(admin, "-start").location.endswith(f"/admin/preview/forms/{FORM}/")


def test_only_administrators_may_jump(app):
    publish(app, FORM)
    reviewer = staff_client(app, "jump-reviewer", "reviewer", "counter")
    page = reviewer.get("/staff/")
    assert reviewer.post(JUMP, data={"csrf_token": csrf_token(page.text), "page": "who"}).status_code == 403


def test_a_page_whose_id_is_start_is_reached_and_the_start_page_still_is(app):
    from tests.admin.support import SAMPLE, publish_sample
    publish_sample(app, SAMPLE.replace("id: applicant\n", "id: start\n"))
    admin = staff_client(app, "jump-admin", "admin")
    url = "/admin/preview/forms/admin-sample/"
    shown = admin.get(url)
    pages = options(shown.text, "page")
    assert pages[0][1] == "最初の説明のページ" and ("start", "1. 申請者") in pages
    assert [value for value, _ in pages].count(pages[0][0]) == 1  # the start page's value is no page's id
    moved = admin.post("/admin/preview/forms/admin-sample/jump",
                       data={**form_values(shown.text, "/admin/preview/forms/admin-sample/jump"), "page": "start"})
    assert moved.status_code == 302 and moved.location.endswith("/admin/preview/forms/admin-sample/pages/start")
    back = admin.post("/admin/preview/forms/admin-sample/jump",
                      data={**form_values(shown.text, "/admin/preview/forms/admin-sample/jump"),
                            "page": pages[0][0]})
    assert back.status_code == 302 and back.location.endswith(url)
