"""Change YAML text in place: set a value, add or remove a key or a list item, move an item.

Only the lines of what changes are rewritten, so comments, blank lines, key order and the
choice between ``{flow: style}`` and block style survive everywhere else. It works on PyYAML's
composed node tree (the parser formsvc.definitions.yaml_source uses), whose marks give the
place of every node in the text. Inside a flow collection (``{type: name, id: name}``) the
whole collection is written again.

Paths are tuples of keys and list indexes, as in formsvc.definitions.yaml_source:
``("pages", 2, "fields", 0, "label")``. Every function takes YAML text and returns new text;
nothing here knows about form definitions (formsvc.admin.editing does).
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import yaml
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from formsvc.definitions import yaml_source

Path = tuple[str | int, ...]

# Collections written on one line when they are this narrow (East Asian characters count 2).
FLOW_WIDTH = 100
# Lists of these keys are always written one item per line, as people write definitions.
BLOCK_KEYS = frozenset({"pages", "fields", "documents", "rules", "computed"})
MERGE_TAG = "tag:yaml.org,2002:merge"
# libyaml's parser when PyYAML has it (same nodes and marks as the pure-Python one, ten times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EditError(Exception):
    """The text cannot be changed this way (the message says why, in Japanese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- public operations ----------------------------------------------------------------------

def load(text: str) -> Any:
    """The data of ``text`` (the same safe loader the definitions use)."""
    _check_bounds(text)
    return yaml.load(text, Loader=_LOADER)  # a safe loader (no Python objects)


def compose(text: str) -> Node | None:
    """The node tree of ``text``, through libyaml once the text is known to be within bounds."""
    _check_bounds(text)
    return yaml.compose(text, Loader=_LOADER)


def _check_bounds(text: str) -> None:
    """Refuse (yaml.YAMLError) what the definitions' bounded parser refuses: libyaml's composer
    recurses on the C stack, so a text nested thousands deep would crash the worker (a
    segmentation fault, not an exception) instead of being refused."""
    try:
        yaml_source.parse(text)
    except yaml_source.YamlSyntaxError as error:
        raise yaml.YAMLError(str(error)) from None


def set_value(text: str, path: Path, value: Any, after: tuple[str, ...] = ()) -> str:
    """Set the value at ``path``; a missing key is added (after the first of ``after`` present)."""
    doc = _Document(text)
    nodes = doc.walk(path)
    if len(nodes) == len(path) + 1:
        return doc.replace(path, value)
    existing = len(nodes) - 1  # path[:existing] exists, path[existing] does not
    parent_path, key = path[:existing], path[existing]
    if not isinstance(key, str):
        raise EditError(f"{_words(path)} はありません")
    nested = value
    for part in reversed(path[existing + 1:]):
        if not isinstance(part, str):
            raise EditError(f"{_words(path)} はありません")
        nested = {part: nested}
    return doc.insert_key(parent_path, key, nested, after)


def delete_key(text: str, path: Path) -> str:
    """Remove the key at the end of ``path`` (nothing happens when it is not there)."""
    doc = _Document(text)
    nodes = doc.walk(path)
    if len(nodes) != len(path) + 1:
        if len(nodes) == len(path) and _merged_keys(nodes[-1], path[-1]):
            raise EditError(f"{_words(path)} は別の場所 (<<: *…) から読み込まれているため、ここでは削除できません。"
                            "YAMLで編集してください")
        return doc.text
    return doc.remove_key(path)


def insert_item(text: str, path: Path, index: int, value: Any) -> str:
    """Insert ``value`` into the list at ``path`` so that it becomes item ``index``."""
    doc = _Document(text)
    nodes = doc.walk(path)
    if len(nodes) != len(path) + 1 or not isinstance(nodes[-1], SequenceNode):
        data = doc.data_at(path) if len(nodes) == len(path) + 1 else None
        if data not in (None, []):
            raise EditError(f"{_words(path)} はリストではありません")
        return set_value(text, path, [value])
    return doc.insert_item(path, index, value)


def delete_item(text: str, path: Path, index: int) -> str:
    doc = _Document(text)
    return doc.remove_item(path, index)


def move_item(text: str, path: Path, index: int, new_index: int) -> str:
    """Move item ``index`` of the list at ``path`` to ``new_index`` (one step at a time)."""
    step = 1 if new_index > index else -1
    while index != new_index:
        doc = _Document(text)
        first = min(index, index + step)
        text = doc.swap_items(path, first)
        index += step
    return text


# --- rendering ------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # `- item` indented under its key

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _choose_styles(node: Node, key: str | None = None) -> int | None:
    """Make small collections flow style; returns their width, or None for block."""
    if isinstance(node, ScalarNode):
        return None if "\n" in node.value else _width(node.value) + (2 if node.style else 0)
    assert isinstance(node, CollectionNode)  # a YAML node is a scalar or a collection
    if isinstance(node, MappingNode):
        widths = [(_choose_styles(k), _choose_styles(v, k.value if isinstance(k, ScalarNode) else None))
                  for k, v in node.value]
        parts = [None if a is None or b is None else a + b + 2 for a, b in widths]
    else:
        parts = [_choose_styles(item) for item in node.value]
    holds_block = isinstance(node, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value in BLOCK_KEYS for k, _ in node.value)
    known = [part for part in parts if part is not None]
    if not node.value or (key not in BLOCK_KEYS and not holds_block and len(known) == len(parts)
                          and sum(known) + 2 * len(parts) + 2 <= FLOW_WIDTH):
        node.flow_style = True
        return sum(known) + 2 * len(parts) + 2
    node.flow_style = False
    return None


def _dump(value: Any, block_root: bool = True, key: str | None = None) -> str:
    """YAML for ``value``: small collections on one line, the root in block style if asked."""
    stream = io.StringIO()
    dumper = _Dumper(stream, allow_unicode=True, sort_keys=False, width=10**6, indent=2,
                     default_flow_style=False)
    try:
        dumper.open()
        node = dumper.represent_data(value)
        _choose_styles(node, key)
        if block_root and isinstance(node, MappingNode | SequenceNode) and node.value:
            node.flow_style = False
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    text = stream.getvalue()
    return text.removesuffix("...\n") if text.endswith("\n...\n") else text


def _indent(text: str, column: int, first: bool = True) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(
        line if (not line.strip() or (index == 0 and not first)) else " " * column + line
        for index, line in enumerate(lines)
    )


def _inline_scalar(value: Any) -> str | None:
    """``value`` as text that fits where a one-line scalar was, or None."""
    if isinstance(value, dict | list):
        return None
    rendered = _dump({"k": value})
    if rendered.count("\n") != 1:
        return None
    return rendered[len("k: "):-1]


# --- the document -----------------------------------------------------------------------------

class _Document:
    def __init__(self, text: str):
        self.text = text if text.endswith("\n") else text + "\n"
        try:
            root = compose(self.text)
        except yaml.YAMLError as error:
            raise EditError(f"YAMLとして読めないため編集できません: {error}") from None
        if root is None:
            raise EditError("YAMLが空です")
        self.root: Node = root
        self.lines = self.text.splitlines(keepends=True)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))

    # -- finding nodes --

    def walk(self, path: Path) -> list[Node]:
        """Nodes from the root along ``path``, as far as they exist."""
        nodes = [self.root]
        for part in path:
            child = _child(nodes[-1], part)
            if child is None:
                break
            if not _in_place(child, nodes[-1], part):
                raise EditError(f"{_words(path)} は別の場所 (アンカー &… とエイリアス *…) の内容を使っているため、"
                                "ここでは変更できません。YAMLで編集してください")
            nodes.append(child[1])
        return nodes

    def data_at(self, path: Path) -> Any:
        data = load(self.text)
        for part in path:
            data = data[part]
        return data

    def key_node(self, path: Path) -> ScalarNode:
        """The key of the mapping entry at ``path`` (which exists)."""
        found = _child(self.walk(path[:-1])[-1], path[-1])
        assert found is not None and isinstance(found[0], ScalarNode)
        return found[0]

    # -- spans --

    def last_line(self, node: Node) -> int:
        """The index of the last line holding part of ``node``."""
        if isinstance(node, ScalarNode):
            end = node.end_mark
            line = end.line if end.column > 0 else end.line - 1
            line = max(line, node.start_mark.line)
            if node.style in ("|", ">"):
                while line > node.start_mark.line and not self.lines[line].strip():
                    line -= 1
            return line
        assert isinstance(node, CollectionNode)  # a YAML node is a scalar or a collection
        if node.flow_style or not node.value:
            return node.end_mark.line if node.end_mark.column > 0 else node.end_mark.line - 1
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return max(self.last_line(key), self.last_line(value))
        return self.last_line(node.value[-1])

    def line_start(self, line: int) -> int:
        return self.offsets[line]

    def line_end(self, line: int) -> int:
        return self.offsets[line + 1]

    def with_comments(self, line: int, column: int) -> int:
        """``line``, moved up over the comment lines written just above it at ``column``."""
        while line > 0:
            above = self.lines[line - 1]
            stripped = above.lstrip(" ")
            if stripped.startswith("#") and len(above) - len(stripped) == column:
                line -= 1
            else:
                break
        return line

    def dash_line(self, sequence: SequenceNode, item: Node) -> int:
        column = sequence.start_mark.column
        for line in range(item.start_mark.line, sequence.start_mark.line - 1, -1):
            text = self.lines[line]
            if text[:column].strip() == "" and text[column:column + 1] == "-" and \
                    text[column + 1:column + 2] in (" ", "\n", "\r", "\t", ""):
                return line
        raise EditError("リストの項目の位置が分かりません。YAMLで編集してください")

    def item_block(self, sequence: SequenceNode, index: int) -> tuple[int, int]:
        """(first, last) line of item ``index``, with the comments just above it."""
        item = sequence.value[index]
        dash = self.dash_line(sequence, item)
        return self.with_comments(dash, sequence.start_mark.column), self.last_line(item)

    def splice(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]

    # -- edits --

    def flow_owner(self, path: Path) -> int:
        """The length of the shortest prefix of ``path`` that is a flow collection, or len(path)."""
        nodes = self.walk(path)
        for depth in range(1, len(nodes)):
            node = nodes[depth]
            if isinstance(node, MappingNode | SequenceNode) and node.flow_style:
                return depth
        return len(path)

    def replace(self, path: Path, value: Any) -> str:
        owner = self.flow_owner(path)
        if owner < len(path):
            data = self.data_at(path[:owner])
            _assign(data, path[owner:], value)
            return self.rewrite(path[:owner], data)
        return self.rewrite(path, value)

    def rewrite(self, path: Path, value: Any) -> str:
        """Write ``value`` where the node at ``path`` is (no flow collection above it)."""
        nodes = self.walk(path)
        node = nodes[-1]
        if not path:
            first = self.root.start_mark.line
            head = "".join(self.lines[:first])
            return head + _dump(value)
        parent = nodes[-2]
        if isinstance(node, ScalarNode) and node.style not in ("|", ">"):
            inline = _inline_scalar(value)
            if inline is not None:
                return self.splice(node.start_mark.index, node.end_mark.index, inline)
        end = self.line_end(self.last_line(node))
        key = path[-1]
        if isinstance(parent, MappingNode):
            key_node = self.key_node(path)
            rendered = _dump({key: value})
            start = key_node.start_mark.index
            return self.splice(start, end, _indent(rendered, key_node.start_mark.column, first=False))
        rendered = _dump(value, block_root=False)  # one line if small, else `- id: x` and its keys
        return self.splice(node.start_mark.index, end, _indent(rendered, node.start_mark.column, first=False))

    def insert_key(self, path: Path, key: str, value: Any, after: tuple[str, ...]) -> str:
        nodes = self.walk(path)
        mapping = nodes[-1]
        if not isinstance(mapping, MappingNode) or not mapping.value:
            current = self.data_at(path)
            if current not in (None, {}):
                raise EditError(f"{_words(path)} はマッピング (key: value) ではありません")
            return self.replace(path, {key: value})
        owner = self.flow_owner(path)
        if owner <= len(path) and (owner < len(path) or mapping.flow_style):
            data = self.data_at(path[:owner])
            target = data
            for part in path[owner:]:
                target = target[part]
            _insert_ordered(target, key, value, after)
            return self.rewrite(path[:owner], data)
        anchor_pair = None
        for name in after:
            anchor_pair = next(((k, v) for k, v in mapping.value
                                if isinstance(k, ScalarNode) and k.value == name), None)
            if anchor_pair is not None:
                break
        if anchor_pair is None:
            anchor_pair = mapping.value[-1]
        line = max(self.last_line(anchor_pair[0]), self.last_line(anchor_pair[1]))
        column = mapping.value[0][0].start_mark.column
        rendered = _indent(_dump({key: value}), column)
        at = self.line_end(line)
        return self.splice(at, at, rendered)

    def remove_key(self, path: Path) -> str:
        parent_path = path[:-1]
        owner = self.flow_owner(path)
        if owner < len(path):
            data = self.data_at(path[:owner])
            target = data
            for part in path[owner:-1]:
                target = target[part]
            del target[path[-1]]
            return self.rewrite(path[:owner], data)
        mapping = self.walk(parent_path)[-1]
        if len(mapping.value) == 1:
            return self.replace(parent_path, {})
        index = next(i for i, (k, _) in enumerate(mapping.value)
                     if isinstance(k, ScalarNode) and k.value == path[-1])
        key_node, value_node = mapping.value[index]
        column = key_node.start_mark.column
        line = key_node.start_mark.line
        before_key = self.lines[line][:column]
        if before_key.strip():
            # The first key shares its line with the list's dash (`- id: x`): pull the next key up.
            following = mapping.value[index + 1][0] if index + 1 < len(mapping.value) else None
            if following is None:
                return self.replace(parent_path, {})
            return self.splice(key_node.start_mark.index, following.start_mark.index, "")
        start = self.with_comments(line, column)
        last = max(self.last_line(key_node), self.last_line(value_node))
        return self.splice(self.line_start(start), self.line_end(last), "")

    def sequence(self, path: Path) -> SequenceNode:
        node = self.walk(path)[-1]
        if len(self.walk(path)) != len(path) + 1 or not isinstance(node, SequenceNode):
            raise EditError(f"{_words(path)} はリストではありません")
        return node

    def insert_item(self, path: Path, index: int, value: Any) -> str:
        sequence = self.sequence(path)
        count = len(sequence.value)
        index = max(0, min(index, count))
        if sequence.flow_style or self.flow_owner(path) < len(path) or not count:
            data = self.data_at(path)
            data.insert(index, value)
            return self.replace(path, data)
        column = sequence.start_mark.column
        rendered = _indent(_dump([value]), column)
        gap = self.gap(sequence)
        if index == count:
            at = self.line_end(self.item_block(sequence, count - 1)[1])
            return self.splice(at, at, gap + rendered)
        at = self.line_start(self.item_block(sequence, index)[0])
        return self.splice(at, at, rendered + gap)

    def gap(self, sequence: SequenceNode) -> str:
        """The blank lines written between the list's items (the first two), to keep the rhythm."""
        if len(sequence.value) < 2:
            return ""
        first_end = self.item_block(sequence, 0)[1]
        second_start = self.item_block(sequence, 1)[0]
        between = self.lines[first_end + 1:second_start]
        return "\n" * sum(1 for line in between if not line.strip())

    def remove_item(self, path: Path, index: int) -> str:
        sequence = self.sequence(path)
        if not 0 <= index < len(sequence.value):
            raise EditError(f"{_words(path)} に {index + 1} 番目はありません")
        if sequence.flow_style or self.flow_owner(path) < len(path) or len(sequence.value) == 1:
            data = self.data_at(path)
            del data[index]
            return self.replace(path, data)
        first, last = self.item_block(sequence, index)
        # Do not leave two blank lines where one separated the items, nor one under the list's key.
        following = last
        while following + 1 < len(self.lines) and not self.lines[following + 1].strip():
            following += 1
        blank_before = first > 0 and not self.lines[first - 1].strip()
        if following > last and (blank_before or index == 0):
            last = following
        elif blank_before and index == len(sequence.value) - 1 and following == last:
            while first > 0 and not self.lines[first - 1].strip():
                first -= 1  # the last item: the blank lines that separated it go too
        return self.splice(self.line_start(first), self.line_end(last), "")

    def swap_items(self, path: Path, first: int) -> str:
        """Swap item ``first`` with the one after it."""
        sequence = self.sequence(path)
        if not 0 <= first < len(sequence.value) - 1:
            raise EditError("これ以上移動できません")
        if sequence.flow_style or self.flow_owner(path) < len(path):
            data = self.data_at(path)
            data[first], data[first + 1] = data[first + 1], data[first]
            return self.replace(path, data)
        a_start, a_end = self.item_block(sequence, first)
        b_start, b_end = self.item_block(sequence, first + 1)
        block_a = self.text[self.line_start(a_start):self.line_end(a_end)]
        between = self.text[self.line_end(a_end):self.line_start(b_start)]
        block_b = self.text[self.line_start(b_start):self.line_end(b_end)]
        return self.splice(self.line_start(a_start), self.line_end(b_end), block_b + between + block_a)


