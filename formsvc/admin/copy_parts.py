"""Parts of a definition a copy may leave out (複製するときに残す部分), and the text edits that do it.

Copying a procedure asks which parts to keep: the pages and questions always stay; the fee,
documents, what happens after sending, rules, computed values, the English texts, the YAML's
comments and the counter's settings (channels) may be left out. Every edit works on the YAML
text (formsvc.admin.yaml_edit), so what is kept keeps its comments and layout. A part that the
rest still needs (a computed value read by the fee or a condition) is refused with a message
in Japanese (``PartRefused``), never dropped into an invalid definition.

``strip_english`` is also how a template of the gallery (formsvc.admin.gallery) loses its
English when a procedure is created without an English title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from formsvc.admin import yaml_edit

# What replaces next_steps (required) when 送信後の流れ is left out.
PLAIN_NEXT_STEPS = {"ja": "審査の後、結果をお知らせします。", "en": "We will let you know the result after the review."}


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    hint: str
    kept_by_default: bool = True


PARTS: tuple[Part, ...] = (
    Part("fee", "手数料", "手数料の金額・説明・支払い方法"),
    Part("documents", "必要な書類", "持参・添付する書類の一覧"),
    Part("next_steps", "送信後の流れ", "「このあとの流れ」と、回答から分かる必要な手続きの案内。"
         "外すと「審査の後、結果をお知らせします。」だけになります"),
    Part("rules", "ルール", "複数の回答を照らし合わせる確認（例: 完了日は開始日以降）"),
    Part("computed", "計算した値", "確認画面に出す計算結果（補助金の見込み額など）"),
    Part("channels", "窓口用の設定", "窓口（書かない窓口）で省略するページ・職員向けの文言"),
    Part("english", "英語の訳",
         "英語で申請できるようにする訳。新しい手続きの英語は書き直しが必要なため、既定では外します。"
         "英語の手続き名を入力したときは、チェックがなくても残します", kept_by_default=False),
    Part("comments", "YAMLのコメント", "定義ファイルに書かれた作成者向けのメモ（# で始まる行）。既定では外します",
         kept_by_default=False),
)
PART_KEYS = frozenset(part.key for part in PARTS)
LABELS = {part.key: part.label for part in PARTS}
DEFAULT_KEPT = tuple(part.key for part in PARTS if part.kept_by_default)

# Where a reference to a computed value sits, in words (the top-level key of the definition).
_PLACES = {"fee": "手数料", "documents": "必要な書類", "next_steps": "送信後の流れ", "outcomes": "送信後の流れ",
           "rules": "ルール", "channels": "窓口用の設定", "pages": "ページ"}


class PartRefused(Exception):
    """A part cannot be left out (the message says why and what to do, in Japanese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the whole copy -------------------------------------------------------------------------------

def leave_out(text: str, kept: Iterable[str], english_title: bool = False) -> str:
    """``text`` without the parts not in ``kept`` (the comments excepted: ``strip_comments``
    goes last, after the copy has been checked, so that errors point at the source's lines).
    ``english_title``: the copy keeps an English title (next_steps' replacement gets English)."""
    kept = set(kept)
    data = yaml_edit.load(text)
    if not isinstance(data, dict):
        return text
    try:
        if "fee" not in kept:
            text = yaml_edit.delete_key(text, ("fee",))
        if "documents" not in kept:
            text = _delete_everywhere(text, data, "documents")
        if "next_steps" not in kept:
            plain = PLAIN_NEXT_STEPS if english_title and "english" in kept else PLAIN_NEXT_STEPS["ja"]
            if "next_steps" in data:
                text = yaml_edit.set_value(text, ("next_steps",), plain)
            for key in ("outcomes", "outcomes_title"):
                text = yaml_edit.delete_key(text, (key,))
            text = _delete_in_channels(text, data, "next_steps")
        if "rules" not in kept:
            text = _delete_everywhere(text, data, "rules")
        if "channels" not in kept:
            text = yaml_edit.delete_key(text, ("channels",))
        if "computed" not in kept:
            text = _without_computed(text)
        text = _drop_empty_channels(text)
        if "english" not in kept:
            text = strip_english(text)
    except yaml_edit.EditError as error:
        raise PartRefused(f"選んだ部分を外せませんでした: {error.message}") from None
    return text


def _delete_everywhere(text: str, data: dict, key: str) -> str:
    text = yaml_edit.delete_key(text, (key,))
    return _delete_in_channels(text, data, key)


def _delete_in_channels(text: str, data: dict, key: str) -> str:
    channels = data.get("channels")
    if not isinstance(channels, dict):
        return text
    current = yaml_edit.load(text)
    if not isinstance(current, dict) or not isinstance(current.get("channels"), dict):
        return text  # the channels themselves were left out
    for name, settings in channels.items():
        if isinstance(settings, dict) and key in settings:
            text = yaml_edit.delete_key(text, ("channels", name, key))
    return text


def _drop_empty_channels(text: str) -> str:
    data = yaml_edit.load(text)
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        return text
    for name, settings in channels.items():
        if not settings:
            text = yaml_edit.delete_key(text, ("channels", name))
    data = yaml_edit.load(text)
    if not data.get("channels"):
        text = yaml_edit.delete_key(text, ("channels",))
    return text


def _without_computed(text: str) -> str:
    data = yaml_edit.load(text)
    if not isinstance(data, dict) or not data.get("computed"):
        return yaml_edit.delete_key(text, ("computed",)) if isinstance(data, dict) else text
    names = {entry.get("id") for entry in data["computed"] if isinstance(entry, dict)}
    users: dict[str, list[str]] = {}
    for key, value in data.items():
        if key == "computed":
            continue
        for found in _computed_references(value, key == "outcomes"):
            if found in names:
                label = f"「{_computed_label(data, found)}」"
                place = users.setdefault(_place(key, value, found), [])
                if label not in place:
                    place.append(label)
    if users:
        shown = "、".join(f"{place}が{''.join(labels)}を" for place, labels in users.items())
        raise PartRefused(
            f"「計算した値」は外せません: {shown}使っています。"
            "「計算した値」も残すか、複製した後にその部分を直してから計算した値を削除してください")
    return yaml_edit.delete_key(text, ("computed",))


def _computed_references(value: Any, outcomes: bool) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key == "computed" or (outcomes and key == "deadline")):
                yield item
            else:
                yield from _computed_references(item, outcomes)
    elif isinstance(value, list):
        for item in value:
            yield from _computed_references(item, outcomes)


