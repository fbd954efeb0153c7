"""Editing and publishing in the browser, through the pages an administrator uses."""

from __future__ import annotations

import pytest

from formsvc.db import database
from formsvc.fields import REGISTRY
from formsvc.forms.catalog import published
from tests.admin.support import (
    FORM,
    SAMPLE,
    admin_client,
    errors_on,
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


def resident_title(app) -> str:
    with app.app_context(), database().transaction() as session:
        return published(session, FORM).definition.title.ja


def test_the_list_shows_each_procedure_with_its_state_and_last_change(app):
    publish_sample(app)
    admin = admin_client(app)
    page = admin.get("/admin/")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "見本の証明書交付申請" in text and "admin-sample" in text
    assert "公開中" in text and "第1版" in text and "test" in text  # published by the import
    assert 'href="/admin/forms/admin-sample"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "手続きの管理" in text  # the staff menu entry


def test_an_edit_in_the_yaml_view_is_a_working_copy_until_it_is_published(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    edited = SAMPLE.replace("title: 見本の証明書交付申請", "title: 見本の証明書交付申請（改）")
    saved = submit(admin, url, url, {"source": edited})
    assert saved.status_code == 302
    page = admin.get(saved.location)
    assert "下書きを保存しました（まだ公開していません）" in notices(page.text)
    assert working_source(app) == edited
    assert resident_title(app) == "見本の証明書交付申請"  # residents still get version 1

    overview = admin.get(f"/admin/forms/{FORM}")
    text = text_of(overview.text)
    assert "手続き名を「見本の証明書交付申請」から「見本の証明書交付申請（改）」に変更" in text
    published_now = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish",
                           {"note": "手続き名に（改）を付けた"})
    assert published_now.status_code == 302
    after = admin.get(published_now.location)
    assert "第2版を公開しました。これから始まる申請はこの版を使います" in notices(after.text)
    assert resident_title(app) == "見本の証明書交付申請（改）"
    assert working_source(app) is None
    form = form_row(app)
    version = form.version(2)
    assert (version.origin, version.created_by, version.note) == ("admin", "kanri", "手続き名に（改）を付けた")
    assert version.source == edited and version.published_at is not None
    assert form.published_version == 2 and form.updated_by == "kanri"
    assert [kind for kind, _, _ in events(app)] == ["edited", "published"]
    history = text_of(after.text)
    assert "下書きを保存：YAMLで編集" in history and "公開 手続き名に（改）を付けた 第2版" in history


def test_an_invalid_yaml_edit_is_refused_at_its_line_and_the_typed_text_is_kept(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    broken = SAMPLE.replace("{type: name, id: name, label: 氏名}", "{type: nam, id: name, label: 氏名}")
    refused = submit(admin, url, url, {"source": broken})
    assert refused.status_code == 400
    line = broken.splitlines().index("      - {type: nam, id: name, label: 氏名}") + 1
    summary = summary_of(refused.text)
    assert summary == [f"{line}行16列: pages[0].fields[0].type: 不明な項目タイプ 'nam' です。"
                       f"'name' の書き間違いではありませんか。使えるタイプ: {', '.join(sorted(REGISTRY))}"]
    assert f'<a href="#line-{line}">' in refused.text  # the summary links to the line
    assert f'<li id="line-{line}" class="admin-source__error">' in refused.text  # which is highlighted
    assert "{type: nam, id: name, label: 氏名}" in refused.text
    assert form_values(refused.text, url)["source"] == broken  # what was typed is still there
    assert working_source(app) is None  # and nothing was stored
    assert events(app) == []


LAUGHS = "".join(f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 9))
ALIAS_BOMBS = [
    # A billion names from ten short lines ("billion laughs"): refused at the alias where the
    # count passes 100,000 (the 8th *l3).
    pytest.param("choice_lists:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + LAUGHS,
                 "  l4: &l4 [", 12 + 5 * 7, "エイリアス *l3 を展開すると、定義の要素が100,000個を超えます",
                 id="billion-laughs"),
    # A list that contains itself.
    pytest.param("life_events: &a [*a]\n", "life_events:", 18,
                 "エイリアス *a が、参照先のアンカー &a の中で使われています。自分自身を含む内容は書けません",
                 id="recursive-alias"),
]


@pytest.mark.parametrize(("added", "line_start", "column", "message"), ALIAS_BOMBS)
def test_the_yaml_view_refuses_aliases_that_never_end_at_their_place(app, added, line_start, column, message):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    typed = SAMPLE.replace("retention: {years: 5}\n", "retention: {years: 5}\n" + added)
    line = next(number for number, text in enumerate(typed.splitlines(), 1) if text.startswith(line_start))
    refused = submit(admin, url, url, {"source": typed})
    assert refused.status_code == 400
    [summary] = summary_of(refused.text)
    assert summary.startswith(f"{line}行{column}列: YAMLとして読めません: {message}")
    assert f'<li id="line-{line}" class="admin-source__error">' in refused.text
    assert form_values(refused.text, url)["source"] == typed  # what was typed is still there
    assert working_source(app) is None and events(app) == []


def test_the_yaml_view_refuses_a_changed_id(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    refused = submit(admin, url, url, {"source": SAMPLE.replace("id: admin-sample", "id: other-sample")})
    assert refused.status_code == 400
    assert summary_of(refused.text) == [
        "3行5列: id: 手続きIDは「admin-sample」のままにしてください (IDは変更できません)。"
        "別のIDにするには、手続きの一覧でこの手続きを複製してください"]
    assert working_source(app) is None


def test_an_edit_made_on_an_old_page_does_not_overwrite_a_newer_one(app):
    publish_sample(app)
    first, second = admin_client(app, "kanri"), admin_client(app, "kanri2")
    url = f"/admin/forms/{FORM}/yaml"
    old_page = form_values(first.get(url).text, url)
    assert submit(second, url, url, {"source": SAMPLE.replace("1通300円", "1通350円")}).status_code == 302
    typed = SAMPLE.replace("1通300円", "1通400円")
    refused = first.post(url, data={**old_page, "source": typed})
    assert refused.status_code == 400
    assert "別の画面で変更されました" in summary_of(refused.text)[0]
    assert form_values(refused.text, url)["source"] == typed
    assert "1通350円" in working_source(app)


def test_publishing_what_is_already_published_makes_no_version(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    assert submit(admin, url, url, {"source": SAMPLE + "# コメントだけ\n"}).status_code == 302
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish")
    page = admin.get(done.location)
    assert "下書きは公開中の版と同じ内容のため、新しい版は作らずに下書きを閉じました" in notices(page.text)
    assert [v.number for v in form_row(app).versions] == [1]


def test_discarding_the_working_copy_keeps_the_published_version(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    submit(admin, url, url, {"source": SAMPLE.replace("1通300円", "1通400円")})
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/discard")
    assert "下書きを破棄しました。公開中の版は変わりません" in notices(admin.get(done.location).text)
    assert working_source(app) is None
    assert [kind for kind, _, _ in events(app)] == ["edited", "discarded"]


def test_error_text_of_a_missing_note_is_not_needed(app):
    """The note is optional: publishing without one works."""
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    submit(admin, url, url, {"source": SAMPLE.replace("1通300円", "1通400円")})
    done = submit(admin, f"/admin/forms/{FORM}", f"/admin/forms/{FORM}/publish")
    assert done.status_code == 302 and errors_on(admin.get(done.location).text) == []
    assert form_row(app).version(2).note is None


def test_an_expired_page_keeps_the_typed_yaml_and_saves_nothing(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    values = form_values(admin.get(url).text, url)
    typed = SAMPLE.replace("1通300円", "1通500円")
    refused = admin.post(url, data={**values, "source": typed, "csrf_token": "expired"})
    assert refused.status_code == 400
    assert summary_of(refused.text) == ["ページの有効期限が切れたため、保存していません。"
                                        "入力した内容を確かめて、もう一度「下書きとして保存する」を押してください"]
    assert form_values(refused.text, url)["source"] == typed
    assert working_source(app) is None
    again = admin.post(url, data=form_values(refused.text, url))  # a fresh token on the page
    assert again.status_code == 302 and "1通500円" in working_source(app)
