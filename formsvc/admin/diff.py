"""What changed between two versions of a procedure: in words, and as a text diff of the YAML.

``describe_changes`` compares the validated definitions (formsvc.definitions.schema models), so
the sentences talk about pages, questions, choices, fees and conditions the way the editor shows
them (ページ「申請者」を追加, 項目「氏名」のラベルを「氏名」から「お名前」に変更, 必須に変更 …),
whatever the YAML looked like. ``source_diff`` is the unified diff of the stored YAML sources.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from formsvc.admin import describe, yaml_edit
from formsvc.definitions.channels import CHANNEL_LABELS
from formsvc.definitions.library import default_library
from formsvc.definitions.schema import FormDefinition
from formsvc.fields.admin_options import admin_options
from formsvc.fields.base import FieldSpec
from formsvc.fields.choices import ChoiceSpec
from formsvc.forms.periods import period_text

# Keys every field has, compared one by one; other keys are the type's own options (named by
# their formsvc.fields.admin_options) and these.
COMMON_FIELD_KEYS = {"type", "id", "label", "hint", "required", "required_if", "show_if", "choices", "choice_list",
                     "omit_choices"}
COMMON_OPTION_NAMES = {
    "prefill": "マイナンバーカードからの入力",
    "prefill_editable": "カードから入力した回答の変更",
}

TOP_TEXTS = {
    "title": "手続き名",
    "description": "説明",
    "eligibility": "申請できる人",
    "declaration": "送信前の宣誓",
    "outcomes_title": "必要な手続きの一覧の見出し",
}
ROLES = describe.ROLES
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


def describe_changes(old: FormDefinition, new: FormDefinition, old_source: str | None = None,
                     new_source: str | None = None) -> list[str]:
    """Every difference between ``old`` and ``new`` as one Japanese sentence, in page order.

    With the YAML sources, questions that come from a shared block (``use:``) are named as
    such: a block added or removed is one sentence, not one per question."""
    sentences = _Comparison(old, new, blocks_of(old, old_source), blocks_of(new, new_source)).sentences()
    return sentences + channel_changes(old, new)


def channel_changes(old: FormDefinition, new: FormDefinition) -> list[str]:
    """What changed in how each channel asks the procedure (``channels:``), as 「窓口: …」.

    Each channel's definition before and after is compared as a whole; what the procedure's own
    change already says is left out, so only what the channel's overrides change remains. A page
    or a question the channel leaves out reads 「…を省略」, and the questions of an omitted page
    are not listed one by one."""
    plain = set(_Comparison(old, new).sentences())
    result: list[str] = []
    for channel, label in CHANNEL_LABELS.items():
        before, after = old.for_channel(channel), new.for_channel(channel)
        if before is old and after is new:
            continue  # no overrides on either side
        gone = _page_fields(before, after)
        back = _page_fields(after, before)
        for sentence in _Comparison(before, after).sentences():
            if sentence in plain or _about_fields(sentence, gone, "を削除") or _about_fields(sentence, back, "を追加"):
                continue  # the questions of a page omitted (or asked again): the page says it
            if channel == "counter" and "の英語" in sentence:
                continue  # the counter is in Japanese: its wording has no English to lose or gain
            removed = re.fullmatch(r"((?:終了)?ページ「[^」]*」|[^「]*(?:「[^」]*」の)?項目「[^」]*」)を削除", sentence)
            if removed:
                sentence = f"{removed.group(1)}を省略"
            elif added := (re.fullmatch(r"((?:終了)?ページ「[^」]*」)を追加（\d+番目）", sentence)
                           or re.fullmatch(r"ページ「[^」]*」に(.*?項目「[^」]*」)（.*）を追加", sentence)):
                sentence = f"{added.group(1)}の省略をやめる"
            result.append(f"{label}: {sentence}")
    return result


@dataclass(frozen=True)
class BlockUse:
    """One ``use:`` of a shared block on a page, and the questions it brought in."""

    block: str
    prefix: str
    page: str
    field_ids: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.page, self.block, self.prefix)


def blocks_of(definition: FormDefinition, source: str | None) -> list[BlockUse]:
    """The ``use:`` items of ``source`` with the (expanded) questions of ``definition`` they stand for.

    The stored definition holds the expanded questions in the order the page lists them, so a
    page's written items and its questions are walked side by side: a written question is one
    question, a ``use:`` is every question up to the next written one."""
    if not source:
        return []
    try:
        data = yaml_edit.load(source)
    except Exception:  # a stored source that no longer parses: no block names
        return []
    uses: list[BlockUse] = []
    pages = data.get("pages") if isinstance(data, dict) else None
    for raw_page in pages if isinstance(pages, list) else []:
        if not isinstance(raw_page, dict):
            continue
        page = definition.page_by_id(str(raw_page.get("id")))
        items = raw_page.get("fields")
        if page is None or not isinstance(items, list):
            continue
        ids = [spec.id for spec in page.fields]
        position = 0
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if "use" not in item:
                if position < len(ids) and ids[position] == item.get("id"):
                    position += 1
                continue
            following = next((other.get("id") for other in items[index + 1:]
                              if isinstance(other, dict) and "use" not in other), None)
            taken = []
            while position < len(ids) and ids[position] != following:
                taken.append(ids[position])
                position += 1
            uses.append(BlockUse(str(item["use"]), str(item.get("prefix") or ""), page.id, tuple(taken)))
    return uses


def block_title(block_id: str) -> str:
    """The shared block's title from the library (its id when it cannot be read)."""
    try:
        shared = default_library().blocks.get(block_id)
    except Exception:  # a missing or broken library: the id names the block
        return block_id
    if shared is None or not isinstance(shared.data, dict):
        return block_id
    title = shared.data.get("title")
    if isinstance(title, dict):
        return str(title.get("ja") or block_id)
    return str(title) if title else block_id


