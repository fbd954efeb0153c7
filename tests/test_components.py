"""The template components (templates/components/): each macro rendered on its own, and the HTML
checked for what assistive technology and the design system rely on: ids, labels, aria-describedby,
※必須/※任意, error text, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template_string, session
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from formsvc.i18n import current_locale, t

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
IMPORTS = """{% import "components/form.html" as ui with context %}
{% from "components/error_summary.html" import error_summary with context %}
{% from "components/table.html" import table %}
{% from "components/pagination.html" import pagination with context %}
"""


@pytest.fixture(scope="module")
def app():
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.secret_key = "components"
    app.jinja_env.trim_blocks = True  # as formsvc.templating sets them
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def interface():
        return {"t": t, "locale": current_locale()}

    return app


@pytest.fixture
def render(app):
    def render(source: str, locale: str = "ja", imports: str = IMPORTS, **context) -> BeautifulSoup:
        with app.test_request_context():
            session["lang"] = locale
            return BeautifulSoup(render_template_string(imports + source, **context), "html.parser")
    return render


def words(element) -> str:
    return " ".join(element.get_text().split())


class Posted(Form):
    name = StringField("氏名")
    kind = RadioField("種類", choices=[SelectChoice("a", "甲"), SelectChoice("b", "乙")])
    place = SelectField("場所", choices=[SelectChoice("x", "東"), SelectChoice("y", "西")])
    days = SelectMultipleField("曜日", choices=[SelectChoice("mon", "月"), SelectChoice("tue", "火")])
    note = TextAreaField("備考")


# --- text_input ---------------------------------------------------------------------------

def test_a_label_names_the_input_and_marks_it_required(render):
    page = render('{{ ui.text_input(id="name", name="name", label="氏名", required=true) }}')
    box = page.find("input")
    label = page.find("label")
    assert label["for"] == box["id"] == "name" and box["name"] == "name"
    assert words(label) == "氏名※必須"
    assert label.find("span", class_="tag tag--required")
    assert box["aria-required"] == "true"
    assert not box.has_attr("aria-describedby") and not box.has_attr("aria-invalid")
    assert page.find("div")["class"] == ["form-group"]


def test_an_optional_question_says_so_and_a_plain_one_says_nothing(render):
    optional = render('{{ ui.text_input(id="a", name="a", label="電話", required=false) }}')
    assert optional.find("span", class_="tag--optional").get_text() == "※任意"
    assert not optional.find("input").has_attr("aria-required")
    plain = render('{{ ui.text_input(id="a", name="a", label="電話") }}')
    assert not plain.find("span", class_="tag")


def test_the_hint_has_its_id_and_describes_the_input(render):
    page = render('{{ ui.text_input(id="phone", name="phone", label="電話", hint="ハイフンなし") }}')
    assert page.find("p", class_="hint")["id"] == "phone-hint"
    assert page.find("input")["aria-describedby"] == "phone-hint"


def test_an_error_describes_the_input_after_the_hint_and_starts_with_an_asterisk(render):
    page = render('{{ ui.text_input(id="phone", name="phone", label="電話", hint="ハイフンなし", '
                  'error="電話番号を入力してください") }}')
    box = page.find("input")
    message = page.find("p", class_="error-message")
    assert message["id"] == "phone-error"
    assert box["aria-describedby"] == "phone-hint phone-error"
    assert box["aria-invalid"] == "true"
    assert words(message) == "エラー：＊電話番号を入力してください"
    assert message.find("span", class_="visually-hidden").get_text() == "エラー："
    assert "form-group--error" in page.find("div")["class"]


def test_the_order_is_label_hint_error_input(render):
    page = render('{{ ui.text_input(id="a", name="a", label="L", hint="H", error="E") }}')
    group = page.find("div", class_="form-group")
    assert [child.name for child in group.find_all(recursive=False)] == ["label", "p", "p", "input"]


def test_labels_values_hints_and_errors_are_escaped(render):
    page = render('{{ ui.text_input(id="a", name="a", label=label, hint=label, error=label, value=value) }}',
                  label='<script>alert(1)</script>', value='"><b>')
    assert not page.find("script") and not page.find("b")
    assert page.find("input")["value"] == '"><b>'
    assert "<script>alert(1)</script>" in page.find("label").get_text()


def test_a_label_given_as_markup_keeps_its_markup(render):
    page = render('{{ ui.text_input(id="a", name="a", label=label) }}', label=Markup('<span lang="en">Email</span>'))
    assert page.find("label").find("span", lang="en").get_text() == "Email"


def test_a_unit_follows_the_box_and_a_caller_goes_beside_it(render):
    page = render('{{ ui.text_input(id="n", name="n", label="数", unit="通", width="s") }}')
    assert page.find("div", class_="with-unit").find("span", class_="unit").get_text() == "通"
    assert page.find("input")["class"] == ["input", "input--s"]
    page = render('{% call ui.text_input(id="p", name="p", label="郵便番号") %}'
                  '{{ ui.button("住所を検索", variant="secondary") }}{% endcall %}')
    beside = page.find("div", class_="inline-action")
    assert beside.find("input")["id"] == "p" and words(beside.find("button")) == "住所を検索"


def test_extra_attributes(render):
    page = render('{{ ui.text_input(id="q", name="q", label="検索", type="search", maxlength=50, autocomplete="off", '
                  'spellcheck="false", inputmode="numeric", attributes={"data-x": "1", "form": "f"}) }}')
    box = page.find("input")
    assert (box["type"], box["maxlength"], box["autocomplete"], box["spellcheck"], box["inputmode"]) == (
        "search", "50", "off", "false", "numeric")
    assert box["data-x"] == "1" and box["form"] == "f"


def test_english(render):
    page = render('{{ ui.text_input(id="a", name="a", label="Name", required=true, error="Enter a name") }}',
                  locale="en")
    assert words(page.find("label")) == "NameRequired"
    assert words(page.find("p", class_="error-message")) == "Error: ＊Enter a name"


# --- WTForms fields -------------------------------------------------------------------------

def test_a_wtforms_field_gives_id_name_label_error_and_what_was_typed(render):
    form = Posted(MultiDict({"name": "　ｙａｍａｄａ"}))
    form.name.errors = ["氏名を確かめてください"]
    page = render("{{ ui.text_input(field) }}", field=form.name)
    box = page.find("input")
    assert (box["id"], box["name"], box["value"]) == ("name", "name", "　ｙａｍａｄａ")
    assert words(page.find("label")) == "氏名"
    assert box["aria-describedby"] == "name-error" and box["aria-invalid"] == "true"
    assert words(page.find("p", class_="error-message")) == "エラー：＊氏名を確かめてください"


def test_a_wtforms_field_not_posted_shows_its_data(render):
    form = Posted(data={"name": "山田", "note": "a<b"})
    page = render("{{ ui.text_input(field) }}{{ ui.textarea(note, rows=2) }}", field=form.name, note=form.note)
    assert page.find("input")["value"] == "山田"
    assert page.find("textarea").get_text() == "a<b" and page.find("textarea")["rows"] == "2"
    assert Posted().name.data is None
    assert render("{{ ui.text_input(field) }}", field=Posted().name).find("input")["value"] == ""


def test_the_private_value_method_of_wtforms_is_not_used(render):
    class Secret(StringField):
        def _value(self):
            raise AssertionError("_value() is WTForms' private API")

    form = type("F", (Form,), {"code": Secret("番号")})(MultiDict({"code": "12"}))
    assert render("{{ ui.text_input(field) }}", field=form.code).find("input")["value"] == "12"


def test_given_values_win_over_the_field(render):
    form = Posted(MultiDict({"name": "typed"}))
    page = render('{{ ui.text_input(field, label="表示名", value="", error="E") }}', field=form.name)
    assert page.find("input")["value"] == "" and words(page.find("label")) == "表示名"


def test_wtforms_choices(render):
    form = Posted(MultiDict([("kind", "b"), ("place", "y"), ("days", "mon"), ("days", "tue")]))
    page = render("{{ ui.radios(posted.kind) }}{{ ui.select(posted.place) }}{{ ui.checkboxes(posted.days) }}",
                  posted=form)
    assert [(radio["id"], radio.has_attr("checked")) for radio in page.find_all("input", type="radio")] == [
        ("kind-0", False), ("kind-1", True)]
    assert page.find("option", selected=True)["value"] == "y"
    assert all(box.has_attr("checked") for box in page.find_all("input", type="checkbox"))
    assert words(page.find("legend")) == "種類"


# --- choices and fieldsets -------------------------------------------------------------------

CHOICES = [{"value": "self", "label": "本人", "hint": "ご自身の分"}, {"value": "agent", "label": "代理人"}]


def test_radios_are_a_fieldset_whose_legend_is_the_question(render):
    page = render('{{ ui.radios(id="who", name="who", legend="申請するのは", hint="1つ選んでください", '
                  'error="選んでください", required=true, value="agent", items=items) }}', items=CHOICES)
    fieldset = page.find("fieldset")
    assert fieldset["id"] == "who" and fieldset["aria-describedby"] == "who-hint who-error"
    assert words(fieldset.find("legend")) == "申請するのは※必須"
    assert fieldset.find("p", class_="error-message")["id"] == "who-error"
    radios = fieldset.find_all("input", type="radio")
    assert [(radio["id"], radio["name"], radio["value"], radio.has_attr("checked")) for radio in radios] == [
        ("who-0", "who", "self", False), ("who-1", "who", "agent", True)]
    assert [page.find("label", attrs={"for": radio["id"]}).get_text() for radio in radios] == ["本人", "代理人"]
    assert radios[0]["aria-describedby"] == "who-0-hint"
    assert page.find(id="who-0-hint").get_text() == "ご自身の分"
    assert not radios[1].has_attr("aria-describedby")


def test_choice_ids_from_values_disabled_and_inline_choices(render):
    page = render('{{ ui.radios(name="card", legend="カード", item_ids="value", inline=true, '
                  'items=[{"value": "1", "label": "A"}, {"value": "2", "label": "B", "disabled": true}]) }}')
    assert not page.find("fieldset").has_attr("id") and not page.find("fieldset").has_attr("aria-describedby")
    assert [radio["id"] for radio in page.find_all("input")] == ["card-1", "card-2"]
    assert page.find(id="card-2").has_attr("disabled")
    assert page.find("div", class_="choices")["class"] == ["choices", "choices--inline"]


def test_an_item_may_say_it_is_checked_and_name_its_own_id(render):
    page = render('{{ ui.radios(name="a", legend="Q", value="no", '
                  'items=[{"value": "yes", "label": "はい", "checked": true, "id": "own"}, '
                  '{"value": "no", "label": "いいえ", "checked": false}]) }}')
    assert page.find(id="own").has_attr("checked")
    assert not page.find("input", value="no").has_attr("checked")


def test_checkboxes_check_every_chosen_value(render):
    page = render('{{ ui.checkboxes(id="c", name="c", legend="Q", values=["agent"], items=items) }}', items=CHOICES)
    assert [box.has_attr("checked") for box in page.find_all("input", type="checkbox")] == [False, True]
    page = render('{{ ui.checkboxes(id="c", name="c", legend="Q", items=items) }}', items=CHOICES)
    assert not any(box.has_attr("checked") for box in page.find_all("input"))


def test_a_fieldset_wraps_what_the_caller_renders(render):
    page = render('{% call ui.fieldset("addr", "住所", hint="番地まで", required=false) %}'
                  '<p id="inside">x</p>{% endcall %}')
    fieldset = page.find("fieldset")
    assert fieldset.find(id="inside") and fieldset.parent["class"] == ["form-group"]
    assert words(fieldset.find("legend")) == "住所※任意" and fieldset["aria-describedby"] == "addr-hint"
    bare = render('{% call ui.fieldset(legend="担当", group=false) %}x{% endcall %}')
    assert not bare.find("div") and bare.find("fieldset")


def test_a_fieldset_whose_legend_is_the_page_heading(render):
    page = render('{% call ui.fieldset(legend="削除しますか", heading=true, group=false) %}x{% endcall %}')
    legend = page.find("legend")
    assert not legend.has_attr("class") and words(legend.find("h1")) == "削除しますか"


def test_a_form_group_with_an_id_and_an_error_no_control_refers_to(render):
    page = render('{% call ui.form_group("x", id="move-claim") %}'
                  '{{ ui.error_message(none, "担当済みです") }}{% endcall %}')
    group = page.find("div")
    assert group["id"] == "move-claim" and group["class"] == ["form-group", "form-group--error"]
    assert not group.find("p", class_="error-message").has_attr("id") and words(group) == "エラー：＊担当済みです"


def test_a_choice_in_error(render):
    box = render('{{ ui.choice("checkbox", "ok", "ok", "yes", "確認した", invalid=true) }}').find("input")
    assert box["aria-invalid"] == "true" and not box.has_attr("aria-describedby")
    assert not render('{{ ui.choice("radio", "a", "a", "1", "A") }}').find("input").has_attr("aria-invalid")


def test_a_single_checkbox(render):
    page = render('{{ ui.checkbox(id="ok", name="ok", label="必須にする", hint="外すと任意", checked=true) }}')
    box = page.find("input")
    assert box["type"] == "checkbox" and box.has_attr("checked") and box["value"] == "y"
    assert box["aria-describedby"] == "ok-hint" and page.find(id="ok-hint")


def test_select_with_a_placeholder(render):
    page = render('{{ ui.select(id="s", name="s", label="都道府県", value="b", placeholder="選択してください", '
                  'options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}], error="選んでください") }}')
    options = page.find_all("option")
    assert [(option["value"], option.get_text()) for option in options] == [
        ("", "選択してください"), ("a", "A"), ("b", "B")]
    assert options[2].has_attr("selected")
    assert page.find("select")["aria-describedby"] == "s-error"


def test_a_date_marks_only_the_part_in_error(render):
    page = render('{{ ui.date_input("born", "born", "生年月日", error="月は1から12で", error_part="month", '
                  'required=true, value={"year": "1990", "month": "13"}) }}')
    inputs = page.find_all("input")
    assert [(box["id"], box["name"], box["value"]) for box in inputs] == [
        ("born-year", "born-year", "1990"), ("born-month", "born-month", "13"), ("born-day", "born-day", "")]
    assert [box.has_attr("aria-invalid") for box in inputs] == [False, True, False]
    assert all(box["aria-describedby"] == "born-error" for box in inputs)
    assert page.find("fieldset")["aria-describedby"] == "born-error"
    assert [words(label) for label in page.find_all("label")] == ["年", "月", "日"]


def test_a_pin_is_never_filled_in(render):
    page = render('{{ ui.pin_entry("暗証番号", hint="数字4桁", error="違います") }}')
    pin = page.find("input")
    shown = [pin[name] for name in ("type", "id", "name", "value", "maxlength", "inputmode", "autocomplete")]
    assert shown == ["password", "pin", "pin", "", "4", "numeric", "off"]
    assert pin["aria-required"] == "true" and pin["aria-describedby"] == "pin-hint pin-error"


# --- button, error summary, table, pagination ------------------------------------------------

def test_buttons(render):
    page = render('{{ ui.button("送信する") }}{{ ui.button("戻る", variant="secondary small", href="/back") }}'
                  '{% call ui.button(variant="link", name="action", value="remove") %}'
                  '削除<span class="visually-hidden">a.pdf</span>{% endcall %}')
    send, remove = page.find_all("button")
    assert send["type"] == "submit" and send["class"] == ["button"]
    link = page.find("a")
    assert link["class"] == ["button", "button--secondary", "button--small"] and link["href"] == "/back"
    assert (remove["name"], remove["value"], words(remove)) == ("action", "remove", "削除a.pdf")


def test_the_error_summary_links_to_each_control(render):
    page = render("{{ error_summary(errors) }}", errors=[("氏名を入力してください", "name-family"), ("<b>", "x")])
    summary = page.find("div", class_="error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and summary.has_attr("data-error-summary")
    assert summary["aria-labelledby"] == page.find("h2")["id"]
    assert [(link["href"], link.get_text()) for link in summary.find_all("a")] == [
        ("#name-family", "氏名を入力してください"), ("#x", "<b>")]
    assert not render("{{ error_summary([]) }}").find("div")


def test_the_error_summary_partial_reads_the_page_variable(render):
    page = render('{% include "partials/error_summary.html" %}', imports="", error_summary=[("E", "t")])
    assert page.find("a")["href"] == "#t"


def test_a_table_in_a_named_scrolling_region(render):
    page = render('<h2 id="t">一覧</h2>'
                  '{% call table(labelledby="t", caption="申請", caption_hidden=true, head=["番号", "氏名"], '
                  'class="queue-table") %}'
                  '<tbody><tr><td>1</td><td>山田</td></tr></tbody>{% endcall %}')
    region = page.find("div", class_="table-scroll")
    assert region["role"] == "region" and region["aria-labelledby"] == "t" and region["tabindex"] == "0"
    assert page.find("table")["class"] == ["table", "queue-table"]
    assert page.find("caption")["class"] == ["visually-hidden"]
    assert [(th["scope"], th.get_text()) for th in page.find_all("th")] == [("col", "番号"), ("col", "氏名")]
    assert page.find("td").get_text() == "1"


def test_pagination(render):
    page = render('{{ pagination(previous_url="/p?before=1", next_url="/p?after=2") }}')
    nav = page.find("nav")
    assert nav["aria-label"] == "ページ送り"
    assert [(link["rel"], link["href"]) for link in nav.find_all("a")] == [
        (["prev"], "/p?before=1"), (["next"], "/p?after=2")]
    assert not render("{{ pagination() }}").find("nav")
    assert [link["rel"] for link in render('{{ pagination(next_url="/n") }}').find_all("a")] == [["next"]]


# --- the common inputs written out (issue 17: a page has ~85 of them; each macro call costs) ----

FLAT_MACROS = {"text_input": set(), "part_input": set(), "date_input": set(), "select": set(), "textarea": set(),
               "_choices": {"fieldset"}}  # one fieldset a question, no macro a choice


def test_the_common_inputs_call_no_other_macro_of_the_module(app):
    from jinja2 import nodes

    source = (TEMPLATES / "components" / "form.html").read_text(encoding="utf-8")
    tree = app.jinja_env.parse(source)
    macros = {macro.name: macro for macro in tree.find_all(nodes.Macro)}
    own = set(macros) | {"self_label", "self_hint", "self_error", "self_describedby"}
    for name, allowed in FLAT_MACROS.items():
        called = {call.node.name for call in macros[name].find_all(nodes.Call) if isinstance(call.node, nodes.Name)}
        assert called & own <= allowed, (name, called & own)


def raw(app, source: str, locale: str = "ja", **context) -> str:
    with app.test_request_context():
        session["lang"] = locale
        return render_template_string(IMPORTS + source, **context)


# What the written-out macros replaced, built from the general components: the HTML must not change
# (byte for byte, whitespace included, to the newline after a date).
COMPOSED_DATE = """{% call ui.fieldset(id, legend, hint, error, required) %}
  <div class="parts parts--date">
    {% for part, words, width, inputmode in [("year", t("年", "Year"), "s", none),
        ("month", t("月", "Month"), "xs", "numeric"), ("day", t("日", "Day"), "xs", "numeric")] %}
    {{ ui.part_input(id ~ "-" ~ part, id ~ "-" ~ part, words, value.get(part, ""), width=width, inputmode=inputmode,
                     describedby=ui.describedby(id, hint, error), invalid=error and error_part in (none, part)) }}
    {% endfor %}
  </div>
{% endcall %}
"""


@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("args", [
    {"hint": None, "error": None, "required": None, "value": {}, "error_part": None},
    {"hint": "例：1990", "error": "月は1から12で", "required": True, "value": {"year": "1990", "month": "<13>"},
     "error_part": "month"},
    {"hint": "", "error": "入力してください", "required": False, "value": {"day": None}, "error_part": None},
])
def test_a_date_is_the_fieldset_of_its_parts_byte_for_byte(app, locale, args):
    context = {"id": "born", "legend": "生年月日", **args}
    written = raw(app, '{{ ui.date_input(id, id, legend, hint, error, required, value, error_part) }}|',
                  locale, **context)
    composed = raw(app, COMPOSED_DATE + "|", locale, **context)
    assert written == composed


COMPOSED_TEXT = """{% set box = ui.input(id=id, name=id, value=value, width=width, inputmode=inputmode,
    describedby=ui.describedby(id, hint, error), invalid=error | length > 0, required=required) %}
{% call ui.labelled_group(id, label, hint, error, required) %}
{% if beside %}
  <div class="inline-action">
    {{ box }}
    {{ beside }}
  </div>
{% elif unit %}
  <div class="with-unit">{{ box }}<span class="unit">{{ unit }}</span></div>
{% else %}
  {{ box }}
{% endif %}
{% endcall %}|"""
WRITTEN_TEXT = """{% if beside %}{% call ui.text_input(id=id, name=id, label=label, hint=hint, error=error,
    required=required, value=value, width=width, inputmode=inputmode, unit=unit) %}{{ beside }}
{% endcall %}{% else %}{{ ui.text_input(id=id, name=id, label=label, hint=hint, error=error,
    required=required, value=value, width=width, inputmode=inputmode, unit=unit) }}{% endif %}|"""


@pytest.mark.parametrize("args", [
    {"hint": None, "error": "", "required": None, "unit": None, "beside": None},
    {"hint": "半角数字", "error": "入力してください", "required": True, "unit": "円", "beside": None},
    {"hint": "7桁", "error": "", "required": False, "unit": None, "beside": Markup("<button>検索</button>")},
])
def test_a_text_box_is_the_labelled_group_of_its_input_byte_for_byte(app, args):
    context = {"id": "fee", "label": "金額 & 手数料", "value": "<300>", "width": "s", "inputmode": "numeric", **args}
    composed = raw(app, COMPOSED_TEXT, **{**context, "beside": args["beside"] and args["beside"] + "\n"})
    assert raw(app, WRITTEN_TEXT, **context) == composed