# --- helpers ------------------------------------------------------------------------------------

def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != MERGE_TAG and key_node.value == str(part):
                return key_node, value_node
        return None
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def _merged_keys(node: Node, key: str | int) -> bool:
    return isinstance(node, MappingNode) and any(k.tag == MERGE_TAG for k, _ in node.value)


def _in_place(child: tuple[Node | None, Node], parent: Node, part: str | int) -> bool:
    """False for an alias (``*name``): its node is the anchored one, written somewhere else."""
    key_node, node = child
    if not (parent.start_mark.index <= node.start_mark.index and node.end_mark.index <= parent.end_mark.index):
        return False
    if key_node is not None:
        return node.start_mark.index >= key_node.end_mark.index
    # An item of a sequence: after the item before it.
    return isinstance(part, int) and (part == 0 or node.start_mark.index >= parent.value[part - 1].end_mark.index)


def _assign(data: Any, path: Path, value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _insert_ordered(mapping: dict, key: str, value: Any, after: tuple[str, ...]) -> None:
    anchor = next((name for name in after if name in mapping), None)
    items = list(mapping.items())
    mapping.clear()
    placed = False
    for name, old in items:
        mapping[name] = old
        if name == anchor and not placed:
            mapping[key] = value
            placed = True
    if not placed:
        mapping[key] = value


def _words(path: Path) -> str:
    from formsvc.definitions.errors import format_path

    return format_path(path) or "定義"
