"""The 「通知」 page of a procedure, used as an administrator would: tick what residents are sent,
set a staff mailbox, change a mail's text, preview it, put the built-in text back, save."""

from __future__ import annotations

import re

from formsvc.db import database
from formsvc.review.notification_settings import DEFAULT_TEXTS, KINDS, settings_for
from tests.admin.support import (
    FORM,
    admin_client,
    errors_on,
    form_values,
    notices,
    publish_sample,
    submit,
    summary_of,
    text_of,
)
from tests.staff.support import staff_client

PAGE = f"/admin/forms/{FORM}/notifications"
PLACEHOLDERS = "使えるのは {受付番号} {手続き名} {状況} {申請日} です（名前は正確に書いてください）"
ACTION = PAGE


def stored(app):
    with app.app_context(), database().transaction() as session:
        return settings_for(session, FORM)


def beside(html: str) -> list[str]:
    """The errors next to the boxes, as read (each begins with ＊), without the ＊."""
    shown = errors_on(html)
    assert all(error.startswith("＊") for error in shown)
    return [error.removeprefix("＊") for error in shown]


def opened(html: str) -> list[str]:
    return re.findall(r'<details class="admin-stored admin-mail" id="text-([a-z_]+)" open>', html)


def test_the_page_shows_todays_behaviour_and_is_a_tab_of_the_procedure(app):
    publish_sample(app)
    client = admin_client(app)
    overview = client.get(f"/admin/forms/{FORM}")
    assert f'href="{PAGE}"' in overview.text and ">通知</a>" in overview.text
    page = client.get(PAGE)
    assert page.status_code == 200
    assert f'<a href="{PAGE}" aria-current="page">通知</a>' in page.text
    values = form_values(page.text, ACTION)
    assert values["kinds"] == list(KINDS)  # every mail is sent, as before
    assert values["staff_mailbox"] == ""
    assert values["subject_received"] == DEFAULT_TEXTS["received"].subject
    assert values["body_rejected"] == DEFAULT_TEXTS["rejected"].body
    assert 'name="csrf_token"' in page.text
    words = text_of(page.text)
    for label in ("受付", "再提出受付", "差し戻し", "承認", "却下", "完了"):
        assert label in words
    assert "{受付番号} {手続き名} {状況} {申請日}" in words
    assert "申請者の氏名や申請の内容は送りません" in words
    # Grouped and described as the design system does it.
    assert '<fieldset class="fieldset" id="kinds" aria-describedby="kinds-hint">' in page.text
    assert 'aria-describedby="staff_mailbox-hint"' in page.text


def test_saving_turns_mails_off_sets_the_mailbox_and_is_in_the_history(app):
    publish_sample(app)
    client = admin_client(app)
    kinds = [kind for kind in KINDS if kind != "rejected"]
    response = submit(client, PAGE, ACTION, {"kinds": kinds, "staff_mailbox": "Shiminka@City.Example.lg.jp"})
    assert response.status_code == 302
    page = client.get(PAGE)
    assert notices(page.text) == ["通知の設定を保存しました：「却下」のメールを送らない、"
                                  "職員への通知先を shiminka@city.example.lg.jp にする"]
    values = form_values(page.text, ACTION)
    assert values["kinds"] == kinds and values["staff_mailbox"] == "shiminka@city.example.lg.jp"
    settings = stored(app)
    assert not settings.sends("rejected") and settings.sends("received")
    history = text_of(client.get(f"/admin/forms/{FORM}").text)
    assert "通知の設定を変更：「却下」のメールを送らない" in history
    # Saving again unchanged says so and notes nothing.
    submit(client, PAGE, ACTION)
    assert notices(client.get(PAGE).text) == ["変更はありませんでした"]
    assert text_of(client.get(f"/admin/forms/{FORM}").text).count("通知の設定を変更") == 1


def test_a_full_width_mailbox_typed_with_an_ime_is_accepted(app):
    publish_sample(app)
    client = admin_client(app)
    typed = "ｓｈｉｍｉｎｋａ＠ｃｉｔｙ．ｅｘａｍｐｌｅ．ｊｐ"
    assert submit(client, PAGE, ACTION, {"staff_mailbox": typed}).status_code == 302
    assert stored(app).staff_mailbox == "shiminka@city.example.jp"


