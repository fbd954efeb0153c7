"""`formsvc tenants list|create`, and ``--tenant`` (or FORMSVC_TENANT) on the commands that work on
one municipality's data; without it they work on the default one, as before tenants."""

from __future__ import annotations

from sqlalchemy import select

from formsvc.cli import main
from formsvc.db import database
from formsvc.forms.models import Form
from formsvc.review.models import ApiToken, OutboxMessage
from formsvc.staff.models import StaffUser
from formsvc.tenants.context import DEFAULT_TENANT_ID, all_municipalities
from formsvc.tenants.models import Tenant
from tests.review.conftest import SAMPLE
from tests.staff.support import PASSWORD
from tests.tenants.support import in_tenant, make_tenant, municipality_code


def invoke(app, *args: str, env: dict[str, str] | None = None):
    return app.test_cli_runner().invoke(main, list(args), env=env)


def everyones(app, query):
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        return session.execute(query).all()


def test_an_operator_registers_a_municipality_and_lists_them(app):
    made = invoke(app, "tenants", "create", "--slug", "kamakura", "--name", "鎌倉市",
                  "--code", municipality_code("14204"), "--colour", "green")
    assert made.exit_code == 0, made.output
    assert "団体「鎌倉市」を登録しました" in made.output and "/kamakura/" in made.output
    [(slug, name, code, colour)] = everyones(app, select(Tenant.slug, Tenant.name, Tenant.code, Tenant.colour)
                                             .where(Tenant.id != DEFAULT_TENANT_ID))
    assert (slug, name, code, colour) == ("kamakura", "鎌倉市", "142042", "green")
    # Its pages answer at once (this process's directory of municipalities was told).
    assert app.test_client().get("/kamakura/staff/login").status_code == 200
    listed = invoke(app, "tenants", "list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("default\t") and lines[0].endswith("既定")
    assert lines[1] == "kamakura\t142042\t鎌倉市\t/kamakura/"


def test_a_municipality_that_cannot_be_registered_is_refused_in_japanese(app):
    refused = invoke(app, "tenants", "create", "--slug", "staff", "--name", "鎌倉市", "--code", "142041",
                     "--host", "https://kamakura.example.jp/")
    assert refused.exit_code == 1
    assert "＊識別名（--slug）：「staff」はこのサービスのページの名前と重なるため使えません" in refused.output
    assert ("＊団体コード（--code）：団体コードの検査数字（6桁目）が合いません。14204 の検査数字は 2 です"
            in refused.output)
    assert "＊ホスト名（--host）：" in refused.output and "団体は登録していません" in refused.output
    make_tenant(app, "kamakura", "鎌倉市")
    again = invoke(app, "tenants", "create", "--slug", "kamakura", "--name", "鎌倉市", "--code", "142042")
    assert again.exit_code == 1
    assert "この識別名はほかの団体が使っています" in again.output
    assert "この団体コードの団体はすでに登録されています" in again.output
    assert len(everyones(app, select(Tenant.id))) == 2


def test_commands_work_for_the_municipality_named_else_the_default(app, tmp_path):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    assert invoke(app, "create-user", "tanaka", "--role", "admin", "--password", PASSWORD).exit_code == 0
    made = invoke(app, "create-user", "tanaka", "--role", "reviewer", "--password", PASSWORD, "--tenant", "kamakura")
    assert made.exit_code == 0, made.output
    assert invoke(app, "create-user", "sato", "--role", "reviewer", "--password", PASSWORD,
                  env={"FORMSVC_TENANT": "kamakura"}).exit_code == 0
    staff = everyones(app, select(StaffUser.tenant_id, StaffUser.username, StaffUser.roles).order_by(StaffUser.id))
    assert [(tenant, name) for tenant, name, _roles in staff] == [
        (DEFAULT_TENANT_ID, "tanaka"), (kamakura, "tanaka"), (kamakura, "sato")]

    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    loaded = invoke(app, "load-definitions", str(tmp_path), "--tenant", "kamakura")
    assert loaded.exit_code == 0, loaded.output
    assert everyones(app, select(Form.tenant_id, Form.id)) == [(kamakura, "sample-permit")]

    assert invoke(app, "create-api-token", "juki", "--tenant", "kamakura").exit_code == 0
    assert everyones(app, select(ApiToken.tenant_id, ApiToken.name)) == [(kamakura, "juki")]
    assert invoke(app, "revoke-api-token", "juki").exit_code == 1  # the default municipality has none
    assert invoke(app, "revoke-api-token", "juki", "--tenant", "kamakura").exit_code == 0

    unknown = invoke(app, "create-user", "suzuki", "--role", "admin", "--password", PASSWORD, "--tenant", "zushi")
    assert unknown.exit_code == 1
    assert "＊団体「zushi」は登録されていません。`formsvc tenants list` で識別名を確認してください" in unknown.output


def test_deployment_wide_commands_work_for_every_municipality(app):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    for tenant_id in (DEFAULT_TENANT_ID, kamakura):
        with in_tenant(app, tenant_id), database().transaction() as session:
            session.add(OutboxMessage(kind="received", recipient="taro@example.jp", subject="受付", body="本文",
                                      state="pending", attempts=0))
    sent = invoke(app, "send-outbox")
    assert sent.exit_code == 0, sent.output
    assert "送信 2 件" in sent.output
    assert everyones(app, select(OutboxMessage.tenant_id, OutboxMessage.state).order_by(OutboxMessage.id)) == [
        (DEFAULT_TENANT_ID, "sent"), (kamakura, "sent")]
