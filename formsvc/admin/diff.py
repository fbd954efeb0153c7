"""What changed between two versions of a procedure: in words, and as a text diff of the YAML.

``describe_changes`` compares the validated definitions (formsvc.definitions.schema models), so
the sentences talk about pages, questions, choices, fees and conditions the way the editor shows
them (ページ「申請者」を追加, 項目「氏名」のラベルを「氏名」から「お名前」に変更, 必須に変更 …),
whatever the YAML looked like. ``source_diff`` is the unified diff of the stored YAML sources.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from formsvc.admin import describe
from formsvc.definitions.schema import FormDefinition
from formsvc.fields.admin_options import admin_options
from formsvc.fields.base import FieldSpec
from formsvc.fields.choices import ChoiceSpec

# Keys every field has, compared one by one; other keys are the type's own options (named by
# their formsvc.fields.admin_options) and these.
COMMON_FIELD_KEYS = {"type", "id", "label", "hint", "required", "show_if", "choices", "choice_list"}
COMMON_OPTION_NAMES = {
    "prefill": "マイナンバーカードからの入力",
    "prefill_editable": "カードから入力した回答の変更",
}

TOP_TEXTS = {
    "title": "手続き名",
    "description": "説明",
    "eligibility": "申請できる人",
    "declaration": "送信前の宣誓",
    "next_steps": "送信後の流れ",
}

AUTHENTICATION = {"none": "なし", "optional": "任意", "required": "必須"}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "hunk", "file" or "same"
    text: str


def source_diff(old_source: str, new_source: str, old_name: str, new_name: str) -> list[DiffLine]:
    """The unified diff of two YAML sources, one classified line at a time."""
    lines = difflib.unified_diff(old_source.splitlines(), new_source.splitlines(), old_name, new_name,
                                 lineterm="")
    result = []
    for line in lines:
        if line.startswith(("---", "+++")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "same"
        result.append(DiffLine(kind, line))
    return result


def describe_changes(old: FormDefinition, new: FormDefinition) -> list[str]:
    """Every difference between ``old`` and ``new`` as one Japanese sentence, in page order."""
    return _Comparison(old, new).sentences()


class _Comparison:
    def __init__(self, old: FormDefinition, new: FormDefinition):
        self.old = old
        self.new = new
        self.out: list[str] = []

    def sentences(self) -> list[str]:
        self.procedure()
        self.fee()
        self.pages()
        self.fields()
        self.lists()
        return self.out

    # -- helpers --

    def say(self, sentence: str) -> None:
        self.out.append(sentence)

    def text_change(self, what: str, old, new) -> None:
        """A Text value: its Japanese and its English compared separately."""
        old_ja, new_ja = describe.text(old), describe.text(new)
        if old is None and new is not None:
            self.say(f"{what}「{new_ja}」を追加")
            return
        if old is not None and new is None:
            self.say(f"{what}「{old_ja}」を削除")
            return
        if old is None:
            return
        if old_ja != new_ja:
            self.say(f"{what}を「{old_ja}」から「{new_ja}」に変更")
        old_en, new_en = old.en or "", new.en or ""
        if old_en != new_en:
            if not old_en:
                self.say(f"{what}の英語「{new_en}」を追加")
            elif not new_en:
                self.say(f"{what}の英語「{old_en}」を削除")
            else:
                self.say(f"{what}の英語を「{old_en}」から「{new_en}」に変更")

    def field_name(self, spec: FieldSpec) -> str:
        return describe.text(spec.label) if spec.label else spec.id

    # -- the procedure --

    def procedure(self) -> None:
        old, new = self.old, self.new
        for key, what in TOP_TEXTS.items():
            self.text_change(what, getattr(old, key), getattr(new, key))
        self.text_change("担当課", old.department.name, new.department.name)
        if _dump(old.department.contact) != _dump(new.department.contact):
            self.say("担当課の連絡先を変更")
        if old.authentication != new.authentication:
            self.say(f"マイナンバーカードでの本人確認を「{AUTHENTICATION[old.authentication]}」から"
                     f"「{AUTHENTICATION[new.authentication]}」に変更")
        if old.time_needed_minutes != new.time_needed_minutes:
            self.say(f"所要時間の目安を{_minutes(old.time_needed_minutes)}から{_minutes(new.time_needed_minutes)}に変更")
        if old.life_events != new.life_events:
            self.say("ライフイベントの分類を変更")
        if old.retention.years != new.retention.years:
            self.say(f"保存年限を{old.retention.years}年から{new.retention.years}年に変更")
        self.keyed("必要な書類", [(describe.text(d.name), d) for d in old.documents],
                   [(describe.text(d.name), d) for d in new.documents])
        self.keyed("計算値", [(c.id, c) for c in old.computed], [(c.id, c) for c in new.computed],
                   name=lambda c: describe.text(c.label))
        self.keyed("ルール", [(r.id, r) for r in old.rules], [(r.id, r) for r in new.rules],
                   name=lambda r: describe.text(r.message))

    def keyed(self, what: str, old: list[tuple[str, Any]], new: list[tuple[str, Any]], name=None) -> None:
        name = name or (lambda item: None)
        before, after = dict(old), dict(new)
        for key, item in new:
            if key not in before:
                self.say(f"{what}「{name(item) or key}」を追加")
            elif _dump(before[key]) != _dump(item):
                self.say(f"{what}「{name(item) or key}」を変更")
        for key, item in old:
            if key not in after:
                self.say(f"{what}「{name(item) or key}」を削除")

    def fee(self) -> None:
        old, new = self.old.fee, self.new.fee
        if old is None:
            if new is not None:
                self.say(f"手数料を無料から「{describe.expression(new.amount, self.new, money=True)}」に変更")
        elif new is None:
            self.say(f"手数料を「{describe.expression(old.amount, self.old, money=True)}」から無料に変更")
        else:
            if _dump(old.amount) != _dump(new.amount):
                if old.amount.literal is not None and new.amount.literal is not None:
                    self.say(f"手数料を{describe.yen(old.amount.literal)}から{describe.yen(new.amount.literal)}に変更")
                else:
                    before = describe.expression(old.amount, self.old, money=True)
                    after = describe.expression(new.amount, self.new, money=True)
                    self.say(f"手数料の計算を「{before}」から「{after}」に変更")
            self.text_change("手数料の説明", old.description, new.description)
            self.text_change("手数料の支払い方法", old.payment, new.payment)

    # -- pages --

    def pages(self) -> None:
        old_pages = {page.id: page for page in self.old.pages}
        new_pages = {page.id: page for page in self.new.pages}
        for index, page in enumerate(self.new.pages):
            if page.id not in old_pages:
                kind = "終了ページ" if page.kind == "exit" else "ページ"
                self.say(f"{kind}「{describe.text(page.title)}」を追加（{index + 1}番目）")
        for page in self.old.pages:
            if page.id not in new_pages:
                self.say(f"ページ「{describe.text(page.title)}」を削除")
        common_old = [p.id for p in self.old.pages if p.id in new_pages]
        common_new = [p.id for p in self.new.pages if p.id in old_pages]
        for page_id in _moved(common_old, common_new):
            page = new_pages[page_id]
            position_before = [p.id for p in self.old.pages].index(page_id) + 1
            position_after = [p.id for p in self.new.pages].index(page_id) + 1
            self.say(f"ページ「{describe.text(page.title)}」の順番を変更"
                     f"（{position_before}番目から{position_after}番目へ）")
        for page in self.new.pages:
            before = old_pages.get(page.id)
            if before is None:
                continue
            name = describe.text(page.title)
            self.text_change(f"ページ「{describe.text(before.title)}」のタイトル", before.title, page.title)
            self.text_change(f"ページ「{name}」の説明", before.description, page.description)
            if before.kind != page.kind:
                self.say(f"ページ「{name}」を{'終了ページ' if page.kind == 'exit' else '質問のページ'}に変更")
            self.condition_change(f"ページ「{name}」", before.show_if, page.show_if)
            was, now = before.repeat, page.repeat
            if _dump(was) != _dump(now):
                if was is None and now is not None:
                    self.say(f"ページ「{name}」を繰り返しのページに変更（最大{now.max}件）")
                elif now is None:
                    self.say(f"ページ「{name}」を繰り返しのないページに変更")
                elif was is not None:
                    self.say(f"ページ「{name}」の繰り返しの設定を変更（{was.min}〜{was.max}件から"
                             f"{now.min}〜{now.max}件へ）")

    def condition_change(self, owner: str, old, new) -> None:
        if _dump(old) == _dump(new):
            return
        if old is None:
            self.say(f"{owner}に表示条件を追加（{describe.condition(new, self.new)}）")
        elif new is None:
            self.say(f"{owner}の表示条件を削除（削除前: {describe.condition(old, self.old)}）")
        else:
            self.say(f"{owner}の表示条件を変更（変更前: {describe.condition(old, self.old)}／"
                     f"変更後: {describe.condition(new, self.new)}）")

    # -- fields --

    def fields(self) -> None:
        old_fields = {spec.id: spec for spec in self.old.all_fields()}
        new_fields = {spec.id: spec for spec in self.new.all_fields()}
        for page in self.new.pages:
            for spec in page.fields:
                if spec.id not in old_fields:
                    self.say(f"ページ「{describe.text(page.title)}」に項目「{self.field_name(spec)}」"
                             f"（{describe.type_name(spec.type)}）を追加")
        for spec in self.old.all_fields():
            if spec.id not in new_fields:
                self.say(f"項目「{self.field_name(spec)}」を削除")
        # Moves: to another page, or to another place among the same page's questions.
        for page in self.new.pages:
            old_page = self.old.page_by_id(page.id)
            staying = [s.id for s in page.fields if old_page is not None and _page_id(self.old, s.id) == page.id]
            for spec in page.fields:
                was_on = self.old.page_of(spec.id)
                if was_on is not None and was_on.id != page.id:
                    self.say(f"項目「{self.field_name(spec)}」をページ「{describe.text(was_on.title)}」"
                             f"からページ「{describe.text(page.title)}」に移動")
            if old_page is not None:
                order_before = [s.id for s in old_page.fields if s.id in staying]
                for field_id in _moved(order_before, staying):
                    self.say(f"項目「{self.field_name(new_fields[field_id])}」の順番を変更"
                             f"（ページ「{describe.text(page.title)}」の中で）")
        for spec in self.new.all_fields():
            before = old_fields.get(spec.id)
            if before is not None:
                self.field(before, spec)

    def field(self, old: FieldSpec, new: FieldSpec) -> None:
        name = self.field_name(new)
        subject = f"項目「{name}」"
        if old.type != new.type:
            self.say(f"{subject}の種類を「{describe.type_name(old.type)}」から「{describe.type_name(new.type)}」に変更")
        self.text_change(f"項目「{self.field_name(old)}」のラベル", old.label, new.label)
        self.text_change(f"{subject}のヒント", old.hint, new.hint)
        if old.required != new.required and new.has_answer:
            self.say(f"{subject}を{'必須' if new.required else '任意'}に変更")
        self.condition_change(subject, old.show_if, new.show_if)
        if isinstance(old, ChoiceSpec) and isinstance(new, ChoiceSpec):
            self.choices(subject, old, new)
        old_options = _options(old)
        new_options = _options(new)
        names = {**_option_names(old), **_option_names(new)}
        for key in dict.fromkeys([*old_options, *new_options]):
            before, after = old_options.get(key), new_options.get(key)
            if before == after:
                continue
            what = names.get(key, key)
            if before is None:
                self.say(f"{subject}に{what}「{describe.value_words(after)}」を設定")
            elif after is None:
                self.say(f"{subject}の{what}「{describe.value_words(before)}」をなくしました")
            else:
                self.say(f"{subject}の{what}を「{describe.value_words(before)}」から「{describe.value_words(after)}」に変更")

    def choices(self, subject: str, old: ChoiceSpec, new: ChoiceSpec) -> None:
        if old.choice_list != new.choice_list and new.choice_list:
            self.say(f"{subject}の選択肢を共通の一覧「{new.choice_list}」に変更")
        before = {c.value: c for c in old.all_choices()}
        after = {c.value: c for c in new.all_choices()}
        for value, choice in after.items():
            if value not in before:
                self.say(f"{subject}に選択肢「{describe.text(choice.label)}」を追加")
        for value, choice in before.items():
            if value not in after:
                self.say(f"{subject}の選択肢「{describe.text(choice.label)}」を削除")
        for value, choice in after.items():
            was = before.get(value)
            if was is None:
                continue
            self.text_change(f"{subject}の選択肢「{describe.text(was.label)}」のラベル", was.label, choice.label)
            self.text_change(f"{subject}の選択肢「{describe.text(choice.label)}」の説明", was.hint, choice.hint)
            if was.amount != choice.amount:
                self.say(f"{subject}の選択肢「{describe.text(choice.label)}」の金額を"
                         f"{'なし' if was.amount is None else describe.yen(was.amount)}から"
                         f"{'なし' if choice.amount is None else describe.yen(choice.amount)}に変更")
        if [v for v in before if v in after] != [v for v in after if v in before]:
            self.say(f"{subject}の選択肢の順番を変更")

    def lists(self) -> None:
        for name in self.new.choice_lists:
            if name not in self.old.choice_lists:
                self.say(f"共通の選択肢一覧「{name}」を追加")
            elif _dump(self.old.choice_lists[name]) != _dump(self.new.choice_lists[name]):
                self.say(f"共通の選択肢一覧「{name}」を変更")
        for name in self.old.choice_lists:
            if name not in self.new.choice_lists:
                self.say(f"共通の選択肢一覧「{name}」を削除")


def _page_id(definition: FormDefinition, field_id: str) -> str | None:
    page = definition.page_of(field_id)
    return page.id if page is not None else None


def _moved(before: list[str], after: list[str]) -> list[str]:
    """Ids (of ``after``) that are not on a longest common ordering: the ones that moved."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    kept: set[str] = set()
    for block in matcher.get_matching_blocks():
        kept.update(after[block.b:block.b + block.size])
    return [item for item in after if item not in kept]


def _option_names(spec: FieldSpec) -> dict[str, str]:
    return {**COMMON_OPTION_NAMES, **{key: option.name for key, option in admin_options(type(spec)).items()}}


def _options(spec: FieldSpec) -> dict[str, Any]:
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {key: value for key, value in data.items() if key not in COMMON_FIELD_KEYS}


def _dump(model) -> Any:
    if model is None:
        return None
    if isinstance(model, list):
        return [_dump(item) for item in model]
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _minutes(value: int | None) -> str:
    return "なし" if value is None else f"{value}分"
