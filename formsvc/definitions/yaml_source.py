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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
