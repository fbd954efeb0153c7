"""A page's form class is built once per questions, language and day, and kept (issue 17): the
same class serves the next request; each request binds its own fields, so nothing typed or refused
on one request shows on another."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from formsvc.fields import FieldContext
from formsvc.resident import forms
from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import make

DAY = date(2026, 11, 26)
SPECS = [make("name", id="applicant", label="氏名", required=True),
         make("text", id="note", label="備考", max_length=5)]


def test_the_same_questions_in_the_same_language_and_day_share_one_class():
    ctx = FieldContext(today=DAY)
    first, second = build_form(SPECS, ctx), build_form(list(SPECS), FieldContext(today=DAY))
    assert type(first) is type(second)
    assert first is not second and first["note"] is not second["note"]
    assert type(build_form(SPECS, FieldContext(locale="en", today=DAY))) is not type(first)
    assert type(build_form(SPECS, FieldContext(today=date(2026, 11, 27)))) is not type(first)
    assert type(build_form(SPECS[:1], ctx)) is not type(first)


def test_other_question_objects_with_the_same_ids_get_their_own_class():
    ctx = FieldContext(today=DAY)
    other = [make("name", id="applicant", label="別の氏名"), make("text", id="note", label="備考")]
    assert type(build_form(other, ctx)) is not type(build_form(SPECS, ctx))
    assert build_form(other, ctx)["applicant"].label.text == "別の氏名"


def test_what_one_request_typed_and_was_refused_for_stays_with_it():
    ctx = FieldContext(today=DAY)
    typed = MultiDict({"applicant-family": "", "applicant-given": "", "note": "長すぎる備考です"})
    sent = build_form(SPECS, ctx, typed)
    assert not sent.validate()
    assert sent["applicant"].errors and sent["note"].errors
    shown = build_form(SPECS, ctx, None, {"note": "はい"})
    assert type(shown) is type(sent)
    assert not shown["applicant"].errors and not shown["note"].errors
    assert shown["note"].data == "はい"


def test_control_characters_get_a_class_of_their_own_and_leave_the_kept_one_alone():
    ctx = FieldContext(today=DAY)
    kept = type(build_form(SPECS, ctx))
    refused = build_form(SPECS, ctx, MultiDict({"applicant-family": "山\x00田", "applicant-given": "花子", "note": ""}))
    assert type(refused) is not kept
    assert not refused.validate()
    assert "制御文字" in refused["applicant"].errors[0]
    assert kept._refused_messages == {} and type(build_form(SPECS, ctx)) is kept


def test_the_kept_classes_are_bounded(monkeypatch):
    monkeypatch.setattr(forms, "FORM_CLASSES_KEPT", 3)
    monkeypatch.setattr(forms, "_form_classes", type(forms._form_classes)())
    for day in range(1, 8):
        build_form(SPECS, FieldContext(today=date(2026, 11, day)))
    assert len(forms._form_classes) == 3


def test_a_questions_hint_read_again_follows_a_condition_set_since():
    ctx = FieldContext(today=DAY)
    spec = make("text", id="note", label="備考", hint="短く")
    view = field_views(build_form([spec], ctx), [spec], ctx)[0]
    assert view.hint == "短く" and view.describedby == "note-hint"
    view.condition_hint = "「代理人」の場合"
    assert view.hint == "「代理人」の場合。短く"
    view.condition_hint = None
    assert view.hint == "短く"
