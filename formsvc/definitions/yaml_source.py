"""YAML parsing that remembers where every key and value was written.

PyYAML's composed node tree carries line/column marks; we build plain Python data from
it ourselves and keep a map from each path (``("pages", 2, "fields", 0, "type")``) to the
positions of its key and value, so that schema errors can be reported at their place.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
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
    # Tens of thousands of nodes, dicts and lists, none of them in a reference cycle: without
    # this, the cyclic garbage collector runs dozens of times per definition, and each full run
    # walks every object the process holds (about 40 % of `formsvc validate`'s parsing time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str) -> tuple[Any, SourceMap, list[DuplicateKey]]:
    if _CParser is not None and not _pure_only(text):
        try:
            return _read_events(text)
        except (_Unlike, YamlSyntaxError, yaml.YAMLError, UnicodeError):
            pass  # anything but a plain document: composed, and refused, as below
    try:
        node = _compose(text)
    except _TooComplex as error:
        raise YamlSyntaxError(f"YAMLとして読めません: {error.message}", _position(error.mark)) from None
    except yaml.MarkedYAMLError as error:
        message, position = syntax_problem(error, text)
        raise YamlSyntaxError(f"YAMLとして読めません: {message}", position) from None
    except yaml.reader.ReaderError as error:
        message, position = reader_problem(error, text)
        raise YamlSyntaxError(f"YAMLとして読めません: {message}", position) from None
    except yaml.YAMLError:
        raise YamlSyntaxError(f"YAMLとして読めません: {_UNKNOWN}", Position(1, 1)) from None
    source = SourceMap()
    duplicates: list[DuplicateKey] = []
    if node is None:
        return None, source, duplicates
    constructor = _Constructor("")
    data = _build(node, (), source, duplicates, constructor)
    return data, source, duplicates


# --- syntax errors, in Japanese and where the mistake is --------------------------------------
# PyYAML reports a problem where it noticed it (problem_mark), which for a missing ":" or an
# unclosed quote or bracket is a later line than the mistake; the start of what it was reading
# (context_mark) is then the place to show. For "expected <block end>" (a line indented to a
# column no block uses) the problem mark is the line out of place: tried on misplaced keys,
# list items and lines after blank lines and comments, it was never the line before.

_CANNOT_START = re.compile(r"found character '(?P<char>.+)' that cannot start any token")
_BLOCK_END = re.compile(r"expected <block end>, but found '(?P<token>.+)'")
_FLOW_END = re.compile(r"expected ',' or '(?P<close>[\]}])', but got '(?P<token>.+)'")
_OPENERS = {"]": "[", "}": "{"}
_INDENTATION = ("字下げ（行頭の空白）がそろっていません。同じ階層のキーは同じ桁に、"
                "その中身は親のキーより深く字下げし、リストの「- 」どうしも同じ桁にそろえてください")


def syntax_problem(error: yaml.MarkedYAMLError, text: str) -> tuple[str, Position]:
    """What to tell the author about PyYAML's ``error`` (Japanese, saying what to do), and where."""
    problem, context = error.problem or "", error.context or ""
    problem_at = _position(error.problem_mark) if error.problem_mark else Position(1, 1)
    context_at = _position(error.context_mark) if error.context_mark else problem_at
    lines = text.splitlines()

    def line_text(position: Position) -> str:
        return lines[position.line - 1] if 0 < position.line <= len(lines) else ""

    if match := _CANNOT_START.fullmatch(problem):
        char = match["char"]
        if char == "\\t":
            return "タブ文字は使えません。空白で字下げしてください（タブを空白に置き換えてください）", problem_at
        return (f"値を「{char}」で始めることはできません。値全体を引用符で囲んでください"
                f"（例: \"{char}…\"）", problem_at)
    if "could not find expected ':'" in problem:
        # Reported on the next line; the key without its colon is where the scan started.
        return "キーの後ろに「: 」（コロンと空白）がありません。「キー: 値」の形で書いてください", context_at
    if "while scanning a quoted scalar" in context:
        return ("引用符（\" または '）が閉じられていません。値の終わりに、始めと同じ引用符を書いてください",
                context_at)
    if problem == "mapping values are not allowed here":
        return _mapping_value_problem(line_text(problem_at), problem_at)
    if problem == "sequence entries are not allowed here":
        return ("値の途中に「- 」は書けません。リストにするときは次の行から字下げして「- 」を書き、"
                "文字として書くときは値全体を引用符で囲んでください", problem_at)
    if match := _FLOW_END.fullmatch(problem):
        opener = _OPENERS[match["close"]]
        if problem_at.line > context_at.line or match["token"] == "<stream end>":
            return (f"「{opener}」が閉じられていません。同じ行の終わりに「{match['close']}」を書いてください",
                    context_at)
        if match["token"] in _OPENERS and match["token"] != match["close"]:
            # A bracket closed by the other kind: `[b, c}` or `{b: 1]`.
            return (f"「{opener}」を「{match['token']}」で閉じています。「{match['close']}」で閉じてください",
                    problem_at)
        return (f"「{opener} {match['close']}」の中の値に「:」「,」「{opener}」などが含まれています。"
                "その値を引用符で囲んでください（例: {ja: 本庁舎, en: \"City Hall, 1st floor\"}）", problem_at)
    if problem.startswith("expected the node content") and "flow" in context and "'-'" in problem:
        return ("「[ ]」や「{ }」の中には「- 」のリストは書けません。「[」を消して次の行から「- 」で書くか、"
                "「]」で閉じてください", problem_at)
    if match := _BLOCK_END.fullmatch(problem):
        token = match["token"]
        if token in _OPENERS:
            return (f"閉じかっこ「{token}」が多すぎます。対応する「{_OPENERS[token]}」があるか確かめてください",
                    problem_at)
        before = line_text(problem_at)[:problem_at.column - 1]
        if token == "<scalar>" and before.rstrip().endswith(("\"", "'")):
            return ("引用符で囲んだ値の後ろに文字があります。値全体を引用符で囲んでください"
                    "（値の中の \" は \\\" と書きます）", problem_at)
        return _INDENTATION, problem_at
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if "'" in problem else ""
        return (f"エイリアス *{name} の参照先のアンカー &{name} がありません。"
                f"先に &{name} を書くか、名前を確かめてください", problem_at)
    if "found duplicate anchor" in problem:
        return "同じ名前のアンカー（&）が2つあります。別の名前にしてください", problem_at
    return _rarer_problem(problem, context), problem_at


