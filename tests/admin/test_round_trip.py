"""Saving any form of the structured editor without changing anything keeps the definition as it
was: every key it has no control for (English texts, options, conditions written in YAML, blocks
used with `use:`) survives, for every shipped definition and every form of the editor."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.admin.yaml_edit import load
from tests.admin.support import admin_client, form_values, publish_sample, summary_of, working_source

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "form_definitions").glob("*.yaml"))


def _forms_of(source: str, form_id: str) -> list[tuple[str, str]]:
    """(page to open, action to post to) of every saving form of the structured editor."""
    base = f"/admin/forms/{form_id}"
    forms = [(f"{base}/edit", f"{base}/settings")]
    for page in load(source)["pages"]:
        page_url = f"{base}/pages/{page['id']}"
        forms.append((page_url, page_url))
        for field in page.get("fields") or []:
            if isinstance(field, dict) and "id" in field:
                field_url = f"{page_url}/fields/{field['id']}"
                forms.append((field_url, field_url))
    return forms


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_saving_every_form_unchanged_keeps_the_definition(app, path):
    source = path.read_text(encoding="utf-8")
    form_id = load(source)["id"]
    publish_sample(app, source, path.name)
    admin = admin_client(app)
    original = load(source)
    changed = []
    for page_url, action in _forms_of(source, form_id):
        page = admin.get(page_url)
        assert page.status_code == 200, f"{page_url}: {page.status_code}"
        saved = admin.post(action, data=form_values(page.text, action))
        assert saved.status_code == 302, f"{action}: {saved.status_code} {summary_of(saved.text)}"
        now = load(working_source(app, form_id))
        if now != original:
            changed.append(f"{action}: {differences(original, now)}")
            admin = admin_client(app, f"kanri{len(changed)}")
            publish_sample(app, source, path.name)  # start again from the shipped text
            _discard(app, form_id)
    assert not changed, "\n".join(changed)


def _discard(app, form_id: str) -> None:
    from formsvc.db import database
    from formsvc.forms.models import FormWorkingCopy

    with app.app_context(), database().transaction() as session:
        copy = session.get(FormWorkingCopy, form_id)
        if copy is not None:
            session.delete(copy)


def differences(before, after, path: str = "") -> list[str]:
    """Where two YAML data differ, as paths (for a readable failure)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in dict.fromkeys([*before, *after]):
            if key not in after:
                found.append(f"{path}.{key} removed")
            elif key not in before:
                found.append(f"{path}.{key} added")
            else:
                found.extend(differences(before[key], after[key], f"{path}.{key}"))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [d for index, (a, b) in enumerate(zip(before, after, strict=True))
                for d in differences(a, b, f"{path}[{index}]")]
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]