def test_a_wrong_mailbox_is_refused_beside_the_box_keeping_what_was_typed(app):
    publish_sample(app)
    client = admin_client(app)
    for typed, expected in (("shiminka", "正しい形式"), ("a@example.jp, b@example.jp", "1つだけ"),
                            ("a@example.jp\nBcc: x@example.jp", "1つだけ"), ("名前@市役所", "正しい形式"),
                            ("a" * 300 + "@example.jp", "254文字以内")):
        response = submit(client, PAGE, ACTION, {"staff_mailbox": typed})
        assert response.status_code == 400, typed
        [error] = beside(response.text)
        assert error.startswith("職員の通知先メールアドレス") and expected in error
        assert summary_of(response.text) == [error]
        assert 'href="#staff_mailbox"' in response.text
        assert 'aria-invalid="true"' in response.text
    assert stored(app).staff_mailbox is None


def test_an_unknown_placeholder_is_named_beside_the_box(app):
    publish_sample(app)
    client = admin_client(app)
    response = submit(client, PAGE, ACTION, {"body_approved": "{氏名}様、{受付番号}の申請を承認しました。"})
    assert response.status_code == 400
    [error] = beside(response.text)
    assert error == f"「承認」のメールの本文：差し込み項目 {{氏名}} はありません。{PLACEHOLDERS}"
    assert summary_of(response.text) == [error] and 'href="#body_approved"' in response.text
    assert 'aria-describedby="body_approved-error"' in response.text
    assert opened(response.text) == ["approved"]  # the mail's text is open where the error is
    assert form_values(response.text, ACTION)["body_approved"] == "{氏名}様、{受付番号}の申請を承認しました。"
    assert stored(app).text("approved") == DEFAULT_TEXTS["approved"]


def test_unbalanced_braces_and_line_breaks_in_a_subject_are_refused(app):
    publish_sample(app)
    client = admin_client(app)
    response = submit(client, PAGE, ACTION, {"subject_received": "受付番号 {受付番号", "subject_completed": "完了}",
                                             "subject_approved": "承認\r\nBcc: x@example.jp", "body_rejected": ""})
    assert response.status_code == 400
    errors = beside(response.text)
    assert errors[0].startswith("「受付」のメールの件名：「{」が閉じられていません")
    assert errors[1] == "「承認」のメールの件名に改行やタブは使えません。1行で入力してください"
    assert errors[2] == "「却下」のメールの本文を入力してください"
    assert errors[3].startswith("「完了」のメールの件名：「}」に対応する「{」がありません")
    assert opened(response.text) == ["received", "approved", "rejected", "completed"]


def test_a_changed_text_is_saved_and_shown_as_changed(app):
    publish_sample(app)
    client = admin_client(app)
    response = submit(client, PAGE, ACTION, {
        "subject_completed": "｛手続き名｝の交付が終わりました",
        "body_completed": "ご来庁ありがとうございました。\r\n受付番号：{受付番号}\r\n"})
    assert response.status_code == 302
    settings = stored(app)
    assert settings.text("completed").subject == "{手続き名}の交付が終わりました"  # full-width braces count
    assert settings.text("completed").body == "ご来庁ありがとうございました。\n受付番号：{受付番号}"
    page = client.get(PAGE)
    assert "「完了」のメール（完了にしたとき（交付済み））：文面を変更しています" in text_of(page.text)
    assert notices(page.text) == ["通知の設定を保存しました：「完了」のメールの文面を変更"]


def test_preview_shows_the_typed_text_with_sample_values_without_saving(app):
    publish_sample(app)
    client = admin_client(app)
    response = submit(client, PAGE, ACTION, {
        "preview": "rejected", "body_rejected": "{手続き名}の申請は「{状況}」となりました（{受付番号}）。"})
    assert response.status_code == 200
    assert opened(response.text) == ["rejected"]
    preview = re.search(r'<section class="admin-mail-preview" id="preview-rejected".*?</section>', response.text,
                        flags=re.S)
    assert preview, response.text[:1000]
    words = text_of(preview.group(0))
    assert "プレビュー：「却下」のメール（見本の値で表示しています。まだ保存していません）" in words
    assert "【デモ市】申請の審査結果をお知らせします（受付番号 ABCD-2345）" in words
    assert "デモ市です。見本の証明書交付申請の申請は「却下」となりました（ABCD-2345）。" in words
    assert "【理由】" in words and "市民課" in words and "山田 太郎 様" in words
    # The preview button jumps to the preview (without JavaScript, by the address's #fragment).
    assert f'formaction="{ACTION}#preview-rejected"' in response.text
    # What was typed stays in the box; nothing is saved.
    assert form_values(response.text, ACTION)["body_rejected"].startswith("{手続き名}の申請は")
    assert stored(app).text("rejected") == DEFAULT_TEXTS["rejected"]


