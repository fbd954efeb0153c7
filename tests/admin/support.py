"""The administrator's pages driven as a person uses them: read the page, fill its form, send it."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.forms.models import Form, FormEvent, FormWorkingCopy
from tests.staff.support import staff_client

SAMPLE = """\
# yaml-language-server: $schema=./schema.json
# 見本の手続き: 管理画面のテスト用。
id: admin-sample
title: 見本の証明書交付申請
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、郵送します。
retention: {years: 5}
fee:
  amount: {multiply: [{field: copies}, 300]}
  description: 1通300円
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: name, label: 氏名}
      - {type: radio, id: via, label: 申請する方, choices: [{value: self, label: 本人}, {value: agent, label: 代理人}]}

  # 代理人のときだけ
  - id: agent
    title: 代理人
    show_if: {field: via, equals: agent}
    fields:
      - {type: text, id: agent_name, label: 代理人の氏名, max_length: 20}

  - id: request
    title: 請求の内容
    fields:
      - {type: number, id: copies, label: 通数, min: 1, max: 5, unit: 通}
"""
FORM = "admin-sample"


def publish_sample(app, text: str = SAMPLE, name: str = "admin-sample.yaml") -> None:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(text, name), actor="test")


def admin_client(app, username: str = "kanri"):
    return staff_client(app, username, "admin")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def hidden(html: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


def form_values(html: str, action: str) -> dict[str, object]:
    """What a browser sends for the form posting to ``action``: its inputs as they are filled in."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, flags=re.S)
    assert match, f"no form posting to {action}"
    body = match.group(1)
    values: dict[str, object] = {}
    for tag in re.findall(r"<input\b[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        if kind in ("radio", "checkbox"):
            if " checked" not in tag:
                continue
            if kind == "checkbox":
                values.setdefault(name.group(1), [])
                values[name.group(1)].append(unescape(value.group(1)) if value else "y")
                continue
        values[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, flags=re.S):
        values[name] = unescape(text)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, flags=re.S):
        chosen = (re.search(r'<option value="([^"]*)" selected>', options)
                  or re.search(r'<option value="([^"]*)"', options))
        values[name] = unescape(chosen.group(1)) if chosen else ""
    return values


def submit(client, page_url: str, action: str, changes: dict | None = None, drop: tuple = ()):
    """Open ``page_url``, fill the form posting to ``action`` with ``changes`` and send it."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text[:500]
    data = form_values(page.text, action)
    for name in drop:
        data.pop(name, None)
    data.update(changes or {})
    return client.post(action, data=data)


def errors_on(html: str) -> list[str]:
    """Error messages beside the inputs, as seen (without the screen-reader prefix エラー：)."""
    found = re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', html, flags=re.S)
    found = [re.sub(r'<span class="visually-hidden">.*?</span>', "", item) for item in found]
    return [re.sub(r"<[^>]+>", "", unescape(item)).strip() for item in found]


def summary_of(html: str) -> list[str]:
    block = re.search(r'<div class="error-summary".*?</div>', html, flags=re.S)
    if not block:
        return []
    return [re.sub(r"<[^>]+>", "", unescape(item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", block.group(0), flags=re.S)]


def notices(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", unescape(item)).strip()
            for item in re.findall(r'<div class="notice[^"]*" role="(?:status|alert)"><p>(.*?)</p></div>', html,
                                   flags=re.S)]


def working_source(app, form_id: str = FORM) -> str | None:
    with app.app_context(), database().transaction() as session:
        copy = session.get(FormWorkingCopy, form_id)
        return copy.source if copy else None


def form_row(app, form_id: str = FORM) -> Form:
    with app.app_context(), database().transaction() as session:
        form = session.get(Form, form_id)
        for version in form.versions:
            _ = version.source, version.document
        session.expunge_all()
        return form


def events(app, form_id: str = FORM) -> list[tuple[str, str, int | None]]:
    with app.app_context(), database().transaction() as session:
        rows = session.scalars(select(FormEvent).where(FormEvent.form_id == form_id).order_by(FormEvent.id))
        return [(row.kind, row.actor, row.version_number) for row in rows]


def text_of(html: str) -> str:
    """The page's visible text, roughly, for asserting what a person reads."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))