def _place(key: str, value: Any, name: str) -> str:
    """Where the computed value ``name`` is read, in words (「手数料」, 「ページ「学年」」)."""
    if key == "pages" and isinstance(value, list):
        for page in value:
            if isinstance(page, dict) and name in set(_computed_references(page, False)):
                return f"ページ「{_ja(page.get('title')) or page.get('id')}」"
    return _PLACES.get(key, key)


def _computed_label(data: dict, name: str) -> str:
    for entry in data.get("computed") or []:
        if isinstance(entry, dict) and entry.get("id") == name:
            return _ja(entry.get("label")) or name
    return name


def _ja(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("ja") or "")
    return str(value) if value is not None else ""


# --- English ----------------------------------------------------------------------------------

def has_english(text: str) -> bool:
    return any(True for _ in _english_texts(yaml_edit.load(text), ()))


def strip_english(text: str) -> str:
    """Every text written {ja, en} becomes its Japanese alone."""
    data = yaml_edit.load(text)
    texts = list(_english_texts(data, ()))
    if not texts:
        return text
    expected = _japanese_only(data)
    quick = _spliced(text)
    if quick is not None and yaml_edit.load(quick) == expected:
        return quick
    # Anchors, tags or comments in odd places: one careful edit per text (slower, always right).
    for path, japanese in texts:
        text = yaml_edit.set_value(text, path, japanese)
    return text


def _japanese_only(value: Any) -> Any:
    if isinstance(value, dict):
        keys = set(value)
        if "en" in keys and "ja" in keys and keys <= {"ja", "en"}:
            return value["ja"]
        return {key: _japanese_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_japanese_only(item) for item in value]
    return value


def _is_text(node: Node) -> bool:
    if not isinstance(node, MappingNode):
        return False
    keys = [key.value for key, _ in node.value if isinstance(key, ScalarNode)]
    return len(keys) == len(node.value) and "ja" in keys and "en" in keys and set(keys) <= {"ja", "en"} \
        and all(isinstance(value, ScalarNode) for _, value in node.value)