def test_preview_of_a_text_with_a_mistake_shows_the_mistake(app):
    publish_sample(app)
    client = admin_client(app)
    response = submit(client, PAGE, ACTION, {"preview": "received", "subject_received": "{名前}"})
    assert response.status_code == 400
    assert beside(response.text) == [f"「受付」のメールの件名：差し込み項目 {{名前}} はありません。{PLACEHOLDERS}"]
    assert 'class="admin-mail-preview"' not in response.text


def test_back_to_the_built_in_text_fills_the_boxes_and_saving_keeps_it(app):
    publish_sample(app)
    client = admin_client(app)
    submit(client, PAGE, ACTION, {"subject_approved": "承認（{受付番号}）", "body_approved": "承認です。"})
    assert stored(app).customised("approved")
    response = submit(client, PAGE, ACTION, {"reset": "approved"})
    assert response.status_code == 200
    values = form_values(response.text, ACTION)
    assert values["subject_approved"] == DEFAULT_TEXTS["approved"].subject
    assert values["body_approved"] == DEFAULT_TEXTS["approved"].body
    assert notices(response.text) == ["「承認」のメールの件名と本文を既定の文面に戻しました。まだ保存していません。"
                                      "「保存する」を押すと反映されます。"]
    assert stored(app).customised("approved")  # not saved yet
    values.pop("reset", None)
    assert client.post(ACTION, data=values).status_code == 302
    assert not stored(app).customised("approved")
    assert "「承認」のメールを既定の文面に戻す" in text_of(client.get(f"/admin/forms/{FORM}").text)


def test_a_save_made_on_an_older_page_is_not_silently_lost(app):
    publish_sample(app)
    first, second = admin_client(app), admin_client(app, "kanri2")
    old_page = form_values(first.get(PAGE).text, ACTION)
    assert submit(second, PAGE, ACTION, {"staff_mailbox": "a@example.jp"}).status_code == 302
    response = first.post(ACTION, data={**old_page, "kinds": ["received"]})
    assert response.status_code == 409
    assert summary_of(response.text)[0].startswith("通知の設定が別の画面で変更されました")
    assert stored(app).staff_mailbox == "a@example.jp" and stored(app).sends("approved")
    # Seen, and sent again on purpose: it is saved.
    again = form_values(response.text, ACTION)
    assert again["kinds"] == ["received"]
    assert first.post(ACTION, data=again).status_code == 302
    assert stored(app).resident_kinds == frozenset({"received"})


def test_hostile_input_gets_a_japanese_error_never_a_500(app):
    publish_sample(app)
    client = admin_client(app)
    nul = submit(client, PAGE, ACTION, {"body_received": "受け付けました\x00"})
    assert nul.status_code == 400 and "制御文字" in nul.text
    huge = submit(client, PAGE, ACTION, {"body_received": "あ" * 100_000, "subject_received": "件" * 500})
    assert huge.status_code == 400
    assert beside(huge.text)[:2] == ["「受付」のメールの件名は100文字以内にしてください（今は500文字です）",
                                        "「受付」のメールの本文は2000文字以内にしてください（今は100000文字です）"]
    forged_kind = submit(client, PAGE, ACTION, {"kinds": ["received", "deleted_everything"]})
    assert forged_kind.status_code == 400
    assert beside(forged_kind.text) == ["選べない場面が送られました。画面を読み込み直して、もう一度選んでください"]
    for button in ("preview", "reset"):
        forged = submit(client, PAGE, ACTION, {button: "../../etc"})
        assert forged.status_code == 400 and "その操作はできません" in text_of(forged.text)
    assert client.get("/admin/forms/no-such-form/notifications").status_code == 404
    assert client.post("/admin/forms/no-such-form/notifications",
                       data=form_values(client.get(PAGE).text, ACTION)).status_code == 404
    assert stored(app).revision == stored(app).__class__().revision  # nothing was saved


def test_only_administrators_may_change_notifications(app):
    publish_sample(app)
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert reviewer.get(PAGE).status_code == 403
