"""Who changed a procedure, as a person reads it (issue 15): staff by the name on their account
(the username stays in the stored rows), the command line as the system that read the files, not
"cli"; and the YAML diff one line per line, not double-spaced."""

from __future__ import annotations

import re
from html import unescape

from formsvc.cli import main
from formsvc.db import database
from formsvc.staff.models import StaffUser
from tests.admin.support import FORM, SAMPLE, admin_client, events, form_row, submit, text_of

PROCEDURE = f"/admin/forms/{FORM}"
SYSTEM = "システム（定義ファイルの読み込み）"


def cells(html: str, section: str) -> list[list[str]]:
    """The rows of the table in the section titled by the element with id ``section``."""
    part = re.search(rf'aria-labelledby="{section}".*?</table>', html, flags=re.S)
    assert part, f"no table for {section}"
    rows = re.findall(r"<tr>(.*?)</tr>", part.group(0), flags=re.S)
    return [[re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
             for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)] for row in rows]


def fact(html: str, name: str) -> str:
    found = re.search(rf"<dt>{name}</dt><dd>(.*?)</dd>", html, flags=re.S)
    assert found, name
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


def name_account(app, username: str, name: str) -> None:
    """Give the account its person's name (as the staff administration does; the session stays)."""
    with app.app_context(), database().transaction() as session:
        session.query(StaffUser).filter_by(username=username).one().display_name = name


def load_from_file(app, tmp_path) -> None:
    (tmp_path / "admin-sample.yaml").write_text(SAMPLE, encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["load-definitions", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_the_command_line_is_shown_as_the_system_and_staff_by_their_names(app, tmp_path):
    load_from_file(app, tmp_path)
    admin = admin_client(app, "kanri")
    name_account(app, "kanri", "管理 花子")
    page = admin.get(PROCEDURE)
    assert fact(page.text, "最終更新").endswith(f"（{SYSTEM}）")
    versions = cells(page.text, "versions-title")
    assert versions[1][3] == SYSTEM  # 公開した人 (row 0 is the head)
    history = cells(page.text, "history-title")
    assert history[1][1] == SYSTEM and history[1][2].startswith("ファイルから読み込み")
    assert "cli" not in [row[1] for row in history[1:]] + [row[3] for row in versions[1:]]

    edit = f"/admin/forms/{FORM}/edit"
    saved = submit(admin, edit, f"/admin/forms/{FORM}/settings", {"title_ja": "見本の交付申請"})
    assert saved.status_code == 302
    page = admin.get(PROCEDURE)
    assert "管理 花子 が保存" in fact(page.text, "下書き")
    assert fact(page.text, "最終更新").endswith("（管理 花子）")
    history = cells(page.text, "history-title")
    assert history[1][1] == "管理 花子" and history[1][2].startswith("下書きを保存")
    assert "kanri" not in text_of(page.text)
    # The stored rows keep the account (a renamed person stays traceable).
    assert events(app)[-1][:2] == ("edited", "kanri")
    assert form_row(app).updated_by == "kanri"

    listed = admin.get("/admin/")
    assert "管理 花子" in text_of(listed.text) and "kanri" not in text_of(listed.text)


def test_a_published_version_shows_who_published_it_by_name(app, tmp_path):
    load_from_file(app, tmp_path)
    admin = admin_client(app, "kanri")
    name_account(app, "kanri", "管理 花子")
    edit = f"/admin/forms/{FORM}/edit"
    assert submit(admin, edit, f"/admin/forms/{FORM}/settings", {"title_ja": "見本の交付申請"}).status_code == 302
    published = submit(admin, PROCEDURE, f"{PROCEDURE}/publish", {"note": "名前を変更"})
    assert published.status_code == 302, published.text[:2000]
    page = admin.get(PROCEDURE)
    versions = cells(page.text, "versions-title")
    assert [row[3] for row in versions[1:]] == ["管理 花子", SYSTEM]
    version = admin.get(f"{PROCEDURE}/versions/2")
    assert "管理 花子" in text_of(version.text) and "kanri" not in text_of(version.text)


def test_an_unknown_actor_is_shown_as_stored(app, tmp_path):
    load_from_file(app, tmp_path)
    admin = admin_client(app, "kanri")
    with app.app_context():
        from formsvc.forms import audit

        with database().transaction() as session:
            assert audit.person(session, "migrated-user") == "migrated-user"
            assert audit.person(session, "cli", "exported") == "システム（定義ファイルの書き出し）"
            assert audit.person(session, None) == ""
    assert admin.get(PROCEDURE).status_code == 200


def test_the_yaml_diff_is_one_line_per_line(app, tmp_path):
    load_from_file(app, tmp_path)
    admin = admin_client(app, "kanri")
    edit = f"/admin/forms/{FORM}/edit"
    assert submit(admin, edit, f"/admin/forms/{FORM}/settings", {"title_ja": "見本の交付申請"}).status_code == 302
    diff = admin.get(f"{PROCEDURE}/diff?from=1&to=working")
    assert diff.status_code == 200
    listing = re.search(r'<pre class="admin-pre admin-diff"><code>(.*?)</code></pre>', diff.text, flags=re.S)
    assert listing
    # Each line is a block box (to colour the whole line): a line break written between two boxes
    # would show as an empty line between them. The break belongs inside its line's box.
    assert not re.search(r"</span>\s+<span", listing.group(1))
    spans = re.findall(r'<span class="admin-diff__(\w+)">(.*?)</span>(?=<span class="admin-diff__|$)',
                       listing.group(1), flags=re.S)
    text = [unescape(re.sub(r"<[^>]+>", "", body)) for _, body in spans]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in text)
    assert "-title: 見本の証明書交付申請\n" in [line.replace("削除：", "") for line in text]
    assert "+title: 見本の交付申請\n" in [line.replace("追加：", "") for line in text]
