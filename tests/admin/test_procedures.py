"""Procedures created from scratch or by copying, archived and restored; versions, differences, rollback."""

from __future__ import annotations

from formsvc.admin.yaml_edit import load
from formsvc.db import database
from formsvc.forms.catalog import published
from tests.admin.support import (
    FORM,
    SAMPLE,
    admin_client,
    events,
    form_row,
    form_values,
    notices,
    publish_sample,
    submit,
    summary_of,
    text_of,
    working_source,
)


def publish_edit(admin, source: str, note: str = "") -> None:
    url = f"/admin/forms/{FORM}/yaml"
    assert submit(admin, url, url, {"source": source}).status_code == 302
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish", {"note": note})
    assert done.status_code == 302


def test_a_new_procedure_is_a_draft_until_its_first_publish(app, client):
    admin = admin_client(app)
    created = submit(admin, "/admin/new", "/admin/new",
                     {"form_id": "inkan-touroku", "title_ja": "印鑑登録申請", "department": "市民課"})
    assert created.status_code == 302 and created.location.endswith("/admin/forms/inkan-touroku/edit")
    form = form_row(app, "inkan-touroku")
    assert (form.state, form.published_version, form.versions) == ("draft", None, [])
    data = load(working_source(app, "inkan-touroku"))
    assert data["id"] == "inkan-touroku" and data["title"] == "印鑑登録申請"
    assert data["department"] == {"name": "市民課"}
    assert client.get("/forms/inkan-touroku/").status_code == 404  # residents see nothing yet
    listed = text_of(admin.get("/admin/").text)
    assert "印鑑登録申請" in listed and "下書き（未公開）" in listed

    overview = text_of(admin.get("/admin/forms/inkan-touroku").text)
    assert "この手続きはまだ公開していません" in overview and "下書きを破棄する" not in overview
    submit(admin, "/admin/forms/inkan-touroku", "/admin/forms/inkan-touroku/publish", {"note": "新規作成"})
    form = form_row(app, "inkan-touroku")
    assert (form.state, form.published_version) == ("published", 1)
    assert form.version(1).source_file == "inkan-touroku.yaml"
    assert client.get("/forms/inkan-touroku/").status_code == 200
    assert [kind for kind, _, _ in events(app, "inkan-touroku")] == ["created", "published"]


def test_creating_a_procedure_refuses_a_bad_or_used_id(app):
    publish_sample(app)
    admin = admin_client(app)
    bad = submit(admin, "/admin/new", "/admin/new", {"form_id": "Inkan", "title_ja": "", "department": "市民課"})
    assert bad.status_code == 400
    assert summary_of(bad.text) == [
        "手続きIDは英小文字で始め、英小文字・数字・ハイフン（-）で2〜63文字にしてください（例: inkan-shomei）",
        "手続き名を入力してください"]
    assert form_values(bad.text, "/admin/new")["form_id"] == "Inkan"
    used = submit(admin, "/admin/new", "/admin/new", {"form_id": FORM, "title_ja": "重複", "department": "市民課"})
    assert used.status_code == 400
    assert summary_of(used.text) == ["手続きID「admin-sample」はすでに使われています。別のIDにしてください"]


def test_copying_a_procedure_keeps_its_content_and_comments_under_a_new_id(app):
    publish_sample(app)
    admin = admin_client(app)
    # Every part ticked, the comments too (by default they are left out: tests/admin/test_copy_parts.py).
    done = submit(admin, f"/admin/copy?source={FORM}", "/admin/copy",
                  {"form_id": "admin-sample-2", "title_ja": "見本の証明書交付申請（郵送）",
                   "keep": ["fee", "documents", "next_steps", "rules", "computed", "channels", "english", "comments"]})
    assert done.status_code == 302
    source = working_source(app, "admin-sample-2")
    assert source == SAMPLE.replace("id: admin-sample", "id: admin-sample-2").replace(
        "title: 見本の証明書交付申請", "title: 見本の証明書交付申請（郵送）")
    assert form_row(app, "admin-sample-2").state == "draft"
    overview = text_of(admin.get(done.location).text)
    assert "ほかの手続きから複製して作成（複製元: admin-sample）" in overview
    assert form_row(app).versions[-1].number == 1  # the original is untouched