# Rarer problems, by PyYAML's words (problem or context): what to tell the author instead.
_RARER = (
    ("unknown escape character", "引用符（\"）の中の「\\」は、次の文字と組み合わせて特別な意味になります。"
                                 "「\\」を文字として書くときは「\\\\」と書くか、値を ' で囲んでください"),
    ("escape sequence of", "引用符（\"）の中の「\\x」「\\u」の後ろの16進数の桁数が足りません。"
                           "「\\」を文字として書くときは「\\\\」と書くか、値を ' で囲んでください"),
    ("while scanning an anchor", "「&」の後ろにアンカーの名前（英数字）を書いてください。"
                                 "文字の「&」で始まる値は、値全体を引用符で囲んでください"),
    ("while scanning an alias", "「*」の後ろにエイリアスの名前（英数字）を書いてください。"
                                "文字の「*」で始まる値は、値全体を引用符で囲んでください"),
    ("while scanning a block scalar", "「|」や「>」の後ろには、同じ行に文字を書けません。"
                                      "文章は次の行から字下げして書くか、値全体を引用符で囲んでください"),
    ("while parsing a tag", "「!」で始まるタグの書き方が正しくありません。"
                            "文字の「!」で始まる値は、値全体を引用符で囲んでください"),
    ("while scanning a tag", "「!」で始まるタグの書き方が正しくありません。"
                             "文字の「!」で始まる値は、値全体を引用符で囲んでください"),
    ("expected a single document", "「---」で区切って2つ目の文書を書くことはできません。"
                                   "定義は1つのファイルに1つだけ書き、「---」の行を消してください"),
    ("directive", "「%」で始まる行（ディレクティブ）は使えません。その行を消してください"),
    ("mapping keys are not allowed here", "値を「? 」で始めることはできません。値全体を引用符で囲んでください"),
    ("expected the node content", "ここに値がありません。「,」「]」「}」などの記号で値を始めるときは、"
                                  "値全体を引用符で囲んでください"),
)
_UNKNOWN = ("この位置の書き方が正しくありません。字下げ（行頭の空白）、引用符やかっこの閉じ忘れ、"
            "「キー: 値」の「: 」の後の空白を確かめてください")


