"""YAML parsing that remembers where every key and value was written.

PyYAML's composed node tree carries line/column marks; we build plain Python data from
it ourselves and keep a map from each path (``("pages", 2, "fields", 0, "type")``) to the
positions of its key and value, so that schema errors can be reported at their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def value_position(self, path: Path) -> Position:
        """The position of the value at ``path``, or of its deepest written ancestor."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)

    def key_position(self, path: Path) -> Position:
        return self.keys.get(path) or self.value_position(path)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, position: Position, path: Path = ()):
        super().__init__(message)
        self.message = message
        self.position = position
        self.path = path  # where in the document, when the text parsed but a value did not


class DuplicateKey(Exception):
    def __init__(self, path: Path, position: Position, first: Position):
        super().__init__(f"duplicate key at {path}")
        self.path = path
        self.position = position
        self.first = first


def _position(mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def parse(text: str) -> tuple[Any, SourceMap, list[DuplicateKey]]:
    """Parse one YAML document into plain data plus its source map.

    Raises YamlSyntaxError for text that is not YAML at all. Duplicate keys are returned
    (the later value wins in the data) so that every one of them can be reported.
    """
    try:
        node = yaml.compose(text, Loader=_BoundedLoader)
    except _TooComplex as error:
        raise YamlSyntaxError(f"YAMLとして読めません: {error.message}", _position(error.mark)) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = f"{error.problem or ''} {error.context or ''}".strip()
        raise YamlSyntaxError(
            f"YAMLとして読めません: {problem}", _position(mark) if mark else Position(1, 1)
        ) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(f"YAMLとして読めません: {error}", Position(1, 1)) from None
    source = SourceMap()
    duplicates: list[DuplicateKey] = []
    if node is None:
        return None, source, duplicates
    constructor = yaml.SafeLoader("")
    data = _build(node, (), source, duplicates, constructor)
    return data, source, duplicates


# --- aliases and nesting, bounded ---------------------------------------------------------------
# An alias (*name) repeats the node its anchor (&name) marks. Repeated inside each other they
# multiply: ten lines can stand for a billion values ("billion laughs"), and an alias inside
# its own anchor (&a [*a]) stands for an endless one. Both are refused while the text is read,
# at the alias, before anything is built from it.

# Nodes a definition may stand for once its aliases are expanded (the largest shipped one has
# about 1,500), and how deeply collections may nest (they have about ten levels).
MAX_NODES = 100_000
MAX_DEPTH = 100


class _TooComplex(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe composer, counting every node as often as aliases repeat it."""

    def __init__(self, stream):
        super().__init__(stream)
        self._expanded = 0  # nodes so far, each alias counted as the nodes it repeats
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(anchored node) -> its expanded size, once complete

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise _TooComplex(f"エイリアス *{event.anchor} が、参照先のアンカー &{event.anchor} の中で"
                                  "使われています。自分自身を含む内容は書けません", event.start_mark)
            node = super().compose_node(parent, index)
            self._count(self._sizes[id(node)], event)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooComplex(f"入れ子が深すぎます（{MAX_DEPTH}段まで）", event.start_mark)
        before = self._expanded
        self._count(1, event)
        node = super().compose_node(parent, index)
        self._depth -= 1
        if event.anchor is not None:
            self._sizes[id(node)] = self._expanded - before
        return node

    def _count(self, nodes: int, event) -> None:
        self._expanded += nodes
        if self._expanded > MAX_NODES:
            where = f"エイリアス *{event.anchor} を展開すると、" if isinstance(event, yaml.AliasEvent) else ""
            raise _TooComplex(f"{where}定義の要素が{MAX_NODES:,}個を超えます。"
                              "アンカー（&）とエイリアス（*）を重ねて使わず、内容をそのまま書いてください",
                              event.start_mark)


_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


def _build(node, path: Path, source: SourceMap, duplicates: list[DuplicateKey], constructor):
    source.values[path] = _position(node.start_mark)
    if type(node) in _COLLECTION_TAGS and node.tag != _COLLECTION_TAGS[type(node)]:
        # Tags would otherwise be ignored silently (e.g. !!python/object/apply: [...]).
        raise YamlSyntaxError(f"YAMLとして読めません: タグ '{node.tag}' は使えません",
                              _position(node.start_mark), path)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("YAMLとして読めません: キーにはリストやマッピングではなく文字列を書いてください",
                                      _position(key_node.start_mark), path)
            key = _scalar(key_node, constructor, path)
            if not isinstance(key, str | int):
                key = str(key)
            child = (*path, key)
            if key in result:
                duplicates.append(DuplicateKey(
                    child, _position(key_node.start_mark), source.keys[child]
                ))
            source.keys[child] = _position(key_node.start_mark)
            result[key] = _build(value_node, child, source, duplicates, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), source, duplicates, constructor)
            for index, item in enumerate(node.value)
        ]
    return _scalar(node, constructor, path)


def _scalar(node, constructor, path: Path):
    """Construct one scalar; a value YAML cannot build (2025-13-01, !tag) is a located error."""
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or error
        raise YamlSyntaxError(f"YAMLとして読めません: {problem}", _position(node.start_mark), path) from None
    except ValueError as error:
        raise YamlSyntaxError(
            f"'{node.value}' は日付として正しくありません ({error})。"
            "日付は YYYY-MM-DD の形の実在する日にしてください",
            _position(node.start_mark), path,
        ) from None
