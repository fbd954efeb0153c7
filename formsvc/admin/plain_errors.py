"""A refused definition's errors in plain words, for the structured editor.

The checker locates each error by a path in the YAML (``pages[13].fields[0].show_if.equals``)
and often names questions and pages by their ids. An administrator who edits through forms
knows neither: here every path becomes words (the page's title, the question's label, the
choice's label, the option's name from its AdminOption), ids in the message become the titles
and labels they stand for, and a list of choice values becomes their labels. Which control of
the screen an error belongs to is decided from the same path (``control_for``).

The YAML editor keeps its lines and columns (formsvc.admin.views.located); nothing here is
shown there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from formsvc.admin import describe, editing
from formsvc.admin.diff import block_title
from formsvc.definitions.errors import DefinitionError
from formsvc.definitions.schema import FormDefinition
from formsvc.definitions.yaml_source import Path, SourceMap, YamlSyntaxError, parse
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import admin_options

# The definition's own parts (top-level keys), as the editor's screens call them.
TOP = {
    "id": "手続きID", "title": "手続き名", "description": "手続きの説明", "department": "担当課",
    "declaration": "申請時の確認の文", "next_steps": "送信後の流れ", "fee": "手数料",
    "valid_from": "受付開始日", "valid_until": "受付終了日", "retention": "保存期間",
    "documents": "必要な書類", "computed": "計算値", "rules": "ルール（回答の確認）",
    "outcomes": "あなたに必要な手続き", "outcomes_title": "案内の見出し", "choice_lists": "選択肢の一覧",
    "channels": "窓口用の設定", "pages": "ページ", "authentication": "本人確認",
    "eligibility": "対象となる方", "life_events": "ライフイベント", "contact": "問い合わせ先",
}
# Keys inside a page, a question or another part.
KEYS = {
    "title": "見出し", "label": "質問", "hint": "説明", "description": "説明", "name": "名前",
    "show_if": "表示条件", "required_if": "必須になる条件", "required": "必須かどうか",
    "choices": "選択肢", "choice_list": "選択肢の一覧", "omit_choices": "出さない選択肢",
    "amount": "金額", "message": "メッセージ", "text": "文", "repeat": "繰り返しの設定",
    "fields": "質問", "id": "ID", "type": "種類", "kind": "ページの種類", "value": "値",
    "use": "共通ブロック", "prefix": "IDの頭につける文字", "omit": "出さない質問", "how": "出し方",
    "field": "質問", "ja": "日本語", "en": "英語", "phone": "電話番号", "email": "メールアドレス",
    "years": "年数", "since": "起算日", "deadline": "期限", "role": "役割", "unit": "単位",
}
# The top-level lists whose items name themselves (by the first of these keys written).
_LISTS = {"pages": ("title",), "computed": ("label", "title"), "documents": ("name",),
          "outcomes": ("title",), "rules": ("message",), "next_steps": ("text",)}
# The keys of a condition that hold the value it compares with.
OPERATORS = {"equals", "not_equals", "one_of", "none_of", "contains", "gte", "gt", "lte", "lt",
             "before", "after", "on_or_before", "on_or_after", "matches", "between"}
CONDITIONS = {"show_if", "required_if", "when"}

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# A path written inside a message ("項目 pages[1].fields[0] のID").
_INNER_PATH = re.compile(r"(?:項目|ページ)\s*(pages\[\d+\](?:\.fields\[\d+\])?)")
_NAMED = re.compile(r"(項目|ページ|computed|計算値)\s*'([^'\n]{1,200})'")
_SUBJECT = re.compile(r"項目 '([^'\n]+)'|^'([^'\n]+)' の選択肢")
_ALLOWED = re.compile(r"使える値: (.+?)(?=$|。)")
_CHOICE_VALUE = re.compile(r"^'([^'\n]+)' は項目 '[^'\n]+' の選択肢にありません")
_TYPED = re.compile(r"(?<![\w(])(" + "|".join(sorted(REGISTRY, key=len, reverse=True)) + r") ?項目")
_QUOTED = re.compile(r"'([^'\n]{0,200})'")
# (Japanese words) written half-width; not a bracket quoted as itself (「(」が閉じていません).
_HALF_PARENS = re.compile(r" ?(?<!「)\(([^()]*[^()\x00-\x7f][^()]*)\)(?!」)")
# The loader's list of the shapes a value may take (pydantic's union members, some of them its
# internal names: function-after[...], CountRef …): told in plain words.
_SHAPES = re.compile(r"使える形: (.+?)(?=$|。)")
_SHAPE_WORDS = (
    (re.compile(r"整数|^int$"), "整数"), (re.compile(r"数値|^float$"), "数"),
    (re.compile(r"日付|^date$"), "日付"), (re.compile(r"days_from_today|DateOffset"), "今日から数えた日数"),
    (re.compile(r"FieldRef|\{field:"), "別の質問の回答"), (re.compile(r"CountRef|\{count:"), "繰り返しの件数"),
    (re.compile(r"ComputedRef|\{computed:"), "計算値"), (re.compile(r"文字列|^str$"), "文字"),
    (re.compile(r"true|^bool$"), "はい／いいえ（true / false）"), (re.compile(r"リスト|list"), "一覧（[ ]）"),
)
# A space before Japanese words (after Japanese words or a word like ID).
_JAPANESE_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])|(?<=[A-Za-z0-9]) (?=[^\x00-\x7f])")
_BLOCK_PREFIX = re.compile(r"^共通ブロック \([^()]*?:\d+:\d+(?: [^()]*)?\): ")


def parse_path(text: str) -> Path:
    """``pages[2].fields[0].type`` as ("pages", 2, "fields", 0, "type")."""
    return tuple(int(index) if index else key for key, index in _PATH_PART.findall(text))


@dataclass(frozen=True)
class PlainError:
    """One error in words: where it is (empty: the whole procedure) and what is wrong."""

    where: str
    message: str
    path: Path  # where it is written in the definition (empty when not known)
    english: bool = False  # a missing English text (shown beside the English input)

    @property
    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Namer:
    """Words for the places and names of one (refused) definition text; ``fallback`` is the
    definition as it was before the change (for questions that come from shared blocks)."""

    def __init__(self, text: str, fallback: FormDefinition | None = None):
        self.source: SourceMap | None
        try:
            data, self.source, _ = parse(text)
        except YamlSyntaxError:
            data, self.source = {}, None
        self.data: dict = data if isinstance(data, dict) else {}
        self.fallback = fallback

    # --- names of things ---------------------------------------------------------------------

    def _pages(self) -> list[Any]:
        pages = self.data.get("pages")
        return pages if isinstance(pages, list) else []

    def _raw_fields(self) -> Iterable[dict]:
        for page in self._pages():
            if isinstance(page, dict) and isinstance(page.get("fields"), list):
                yield from (item for item in page["fields"] if isinstance(item, dict))

    def question_name(self, field_id: str) -> str:
        for raw in self._raw_fields():
            if raw.get("id") == field_id:
                return self._question_words(raw)
        spec = self.fallback.field_by_id(field_id) if self.fallback is not None else None
        if spec is not None and spec.label:
            return f"質問「{spec.label.ja}」"
        return "質問"

    def page_name(self, page_id: str) -> str:
        for page in self._pages():
            if isinstance(page, dict) and page.get("id") == page_id:
                return f"ページ「{_ja(page.get('title'))}」"
        page_spec = self.fallback.page_by_id(page_id) if self.fallback is not None else None
        return f"ページ「{page_spec.title.ja}」" if page_spec is not None else "ページ"

    def computed_name(self, computed_id: str) -> str:
        for item in self.data.get("computed") or []:
            if isinstance(item, dict) and item.get("id") == computed_id:
                return f"計算値「{_ja(item.get('label')) or _ja(item.get('title'))}」"
        return "計算値"

    def choice_labels(self, field_id: str) -> dict[str, str]:
        """value -> Japanese label of a question's choices (as written, else as before)."""
        labels: dict[str, str] = {}
        for raw in self._raw_fields():
            if raw.get("id") == field_id:
                choices = raw.get("choices")
                if not isinstance(choices, list) and isinstance(raw.get("choice_list"), str):
                    choices = (self.data.get("choice_lists") or {}).get(raw["choice_list"])
                for choice in choices if isinstance(choices, list) else []:
                    if isinstance(choice, dict):
                        labels[str(choice.get("value"))] = _ja(choice.get("label")) or str(choice.get("value"))
                    else:
                        labels[str(choice)] = str(choice)
        spec = self.fallback.field_by_id(field_id) if self.fallback is not None else None
        if not labels and spec is not None and hasattr(spec, "all_choices"):
            labels = self.choice_labels_before(field_id)
        return labels

    def choice_labels_before(self, field_id: str) -> dict[str, str]:
        """value -> label of a question's choices before the change (a choice just removed)."""
        spec = self.fallback.field_by_id(field_id) if self.fallback is not None else None
        try:
            return {choice.value: choice.label.ja for choice in spec.all_choices()} \
                if spec is not None and hasattr(spec, "all_choices") else {}
        except LookupError:
            return {}

    def is_question(self, field_id: str) -> bool:
        if any(raw.get("id") == field_id for raw in self._raw_fields()):
            return True
        return self.fallback is not None and self.fallback.field_by_id(field_id) is not None

    def _question_words(self, raw: dict) -> str:
        label = _ja(raw.get("label"))
        if label:
            return f"質問「{label}」"
        if "use" in raw:
            return f"共通ブロック「{block_title(str(raw['use']))}」"
        return "見出しのない説明文"

    # --- places ------------------------------------------------------------------------------

    def where(self, path: Path) -> str:
        """The place ``path`` names, in words (「ページ「申請者」の質問「氏名」の表示条件の値」)."""
        words: list[str] = []
        node: Any = self.data
        field_type: str | None = None
        in_condition = False
        for index, part in enumerate(path):
            parent = path[index - 1] if index else None
            child = node[part] if _has(node, part) else None
            if in_condition and (isinstance(part, int) or part in ("all", "any", "not")):
                pass  # the parts of a combined condition: the condition is named already
            elif isinstance(part, int):
                words.append(self._item_words(parent, part, child))
            elif index == 0:
                following = path[1] if len(path) > 1 else None
                if not (isinstance(following, int) and part in _LISTS):
                    words.append(TOP.get(part, part))
            elif in_condition:
                if part in OPERATORS:
                    words.append("値")
                elif part == "field":
                    words.append("質問")
            elif part in CONDITIONS:
                in_condition = True
                words.append(KEYS[part])
            elif field_type is not None and part in _options(field_type):
                words.append(_options(field_type)[part])
            elif part in ("fields", "choices", "pages"):
                pass  # the item that follows names itself
            elif part in ("ja",):
                pass
            elif part == "label" and index >= 2 and path[index - 2] == "choices":
                words.append("ラベル")
            elif part in KEYS:
                words.append(KEYS[part])
            else:
                break  # inside an expression or a setting without a form: the place named so far
            if isinstance(child, dict) and parent == "fields" and isinstance(part, int):
                field_type = str(child.get("type")) if "use" not in child else None
            node = child
        return "の".join(word for word in words if word)

    def _item_words(self, parent: Any, index: int, item: Any) -> str:
        if parent == "pages":
            title = _ja(item.get("title")) if isinstance(item, dict) else ""
            return f"ページ「{title}」" if title else f"{index + 1}番目のページ"
        if parent == "fields":
            return self._question_words(item) if isinstance(item, dict) else f"{index + 1}番目の質問"
        if parent == "choices":
            label = _ja(item.get("label")) if isinstance(item, dict) else str(item or "")
            return f"選択肢「{label}」" if label else f"{index + 1}番目の選択肢"
        if parent in _LISTS and isinstance(item, dict):
            name = next((_ja(item.get(key)) for key in _LISTS[parent] if _ja(item.get(key))), "")
            if name:
                return f"{TOP[str(parent)]}「{name[:30]}{'…' if len(name) > 30 else ''}」"
        if parent in _LISTS:
            return f"{TOP[str(parent)]}の{index + 1}番目"
        return f"{index + 1}番目"

    def use_at(self, line: int, column: int) -> Path:
        """The `use:` item written at line:column (an error of a shared block is placed there)."""
        if self.source is None:
            return ()
        for path, position in self.source.keys.items():
            if path and path[-1] == "use" and (position.line, position.column) == (line, column):
                return path[:-1]
        return ()

    # --- messages ----------------------------------------------------------------------------

    def field_type(self, path: Path) -> str | None:
        """The type of the question ``path`` is in, as written (None: not in a question)."""
        if len(path) >= 4 and path[0] == "pages" and path[2] == "fields":
            pages = self._pages()
            page = pages[path[1]] if isinstance(path[1], int) and path[1] < len(pages) else None
            fields = page.get("fields") if isinstance(page, dict) else None
            if isinstance(fields, list) and isinstance(path[3], int) and path[3] < len(fields):
                raw = fields[path[3]]
                return str(raw.get("type")) if isinstance(raw, dict) and "type" in raw else None
        return None

    def message(self, text: str, field_type: str | None = None) -> str:
        """The checker's message with ids and paths replaced by what they name (and, for a
        question of ``field_type``, its options' keys by their names)."""
        text = _SHAPES.sub(_plain_shapes, text)
        subject = _SUBJECT.search(text)
        subject_id = (subject.group(1) or subject.group(2)) if subject else None
        value = _CHOICE_VALUE.match(text)
        if value is not None and subject_id is not None:
            label = self.choice_labels(subject_id).get(value.group(1)) or self.choice_labels_before(subject_id).get(
                value.group(1))
            if label:
                text = f"'{label}'{text[value.end(1) + 1:]}"
        if field_type is not None:
            for key, name in _options(field_type).items():
                text = re.sub(rf"(?<![\w.]){re.escape(key)}(?![\w:])", f"「{name}」", text)
        text = _BLOCK_PREFIX.sub("共通ブロックの中の設定: ", text)
        text = _INNER_PATH.sub(lambda match: self.where(parse_path(match.group(1))), text)

        def named(match: re.Match[str]) -> str:
            kind, name = match.group(1), match.group(2)
            if kind == "項目":
                return self.question_name(name)
            if kind == "ページ":
                return self.page_name(name)
            return self.computed_name(name)

        text = _NAMED.sub(named, text)
        if subject_id is not None:
            labels = self.choice_labels(subject_id)
            if labels:
                def allowed(match: re.Match[str]) -> str:
                    values = [value.strip() for value in match.group(1).split(",")]
                    return "選べる値: " + "、".join(labels.get(value, value) for value in values)

                text = _ALLOWED.sub(allowed, text)
        text = _TYPED.sub(lambda match: f"「{describe.type_name(match.group(1))}」の質問", text)

        def quoted(match: re.Match[str]) -> str:
            name = match.group(1)
            if not text[:match.start()].endswith(("ID ", "ID")) and self.is_question(name):
                return self.question_name(name)
            return f"「{name}」"

        text = _QUOTED.sub(quoted, text)
        text = _HALF_PARENS.sub(lambda match: f"（{match.group(1).strip()}）", text)
        return _JAPANESE_GAP.sub("", text)