class _Comparison:
    def __init__(self, old: FormDefinition, new: FormDefinition, old_blocks: list[BlockUse] | None = None,
                 new_blocks: list[BlockUse] | None = None):
        self.old = old
        self.new = new
        self.out: list[str] = []
        self.old_blocks = old_blocks or []
        self.new_blocks = new_blocks or []
        self.old_block_of = {field_id: use for use in self.old_blocks for field_id in use.field_ids}
        self.new_block_of = {field_id: use for use in self.new_blocks for field_id in use.field_ids}
        # Block titles read from the library once per comparison, not once per question.
        self.block_titles: dict[str, str] = {}

    def sentences(self) -> list[str]:
        self.procedure()
        self.fee()
        self.pages()
        self.blocks()
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
        if old.same_day_issue != new.same_day_issue:
            self.say("即日交付（審査なしでその場で交付）にする" if new.same_day_issue else
                     "即日交付をやめる（審査してから交付）")
        if old.retention.years != new.retention.years:
            self.say(f"保存年限を{old.retention.years}年から{new.retention.years}年に変更")
        self.period()
        self.next_steps()
        self.documents()
        self.computed()
        self.outcomes()
        self.rules()

    def period(self) -> None:
        """受付期間 (valid_from / valid_until)."""
        before = period_text(self.old.valid_from, self.old.valid_until) or "期限なし"
        after = period_text(self.new.valid_from, self.new.valid_until) or "期限なし"
        if before != after:
            self.say(f"受付期間を「{before}」から「{after}」に変更")

    def next_steps(self) -> None:
        old, new = self.old.next_steps, self.new.next_steps
        if not isinstance(old, list) and not isinstance(new, list):
            self.text_change("送信後の流れ", old, new)
            return
        before, after = _steps(old), _steps(new)
        if _dump(before) == _dump(after):
            return
        old_texts = [describe.text(step.text) for step in before]
        new_texts = [describe.text(step.text) for step in after]
        for step in after:
            words = describe.text(step.text)
            if words not in old_texts:
                self.say(f"送信後の流れに「{_short(words)}」を追加" + self.when(step.show_if, self.new))
        for step in before:
            words = describe.text(step.text)
            if words not in new_texts:
                self.say(f"送信後の流れから「{_short(words)}」を削除")
        for step in after:
            words = describe.text(step.text)
            if words in old_texts:
                was = before[old_texts.index(words)]
                self.text_change(f"送信後の流れ「{_short(words)}」", was.text, step.text)
                self.condition_change(f"送信後の流れ「{_short(words)}」", was.show_if, step.show_if)
        kept_before = [w for w in old_texts if w in new_texts]
        kept_after = [w for w in new_texts if w in old_texts]
        if kept_before != kept_after:
            self.say("送信後の流れの段落の順番を変更")

    def when(self, cond, definition: FormDefinition, prefix: str = "表示条件") -> str:
        return "" if cond is None else f"（{prefix}: {describe.condition(cond, definition)}）"

    def documents(self) -> None:
        before = {describe.text(d.name): d for d in self.old.documents}
        after = {describe.text(d.name): d for d in self.new.documents}
        for name, document in after.items():
            if name not in before:
                self.say(f"必要な書類「{name}」（{describe.HOW_WORDS.get(document.how, document.how)}）を追加"
                         + self.when(document.show_if, self.new, "該当する場合"))
        for name in before:
            if name not in after:
                self.say(f"必要な書類「{name}」を削除")
        for name, document in after.items():
            was = before.get(name)
            if was is None:
                continue
            subject = f"必要な書類「{name}」"
            self.text_change(subject + "の名前", was.name, document.name)
            if was.how != document.how:
                self.say(f"{subject}の出し方を「{describe.HOW_WORDS.get(was.how, was.how)}」から"
                         f"「{describe.HOW_WORDS.get(document.how, document.how)}」に変更")
            self.text_change(subject + "の説明", was.note, document.note)
            self.condition_change(subject, was.show_if, document.show_if)

    def computed(self) -> None:
        before = {c.id: c for c in self.old.computed}
        after = {c.id: c for c in self.new.computed}
        for item in self.new.computed:
            if item.id not in before:
                self.say(f"計算値「{describe.text(item.label)}」を追加（{self.computed_words(item, self.new)}）"
                         + self.when(item.show_if, self.new))
        for item in self.old.computed:
            if item.id not in after:
                self.say(f"計算値「{describe.text(item.label)}」を削除")
        for item in self.new.computed:
            was = before.get(item.id)
            if was is None or _dump(was) == _dump(item):
                continue
            subject = f"計算値「{describe.text(item.label)}」"
            self.text_change(f"計算値「{describe.text(was.label)}」の名前", was.label, item.label)
            if _dump(was.expression) != _dump(item.expression):
                self.say(f"{subject}の計算を「{self.computed_words(was, self.old)}」から"
                         f"「{self.computed_words(item, self.new)}」に変更")
            self.text_change(subject + "の単位", describe.as_text(was.unit), describe.as_text(item.unit))
            was_places, places = was.places, item.places
            if was_places != places:
                self.say(f"{subject}の表示桁数を{_places(was_places)}から{_places(places)}に変更")
            was_role, role = was.role, item.role
            if was_role != role:
                self.say(f"{subject}の種類を「{ROLES.get(was_role, was_role)}」から「{ROLES.get(role, role)}」に変更")
            self.condition_change(subject, was.show_if, item.show_if)

    def computed_words(self, item, definition: FormDefinition) -> str:
        return describe.computed(item, definition)

    def outcomes(self) -> None:
        before = {o.id: o for o in self.old.outcomes}
        after = {o.id: o for o in self.new.outcomes}
        for item in after.values():
            if item.id not in before:
                extras = []
                if item.show_if is not None:
                    extras.append(f"必要になる条件: {describe.condition(item.show_if, self.new)}")
                if item.deadline:
                    extras.append(f"期限: {describe.computed_name(item.deadline, self.new)}")
                self.say(f"必要な手続き「{describe.text(item.title)}」を追加"
                         + (f"（{'、'.join(extras)}）" if extras else ""))
        for item in before.values():
            if item.id not in after:
                self.say(f"必要な手続き「{describe.text(item.title)}」を削除")
        for item in after.values():
            was = before.get(item.id)
            if was is None:
                continue
            subject = f"必要な手続き「{describe.text(item.title)}」"
            self.text_change(f"必要な手続き「{describe.text(was.title)}」の名前", was.title, item.title)
            self.text_change(subject + "の説明", was.body, item.body)
            if _dump(was.show_if) != _dump(item.show_if):
                if item.show_if is None:
                    self.say(f"{subject}を全員に表示するように変更（変更前の条件: "
                             f"{describe.condition(was.show_if, self.old)}）")
                else:
                    self.say(f"{subject}が必要になる条件を変更（変更後: {describe.condition(item.show_if, self.new)}）")
            if was.deadline != item.deadline:
                before_words = describe.computed_name(was.deadline, self.old) if was.deadline else "なし"
                after_words = describe.computed_name(item.deadline, self.new) if item.deadline else "なし"
                self.say(f"{subject}の期限を「{before_words}」から「{after_words}」に変更")
        order_before = [key for key in before if key in after]
        order_after = [key for key in after if key in before]
        if order_before != order_after:
            self.say("必要な手続きの順番を変更")

    def rules(self) -> None:
        before = {r.id: r for r in self.old.rules}
        after = {r.id: r for r in self.new.rules}
        for rule in self.new.rules:
            if rule.id not in before:
                self.say(f"ルール「{describe.text(rule.message)}」を追加（{self.rule_words(rule, self.new)}）")
        for rule in self.old.rules:
            if rule.id not in after:
                self.say(f"ルール「{describe.text(rule.message)}」を削除")
        for rule in self.new.rules:
            was = before.get(rule.id)
            if was is None or _dump(was) == _dump(rule):
                continue
            subject = f"ルール「{describe.text(rule.message)}」"
            self.text_change(f"ルール「{describe.text(was.message)}」のメッセージ", was.message, rule.message)
            if _dump(was.when) != _dump(rule.when) or _dump(was.check) != _dump(rule.check) \
                    or was.for_each != rule.for_each:
                self.say(f"{subject}の内容を「{self.rule_words(was, self.old)}」から"
                         f"「{self.rule_words(rule, self.new)}」に変更")
            if was.field != rule.field:
                self.say(f"{subject}のメッセージを表示する項目を「{self.field_label(was.field, self.old)}」から"
                         f"「{self.field_label(rule.field, self.new)}」に変更")

    def rule_words(self, rule, definition: FormDefinition) -> str:
        return describe.rule(rule, definition)

    def field_label(self, field_id: str, definition: FormDefinition) -> str:
        spec = definition.field_by_id(field_id)
        return describe.text(spec.label) if spec is not None and spec.label else field_id

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
                    self.repeat_change(name, was, now)

    def repeat_change(self, name: str, was, now) -> None:
        subject = f"ページ「{name}」"
        if (was.min, was.max) != (now.min, now.max):
            self.say(f"{subject}の繰り返しの設定を変更（{was.min}〜{was.max}件から{now.min}〜{now.max}件へ）")
        self.text_change(f"{subject}の1件の呼び方", was.item_label, now.item_label)
        if was.summary_field != now.summary_field:
            before = self.field_label(was.summary_field, self.old) if was.summary_field else "なし"
            after = self.field_label(now.summary_field, self.new) if now.summary_field else "なし"
            self.say(f"{subject}の一覧に表示する項目を「{before}」から「{after}」に変更")
        was_from, now_from = was.first_item_from or {}, now.first_item_from or {}
        if was_from != now_from:
            if now_from:
                pairs = "、".join(f"「{self.field_label(item, self.new)}」←「{self.field_label(source, self.new)}」"
                                  for item, source in now_from.items())
                self.say(f"{subject}の1件目に前の回答を入れる設定を{'変更' if was_from else '追加'}（{pairs}）")
            else:
                self.say(f"{subject}の1件目に前の回答を入れる設定を削除")
        was_per, now_per = was.per, now.per
        if was_per != now_per:
            if now_per:
                self.say(f"{subject}を「{describe.page_name(self.new, now_per)}」の各件ごとに繰り返すように変更")
            else:
                parent = describe.page_name(self.old, str(was_per))
                self.say(f"{subject}を「{parent}」の各件ごとに繰り返さないように変更")

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

    def blocks(self) -> None:
        """Shared blocks (``use:``) added to or removed from a page: one sentence each."""
        before = {use.key: use for use in self.old_blocks}
        after = {use.key: use for use in self.new_blocks}
        for key, use in after.items():
            if key not in before:
                prefix = f"、IDの接頭辞「{use.prefix}」" if use.prefix else ""
                self.say(f"ページ「{describe.page_name(self.new, use.page)}」に共通ブロック「{block_title(use.block)}」"
                         f"（{len(use.field_ids)}項目{prefix}）を追加")
        for key, use in before.items():
            if key not in after:
                self.say(f"ページ「{describe.page_name(self.old, use.page)}」から共通ブロック"
                         f"「{block_title(use.block)}」（{len(use.field_ids)}項目）を削除")

    def block_subject(self, field_id: str) -> str:
        """「共通ブロック『申請者』の」 for a question a block brought in, else nothing."""
        use = self.new_block_of.get(field_id) or self.old_block_of.get(field_id)
        if use is None:
            return ""
        if use.block not in self.block_titles:
            self.block_titles[use.block] = block_title(use.block)
        return f"共通ブロック「{self.block_titles[use.block]}」の"

    def fields(self) -> None:
        old_fields = {spec.id: spec for spec in self.old.all_fields()}
        new_fields = {spec.id: spec for spec in self.new.all_fields()}
        old_uses = {use.key for use in self.old_blocks}
        new_uses = {use.key for use in self.new_blocks}
        for page in self.new.pages:
            for spec in page.fields:
                if spec.id not in old_fields:
                    use = self.new_block_of.get(spec.id)
                    if use is not None and use.key not in old_uses:
                        continue  # the block was added: said once by blocks()
                    self.say(f"ページ「{describe.text(page.title)}」に{self.block_subject(spec.id)}項目"
                             f"「{self.field_name(spec)}」（{describe.type_name(spec.type)}）を追加")
        for spec in self.old.all_fields():
            if spec.id not in new_fields:
                use = self.old_block_of.get(spec.id)
                if use is not None and use.key not in new_uses:
                    continue
                self.say(f"{self.block_subject(spec.id)}項目「{self.field_name(spec)}」を削除")
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
        block = self.block_subject(new.id)
        subject = f"{block}項目「{name}」"
        if old.type != new.type:
            self.say(f"{subject}の種類を「{describe.type_name(old.type)}」から「{describe.type_name(new.type)}」に変更")
        self.text_change(f"{block}項目「{self.field_name(old)}」のラベル", old.label, new.label)
        self.text_change(f"{subject}のヒント", old.hint, new.hint)
        old_required_if, new_required_if = old.required_if, new.required_if
        if old.required != new.required and new.has_answer and old_required_if is None and new_required_if is None:
            self.say(f"{subject}を{'必須' if new.required else '任意'}に変更")
        if _dump(old_required_if) != _dump(new_required_if):
            if old_required_if is None:
                self.say(f"{subject}を条件つきで必須に変更（必須になる条件: "
                         f"{describe.condition(new_required_if, self.new)}）")
            elif new_required_if is None:
                self.say(f"{subject}の必須になる条件をなくし、{'必須' if new.required else '任意'}に変更"
                         f"（削除前: {describe.condition(old_required_if, self.old)}）")
            else:
                self.say(f"{subject}の必須になる条件を変更（変更前: {describe.condition(old_required_if, self.old)}／"
                         f"変更後: {describe.condition(new_required_if, self.new)}）")
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
            before_words, after_words = _option_words(new, key, before), _option_words(new, key, after)
            if before is None:
                self.say(f"{subject}に{what}「{after_words}」を設定")
            elif after is None:
                self.say(f"{subject}の{what}「{before_words}」をなくしました")
            else:
                self.say(f"{subject}の{what}を「{before_words}」から「{after_words}」に変更")

    def choices(self, subject: str, old: ChoiceSpec, new: ChoiceSpec) -> None:
        if old.choice_list != new.choice_list and new.choice_list:
            self.say(f"{subject}の選択肢を共通の一覧「{new.choice_list}」に変更")
        before = {c.value: c for c in old.all_choices()}
        after = {c.value: c for c in new.all_choices()}
        if old.choice_list is not None and old.choice_list == new.choice_list:
            # The same list with other omit_choices: say so, rather than "added"/"removed".
            left_out = [before.pop(v) for v in (new.omit_choices or []) if v in before and v not in after]
            taken_back = [after.pop(v) for v in (old.omit_choices or []) if v in after and v not in before]
            for choices, how in ((left_out, "使わない"), (taken_back, "使う")):
                if choices:
                    names = "".join(f"「{describe.text(choice.label)}」" for choice in choices)
                    self.say(f"{subject}で、一覧「{new.choice_list}」の選択肢{names}を{how}ように変更")
        for value, choice in after.items():
            if value not in before:
                exclusive = "（他と同時に選べない）" if choice.exclusive else ""
                self.say(f"{subject}に選択肢「{describe.text(choice.label)}」{exclusive}を追加")
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
            was_exclusive, now_exclusive = was.exclusive, choice.exclusive
            if was_exclusive != now_exclusive:
                if now_exclusive:
                    self.say(f"{subject}の選択肢「{describe.text(choice.label)}」を、他の選択肢と同時に選べない"
                             "選択肢（該当なし）に変更")
                else:
                    self.say(f"{subject}の選択肢「{describe.text(choice.label)}」を、他の選択肢と同時に選べる"
                             "ように変更")
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