def _rarer_problem(problem: str, context: str) -> str:
    for words, message in _RARER:
        if words in problem or words in context:
            return message
    return _UNKNOWN


def reader_problem(error: yaml.reader.ReaderError, text: str) -> tuple[str, Position]:
    """A character YAML does not accept (NUL, control characters, lone surrogates), and where."""
    index = error.position if isinstance(error.position, int) else 0
    before = text[:index]
    position = Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)
    character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or " ")
    return (f"使えない文字（U+{character:04X}、制御文字など目に見えない文字）が含まれています。"
            "見えない文字のことがあるので、この位置の文字を消して書き直してください"), position


def _mapping_value_problem(line: str, problem_at: Position) -> tuple[str, Position]:
    """「: 」 where a value was being read: inside a value on the same line, or on a line indented
    deeper than its key's siblings (read as the continuation of the value above)."""
    before = line[:problem_at.column - 1].strip()
    before = before[2:] if before.startswith("- ") else before
    if ": " in before:
        return ("値の中に「: 」（コロンと空白）が含まれています。値全体を引用符で囲んでください"
                "（例: hint: \"受付時間: 9時から\"）", problem_at)
    indent = len(line) - len(line.lstrip(" "))
    return ("この行は字下げが深すぎるため、前の行の値の続きとして読まれています。"
            "同じ階層のキーと同じ桁に字下げをそろえてください", Position(problem_at.line, indent + 1))


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


class _BoundedComposing(yaml.composer.Composer):
    """PyYAML's composer, counting every node as often as aliases repeat it (whichever parser,
    pure or libyaml, gives it the events)."""

    anchors: dict[str, yaml.Node]
    peek_event: Callable[[], Any]  # the parser's

    def _start_counting(self) -> None:
        self._expanded = 0  # nodes so far, each alias counted as the nodes it repeats
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(anchored node) -> its expanded size, once complete

    def compose_node(self, parent, index):
        event: Any = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor or "")  # an alias always names one
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