def _spliced(text: str) -> str | None:
    """Every {ja, en} replaced by its Japanese in one pass over the text (None: not that simple)."""
    root = yaml_edit.compose(text)
    splices: list[tuple[int, int, str]] = []

    def visit(node: Node, key: Node | None) -> bool:
        if _is_text(node):
            assert isinstance(node, MappingNode)
            japanese = next(value for name, value in node.value if name.value == "ja")
            if japanese.tag != "tag:yaml.org,2002:str":
                return False
            found = _splice(text, node, key, japanese.value)
            if found is None:
                return False
            splices.append(found)
            return True
        if isinstance(node, MappingNode):
            return all(visit(value, name) for name, value in node.value)
        if isinstance(node, SequenceNode):
            return all(visit(item, None) for item in node.value)
        return True

    if root is None or not visit(root, None):
        return None
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")


def _inline(value: str) -> str:
    if _PLAIN.fullmatch(value) and value == value.strip() and \
            yaml_edit.load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _splice(text: str, node: MappingNode, key: Node | None, japanese: str) -> tuple[int, int, str] | None:
    if node.flow_style:
        return node.start_mark.index, node.end_mark.index, _inline(japanese)
    last = node.value[-1][1]
    end = last.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \n\r":
        end -= 1
    if key is None:  # a list item: `- ja: …` becomes `- …`
        return node.start_mark.index, end, _inline(japanese)
    between = text[key.end_mark.index:node.start_mark.index]
    if not re.fullmatch(r"\s*:\s*", between):
        return None  # an anchor, a tag or a comment sits there
    if "\n" in japanese and not japanese.startswith((" ", "\n")) and "\r" not in japanese \
            and "\t" not in japanese and not japanese.endswith((" ", "\n")):
        indent = " " * (key.start_mark.column + 2)
        body = "\n".join(indent + line if line else "" for line in japanese.split("\n"))
        return key.end_mark.index, end, ": |-\n" + body
    return key.end_mark.index, end, ": " + _inline(japanese)


def _english_texts(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        keys = set(value)
        if "en" in keys and "ja" in keys and keys <= {"ja", "en"}:
            yield path, value["ja"]
            return
        for key, item in value.items():
            yield from _english_texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _english_texts(item, (*path, index))


# --- comments -------------------------------------------------------------------------------

def strip_comments(text: str) -> str:
    """``text`` without its comments (whole lines and ends of lines); the data stays the same.
    A `#` inside a text (quoted, or in a `|` block) is not a comment and stays."""
    root = yaml_edit.compose(text)
    if root is None:
        return text
    lines = text.splitlines(keepends=True)
    protected: set[int] = set()
    ends: dict[int, int] = {}
    for node in _nodes(root):
        start, end = node.start_mark, node.end_mark
        if isinstance(node, ScalarNode) and end.line > start.line:
            last = end.line if end.column > 0 else end.line - 1
            protected.update(range(start.line, last + (0 if end.column > 0 else 1)))
            if end.column > 0:
                ends[end.line] = max(ends.get(end.line, 0), end.column)
        elif end.line == start.line or not isinstance(node, CollectionNode) or node.flow_style:
            ends[end.line] = max(ends.get(end.line, 0), end.column)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in protected:
            kept.append(line)
            continue
        if line.lstrip().startswith("#"):
            continue
        cut = _comment_start(line, ends.get(index, 0))
        if cut is not None:
            ending = "\n" if line.endswith("\n") else ""
            line = line[:cut].rstrip() + ending
        if not line.strip() and (not kept or not kept[-1].strip()):
            continue  # no blank line at the top, nor two in a row where comments were
        kept.append(line)
    result = "".join(kept)
    if yaml_edit.load(result) != yaml_edit.load(text):
        raise PartRefused("YAMLのコメントを外せませんでした。「YAMLのコメント」を残して複製し、YAMLで削除してください")
    return result


def _comment_start(line: str, after: int) -> int | None:
    position = line.find("#", after)
    while position != -1:
        if position == 0 or line[position - 1] in " \t":
            return position
        position = line.find("#", position + 1)
    return None


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _nodes(key)
            yield from _nodes(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _nodes(item)