def _plain_shapes(match: re.Match[str]) -> str:
    """The loader's 「使える形: 整数、CountRef、…」 in words; a shape without words is left out."""
    words = []
    for shape in re.split(r"、(?![^\[\]]*\])", match.group(1)):
        found = next((name for pattern, name in _SHAPE_WORDS if pattern.search(shape.strip())), None)
        if found is not None and found not in words:
            words.append(found)
    return "次のどれかで書いてください: " + "、".join(words) if words else "書き方を確かめてください"


def describe_errors(errors: list[DefinitionError], text: str, fallback: FormDefinition | None = None,
                    english: str = "") -> list[PlainError]:
    """Each error of ``text`` in words (``english``: the message of a missing translation)."""
    namer = Namer(text, fallback)
    described = []
    for error in errors:
        path = parse_path(error.path) if error.path else namer.use_at(error.line, error.column)
        missing_english = bool(english) and error.message == english
        message = error.message if missing_english else namer.message(error.message, namer.field_type(path))
        described.append(PlainError(namer.where(path), message, path, english=missing_english))
    return described


# --- which control an error belongs to ---------------------------------------------------------

# (path after the edited thing, the inputs that may show it, first present wins).
CONTROLS: tuple[tuple[Path, tuple[str, ...]], ...] = (
    (("title",), ("title_ja", "page_title_ja")),
    (("description",), ("description_ja",)),
    (("department",), ("department",)),
    (("valid_from",), ("valid_from",)),
    (("valid_until",), ("valid_until",)),
    (("fee", "description"), ("fee_description",)),
    (("fee",), ("fee_amount", "fee_kind")),
    (("id",), ("page_id", "field_id")),
    (("type",), ("field_type",)),
    (("label",), ("label_ja",)),
    (("hint",), ("hint_ja",)),
    (("choices",), ("choices",)),
    (("required",), ("required_answer",)),
    (("pattern", "message"), ("option_pattern_message",)),
    (("pattern",), ("option_pattern_regex",)),
)