class _BoundedLoader(_BoundedComposing, yaml.SafeLoader):
    """The pure-Python parser (PyYAML's own messages, which syntax_problem translates)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._start_counting()


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment,misc]


class _Unlike(Exception):
    """Text where libyaml would read something PyYAML reads otherwise or refuses."""


if _CParser is not None:
    class _CBoundedLoader(_BoundedComposing, _CParser,
                          yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's scanner and parser (about 7 times faster than PyYAML's pure-Python ones) feeding
        the same Python composer, so that every bound above is enforced at the same event. Only
        the events come from C: libyaml's own composer would build a self-containing node from
        &a [*a] and recurse in C on deep nesting before any bound could be checked.

        Where the two parsers are known to differ on text they both accept, _Unlike sends the
        text to PyYAML: an explicit tag (`!` alone is an empty string to one, null to the other),
        a plain scalar with "?" inside [ ] or { } (PyYAML ends the scalar there and refuses), and an
        empty one there or as the whole document (the two mark it at different columns)."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_counting()
            self._flow = 0  # how many flow collections ([ ], { }) the next node is in

        def compose_node(self, parent, index):
            event: Any = self.peek_event()  # a node's event: alias, scalar or collection start
            if isinstance(event, yaml.AliasEvent):
                return super().compose_node(parent, index)
            if event.tag is not None:
                raise _Unlike
            if isinstance(event, yaml.ScalarEvent):
                plain = not event.style  # None from PyYAML, "" from libyaml
                if plain and (self._flow or parent is None) and ("?" in event.value or not event.value):
                    raise _Unlike
                return super().compose_node(parent, index)
            flow = 1 if event.flow_style else 0
            self._flow += flow
            node = super().compose_node(parent, index)
            self._flow -= flow
            return node


def _read_events(text: str) -> tuple[Any, SourceMap, list[DuplicateKey]]:
    """The data, source map and duplicates of a plain document, straight from libyaml's events.

    About twice as fast as composing nodes and walking them (_build), and the same result where it
    answers at all; it gives up (_Unlike) on anything else — anchors and aliases, merge keys,
    tags, keys that are not scalars, more than one document, the bounds — and on any error,
    which composing then finds in its own order and words."""
    events = _CParser(text)
    source = SourceMap()
    duplicates: list[DuplicateKey] = []
    events.get_event()  # stream start
    if events.check_event(yaml.StreamEndEvent):
        return None, source, duplicates
    events.get_event()  # document start
    reader = _EventReader(events, source, duplicates)
    data = reader.node((), 0, False)
    events.get_event()  # document end
    if not events.check_event(yaml.StreamEndEvent):
        raise _Unlike
    return data, source, duplicates


_MERGE_TAG = "tag:yaml.org,2002:merge"

# The tag PyYAML's resolver gives a plain scalar depends only on its text (and whether it may be
# implicit): the same short words ("text", "true", "必須"…) recur thousands of times in a folder
# of definitions, and each resolution tries several regular expressions. Bounded in both ways.
_RESOLVED: dict[tuple[str, Any], str] = {}


class _EventReader:
    """Builds _read_events' data depth-first, as _build does from nodes (keys before values)."""

    def __init__(self, events, source: SourceMap, duplicates: list[DuplicateKey]):
        self.events = events
        self.values = source.values
        self.keys = source.keys
        self.duplicates = duplicates
        self.resolver = yaml.resolver.Resolver()
        self.constructor = _Constructor("")
        self.count = 0

    def node(self, path: Path, depth: int, flow: bool):
        event = self.events.get_event()
        self.count += 1
        if (not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent)  # an alias
                or event.anchor is not None or event.tag is not None
                or depth >= MAX_DEPTH or self.count > MAX_NODES):
            raise _Unlike
        mark: Any = event.start_mark  # libyaml always marks its events
        self.values[path] = Position(mark.line + 1, mark.column + 1)  # _position, inlined: 50,000 a folder
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, path, flow or not path)
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(path, depth + 1, flow or bool(event.flow_style))
        items: list[Any] = []
        while not self.events.check_event(yaml.SequenceEndEvent):
            items.append(self.node((*path, len(items)), depth + 1, flow or bool(event.flow_style)))
        self.events.get_event()
        return items

    def mapping(self, path: Path, depth: int, flow: bool) -> dict:
        result: dict[Any, Any] = {}
        while not self.events.check_event(yaml.MappingEndEvent):
            if not self.events.check_event(yaml.ScalarEvent):
                raise _Unlike
            event = self.events.get_event()
            self.count += 1
            if event.anchor is not None or event.tag is not None or self.count > MAX_NODES:
                raise _Unlike
            key = self.scalar(event, path, flow)
            if not isinstance(key, str | int):
                key = str(key)
            child = (*path, key)
            mark = event.start_mark
            position = Position(mark.line + 1, mark.column + 1)
            if key in result:
                self.duplicates.append(DuplicateKey(child, position, self.keys[child]))
            self.keys[child] = position
            result[key] = self.node(child, depth, flow)
        self.events.get_event()
        return result

    def scalar(self, event, path: Path, guarded: bool):
        value = event.value
        if not event.style:  # plain: its type is resolved from how it looks
            if guarded and ("?" in value or not value):
                raise _Unlike  # as _CBoundedLoader
            key = (value, event.implicit)
            tag = _RESOLVED.get(key)
            if tag is None:
                tag = self.resolver.resolve(yaml.ScalarNode, value, event.implicit)
                if len(value) <= 64 and len(_RESOLVED) < 4096:
                    _RESOLVED[key] = tag
            if tag == _STRING_TAG:
                return value
            if tag == _MERGE_TAG:
                raise _Unlike
            return _scalar(yaml.ScalarNode(tag, value, event.start_mark, event.end_mark), self.constructor, path)
        return value  # quoted or a block (| >): always a string


# Text that takes the pure parser without trying libyaml: tabs (libyaml takes them inside plain
# values and after keys, PyYAML refuses them there), characters the two count differently in
# line/column marks (a byte order mark after the start is no column to PyYAML; NEL, LS and PS
# are line breaks to it), and "?" written as a key indicator (the two put its empty value at
# different places).
_PURE_ONLY_CHARACTERS = ("\t", "\x85", "\u2028", "\u2029")
_KEY_INDICATOR = re.compile(r"(?<![^\s\[\]{},])\?(?=\s|\Z)")


def _pure_only(text: str) -> bool:
    return (any(character in text for character in _PURE_ONLY_CHARACTERS) or text.find("\ufeff", 1) >= 0
            or ("?" in text and _KEY_INDICATOR.search(text) is not None))