def test_archiving_stops_new_applications_and_restoring_brings_them_back(app, client):
    publish_sample(app)
    admin = admin_client(app)
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/archive")
    assert "アーカイブしました。住民の方はこの手続きを新しく始められません" in notices(admin.get(done.location).text)
    assert client.get(f"/forms/{FORM}/").status_code == 404
    assert form_row(app).state == "archived"
    # Archived procedures are not edited.
    assert admin.get(f"/admin/forms/{FORM}/edit").status_code == 302
    url = f"/admin/forms/{FORM}/yaml"
    refused = admin.post(url, data={**form_values(admin.get(url).text, url), "source": SAMPLE + "# x\n"})
    assert refused.status_code == 400 and "アーカイブ中の手続きは編集・公開できません" in summary_of(refused.text)[0]

    submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/restore")
    assert form_row(app).state == "published"
    assert client.get(f"/forms/{FORM}/").status_code == 200
    assert [kind for kind, _, _ in events(app)] == ["archived", "restored"]


def test_versions_are_listed_compared_in_words_and_rolled_back(app):
    publish_sample(app)
    admin = admin_client(app)
    publish_edit(admin, SAMPLE.replace("label: 氏名}", "label: お名前}")
                 .replace("{field: copies}, 300", "{field: copies}, 400"), "ラベルと手数料")
    overview = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "第2版 公開中" in overview and "管理画面 ラベルと手数料" in overview and "第1版" in overview

    diff = admin.get(f"/admin/forms/{FORM}/diff?from=1&to=2")
    assert diff.status_code == 200
    words = text_of(diff.text)
    assert "第1版から第2版への変更点" in words
    assert "項目「氏名」のラベルを「氏名」から「お名前」に変更" in words
    assert "手数料の計算を「「通数」 × 300円」から「「通数」 × 400円」に変更" in words
    # Each line ends inside its box (a break between the boxes would double-space them).
    removed = '<span class="visually-hidden">削除：</span>-      - {type: name, id: name, label: 氏名}\n</span>'
    added = '<span class="visually-hidden">追加：</span>+      - {type: name, id: name, label: お名前}\n</span>'
    assert f'<span class="admin-diff__remove">{removed}' in diff.text
    assert f'<span class="admin-diff__add">{added}' in diff.text

    version_page = admin.get(f"/admin/forms/{FORM}/versions/1")
    assert "{type: name, id: name, label: 氏名}" in version_page.text
    rolled = submit(admin, f"/admin/forms/{FORM}/versions/1", f"/admin/forms/{FORM}/versions/1/rollback",
                    {"note": "手数料の改定が延期になったため"})
    assert rolled.status_code == 302
    assert "第1版の内容を第3版として公開しました" in notices(admin.get(rolled.location).text)
    form = form_row(app)
    third = form.version(3)
    assert (third.rolled_back_from, third.origin, third.created_by, third.note) == (
        1, "admin", "kanri", "手数料の改定が延期になったため")
    assert third.source == SAMPLE and form.published_version == 3
    with app.app_context(), database().transaction() as session:
        assert published(session, FORM).definition.fee.amount.multiply[1].literal == 300
    assert [kind for kind, _, number in events(app)][-1] == "rolled_back"
    history = text_of(admin.get(f"/admin/forms/{FORM}").text)
    assert "以前の版に戻して公開（第1版の内容） 手数料の改定が延期になったため 第3版" in history


def test_the_diff_page_compares_the_working_copy_with_the_published_version(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    submit(admin, url, url, {"source": SAMPLE.replace("max: 5", "max: 9")})
    page = admin.get(f"/admin/forms/{FORM}/diff")
    words = text_of(page.text)
    assert "第1版から下書きへの変更点" in words and "項目「通数」の最大値を「5」から「9」に変更" in words
    assert admin.get(f"/admin/forms/{FORM}/diff?from=7&to=1").status_code == 404
    for odd in ("²", "9" * 5000):  # isdigit() but not int(): not found, never an error
        assert admin.get(f"/admin/forms/{FORM}/diff", query_string={"to": odd}).status_code == 404