def _page_fields(before: FormDefinition, after: FormDefinition) -> list[FieldSpec]:
    """The questions of the pages ``before`` has and ``after`` does not."""
    kept = {page.id for page in after.pages}
    return [spec for page in before.pages if page.id not in kept for spec in page.fields]


def _about_fields(sentence: str, fields: list[FieldSpec], ending: str) -> bool:
    """Whether ``sentence`` is the removal (or addition) of one of ``fields``."""
    return sentence.endswith(ending) and any(
        f"項目「{describe.text(spec.label) if spec.label else spec.id}」" in sentence for spec in fields)


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


def _option_words(spec: FieldSpec, key: str, value: Any) -> str:
    """An option's value in words: file kinds by their names, check_digit by what it checks."""
    option = admin_options(type(spec)).get(key)
    if option is not None and option.kind == "accept" and isinstance(value, list):
        names = dict(option.choices)
        return "、".join(names.get(str(item), str(item)) for item in value)
    if isinstance(value, str) and value in describe.LITERAL_WORDS:
        return describe.LITERAL_WORDS[value]
    return describe.value_words(value)


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


def _steps(value: Any) -> list:
    """next_steps as a list of paragraphs (a plain Text is one, always shown)."""
    if isinstance(value, list):
        return value
    return [_Step(value, None)] if value is not None else []


@dataclass(frozen=True)
class _Step:
    text: Any
    show_if: Any

    def model_dump(self, **_: Any) -> Any:
        return {"text": _dump(self.text), "show_if": _dump(self.show_if)}


def _short(words: str, limit: int = 30) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[:limit] + "…"


def _places(value: int | None) -> str:
    return "計算結果のまま" if value is None else f"小数点以下{value}桁"