def _compose(text: str):
    """The composed node tree of ``text`` (None for an empty document), bounded.

    libyaml when available; but any refusal is the pure parser's, so that every message and
    position is exactly the one PyYAML gives (libyaml words its errors differently, reports
    control characters at byte offsets and cannot take a lone surrogate at all)."""
    if _CParser is not None and not _pure_only(text):
        try:
            return yaml.compose(text, Loader=_CBoundedLoader)  # type: ignore[arg-type]  # any loader class does
        except (yaml.YAMLError, _TooComplex, _Unlike, UnicodeError):
            pass
    return yaml.compose(text, Loader=_BoundedLoader)


class _Constructor(yaml.SafeLoader):
    """PyYAML's safe constructor, remembering which keys each mapping had as written: resolving
    merge keys changes a mapping node in place, and an aliased node is built more than once."""

    def __init__(self, stream):
        super().__init__(stream)
        self.written_keys: dict[int, set[int]] = {}  # id(mapping node) -> ids of its own key nodes


_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


def _build(node, path: Path, source: SourceMap, duplicates: list[DuplicateKey], constructor):
    source.values[path] = _position(node.start_mark)
    if type(node) in _COLLECTION_TAGS and node.tag != _COLLECTION_TAGS[type(node)]:
        # Tags would otherwise be ignored silently (e.g. !!python/object/apply: [...]).
        raise YamlSyntaxError(f"YAMLとして読めません: タグ '{node.tag}' は使えません",
                              _position(node.start_mark), path)
    if isinstance(node, yaml.MappingNode):
        # Merge keys (<<: *base) are resolved by PyYAML: the merged pairs are put first, the ones
        # written here after them, so a key written here overrides a merged one (last one wins).
        # Only a key written twice HERE is a duplicate, not one that overrides a merged key.
        written = constructor.written_keys.setdefault(id(node), {id(key) for key, _ in node.value})
        try:
            constructor.flatten_mapping(node)
        except yaml.YAMLError as error:  # `<<: 1`: a merge key whose value is no mapping
            mark = getattr(error, "problem_mark", None) or node.start_mark
            raise YamlSyntaxError("YAMLとして読めません: 「<<」（マージキー）には、アンカー（&名前）をつけた"
                                  "マッピングのエイリアス（*名前）か、そのリストを書いてください",
                                  _position(mark), path) from None
        result: dict[Any, Any] = {}
        written_keys: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("YAMLとして読めません: キーにはリストやマッピングではなく文字列を書いてください",
                                      _position(key_node.start_mark), path)
            key = _scalar(key_node, constructor, path)
            if not isinstance(key, str | int):
                key = str(key)
            child = (*path, key)
            if id(key_node) in written:
                if key in written_keys:
                    duplicates.append(DuplicateKey(
                        child, _position(key_node.start_mark), source.keys[child]
                    ))
                written_keys.add(key)
            source.keys[child] = _position(key_node.start_mark)
            result[key] = _build(value_node, child, source, duplicates, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), source, duplicates, constructor)
            for index, item in enumerate(node.value)
        ]
    return _scalar(node, constructor, path)


_DATE_REASONS = (("month must be", "（月は1から12までです）"), ("day is out of range", "（その月にない日です）"),
                 ("year", "（年が正しくありません）"))


_STRING_TAG = "tag:yaml.org,2002:str"


def _scalar(node, constructor, path: Path):
    """Construct one scalar; a value YAML cannot build (2025-13-01, !tag) is a located error."""
    if node.tag == _STRING_TAG:  # most of them: what PyYAML's construct_yaml_str returns
        return node.value
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or error)
        if "could not determine a constructor for the tag" in problem:
            message = f"タグ '{node.tag}' は使えません。文字の「!」で始まる値は、値全体を引用符で囲んでください"
        else:
            message = f"値「{node.value}」を読み取れません。値全体を引用符で囲んで、文字として書いてください"
        raise YamlSyntaxError(f"YAMLとして読めません: {message}", _position(node.start_mark), path) from None
    except ValueError as error:
        if node.tag == "tag:yaml.org,2002:timestamp":
            reason = next((words for english, words in _DATE_REASONS if english in str(error)), "")
            message = (f"'{node.value}' は日付として正しくありません{reason}。"
                       "日付は YYYY-MM-DD の形の実在する日にしてください")
        else:
            message = f"値「{node.value}」を読み取れません。値全体を引用符で囲んで、文字として書いてください"
        raise YamlSyntaxError(message, _position(node.start_mark), path) from None