def control_for(path: Path, at: Path, names: Iterable[str], content_key: str | None = None) -> str | None:
    """The input (of ``names``, the screen's form) that edits what ``path`` names, when ``path``
    lies inside the thing the screen edits (``at``: () for the procedure, a page's or a question's
    path); None when no input of the screen edits it."""
    present = set(names)
    if path[:len(at)] != at or len(path) == len(at):
        return None
    rest = path[len(at):]
    if rest[0] in CONDITIONS:
        if len(rest) > 1 and rest[-1] == "field":
            wanted: tuple[str, ...] = ("condition_field", "condition_mode")
        elif any(part in OPERATORS for part in rest if isinstance(part, str)):
            wanted = ("condition_value", "condition_field", "condition_mode")
        else:
            wanted = ("condition_mode", "condition_field")
        return next((name for name in wanted if name in present), None)
    if content_key is not None and rest[0] == content_key and "content" in present:
        return "content"
    for prefix, candidates in CONTROLS:
        if rest[:len(prefix)] == prefix:
            found = next((name for name in candidates if name in present), None)
            if found is not None:
                return found
    option = f"option_{rest[0]}"
    return option if option in present else None


def _options(field_type: str) -> dict[str, str]:
    model = REGISTRY.get(field_type)
    if model is None:
        return {}
    return {key: option.name for key, option in admin_options(model).items()}


def _ja(value: Any) -> str:
    return editing.text_parts(value)[0].strip()


def _has(node: Any, part: str | int) -> bool:
    if isinstance(part, int):
        return isinstance(node, list) and 0 <= part < len(node)
    return isinstance(node, dict) and part in node
