"""Shared blocks and code lists: questions and choice lists written once, used by many procedures.

The library is a folder (``form_definitions/shared/``) next to the definitions::

    shared/blocks/<id>.yaml   id, title, description?, fields: [...]   (a group of questions)
    shared/lists/<id>.yaml    id, title, source, description?, choices: [...]  (a code list)

A page's ``fields`` may hold ``{use: <block id>, prefix: <id prefix>?, omit: [field ids]?}``,
replaced here by the block's fields before the definition is validated; a ``choice_list`` that the
definition does not define itself is copied from the shared list of that id. The validated
document therefore contains the expanded questions and the copied choices: a published version
keeps what it was published with, whatever later happens to the library (the version's ``source``
still says ``use:``).

Errors found in expanded content are located in the block's (or list's) own file, with the
``use:`` that brought it in (``Locator``).
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from formsvc.definitions.errors import DefinitionError, format_path
from formsvc.definitions.yaml_source import Path, Position, SourceMap, YamlSyntaxError, parse
from formsvc.vocabulary.common import quoted

# The folder of the library inside a folder of definitions.
SHARED_FOLDER = "shared"
BLOCK_KEYS = ("id", "title", "description", "fields", "channels")
LIST_KEYS = ("id", "title", "description", "source", "choices")
USE_KEYS = ("use", "prefix", "omit")
# Keys whose value names another question: rewritten with the block's prefix when they name
# one of the block's own questions (show_if/required_if conditions, expressions, postal 'fills').
REFERENCE_KEYS = frozenset({"field", "fills", "amount"})
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,40}")
# A shared file larger than this is not read (a definition library holds small files).
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class SharedFile:
    """One block or list file, parsed (``data`` is None when it could not be used at all)."""

    kind: str  # "block" or "list"
    id: str  # the file's stem: what `use:` and `choice_list:` name
    file: str
    data: dict | None
    source: SourceMap
    problems: tuple[DefinitionError, ...] = ()

    @property
    def usable(self) -> bool:
        return self.data is not None and not self.problems

    def position(self, path: Path, at_key: bool = False) -> Position:
        return self.source.key_position(path) if at_key else self.source.value_position(path)

    def field_ids(self) -> list[str]:
        fields = _list((self.data or {}).get("fields"))
        return [item["id"] for item in fields if isinstance(item, dict) and isinstance(item.get("id"), str)]


@dataclass
class Library:
    folder: FilePath | None
    blocks: dict[str, SharedFile] = field(default_factory=dict)
    lists: dict[str, SharedFile] = field(default_factory=dict)

    @property
    def problems(self) -> list[DefinitionError]:
        """What is wrong with the files' form (syntax, keys, ids); the questions themselves are
        checked by formsvc.definitions.loader.library_errors."""
        return [problem for item in [*self.blocks.values(), *self.lists.values()] for problem in item.problems]

    def where(self, kind: str) -> str:
        folder = "blocks" if kind == "block" else "lists"
        return str(self.folder / folder) if self.folder is not None else f"{SHARED_FOLDER}/{folder}"


EMPTY = Library(None)


# --- finding and reading the library -----------------------------------------------------------

def configured_definitions_folder() -> FilePath:
    """The definitions folder of the running app (DEFINITIONS_DIR), else of the environment."""
    flask = sys.modules.get("flask")  # not imported (`formsvc validate`): no app can be running
    if flask is not None and flask.has_app_context() and flask.current_app.config.get("DEFINITIONS_DIR"):
        return FilePath(flask.current_app.config["DEFINITIONS_DIR"])
    from formsvc.config import project_root

    return FilePath(os.environ.get("FORMSVC_DEFINITIONS_DIR", str(project_root() / "form_definitions")))


def library_folder_for(filename: str | FilePath | None) -> FilePath:
    """The library a definition file uses: ``shared/`` beside the file when there is one (a
    folder of definitions carries its own library), else the configured definitions folder's."""
    if filename:
        beside = FilePath(filename).parent / SHARED_FOLDER
        if FilePath(filename).parent != FilePath(".") and beside.is_dir():
            return beside
    return configured_definitions_folder() / SHARED_FOLDER


def default_library(filename: str | FilePath | None = None) -> Library:
    return read_library(library_folder_for(filename))


_CACHE: dict[FilePath, tuple[tuple, Library]] = {}


def read_library(folder: FilePath | str | None) -> Library:
    """The library in ``folder`` (an empty one when it does not exist), read again only when a
    file in it changed: an edited block is seen by the next validation or publish."""
    if folder is None:
        return EMPTY
    folder = FilePath(folder)
    files = _files(folder)
    signature = tuple((str(path), *_stamp(path)) for path in files)
    cached = _CACHE.get(folder)
    if cached is not None and cached[0] == signature:
        return cached[1]
    library = Library(folder)
    for path in files:
        kind = "block" if path.parent.name == "blocks" else "list"
        item = _read(path, kind)
        (library.blocks if kind == "block" else library.lists)[item.id] = item
    _CACHE[folder] = (signature, library)
    return library


def shared_files(folder: FilePath | str) -> list[FilePath]:
    """The block and list files of the library in ``folder``, in a stable order."""
    return _files(FilePath(folder))


def _files(folder: FilePath) -> list[FilePath]:
    found: list[FilePath] = []
    for sub in ("blocks", "lists"):
        directory = folder / sub
        if directory.is_dir():
            found.extend(sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]))
    return found


def _stamp(path: FilePath) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


def _read(path: FilePath, kind: str) -> SharedFile:
    stem = path.stem
    name = str(path)
    empty = SourceMap()

    def broken(line: int, column: int, where: Path, message: str, source: SourceMap = empty) -> SharedFile:
        return SharedFile(kind, stem, name, None, source,
                          (DefinitionError(name, line, column, format_path(where), message),))

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return broken(1, 1, (), f"ファイルが大きすぎます ({MAX_FILE_BYTES:,}バイトまで)")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return broken(1, 1, (), f"UTF-8 のテキストとして読めません ({error.reason})")
    except OSError as error:
        return broken(1, 1, (), f"ファイルを読めません ({error.strerror})")
    try:
        data, source, duplicates = parse(text)
    except YamlSyntaxError as error:
        return broken(error.position.line, error.position.column, error.path, error.message)
    problems: list[DefinitionError] = []

    def problem(where: Path, message: str, at_key: bool = False) -> None:
        position = source.key_position(where) if at_key else source.value_position(where)
        problems.append(DefinitionError(name, position.line, position.column, format_path(where), message))

    for dup in duplicates:
        problem(dup.path, f"キー '{dup.path[-1]}' が2回書かれています ({dup.first.line}行目にもあります)", at_key=True)
    what = "共通ブロック" if kind == "block" else "共通の選択肢一覧"
    body = "fields" if kind == "block" else "choices"
    if not isinstance(data, dict):
        problem((), f"{what}は id, title, {body} などのキーを持つマッピングにしてください")
        return SharedFile(kind, stem, name, None, source, tuple(problems))
    allowed = BLOCK_KEYS if kind == "block" else LIST_KEYS
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
            problem((key,), f"'{key}' というキーは使えません。{hint}使えるキー: {', '.join(allowed)}", at_key=True)
    required = ("id", "title", body, *(("source",) if kind == "list" else ()))
    for key in required:
        if key not in data:
            extra = " (出典とライセンス。例: 総務省 全国地方公共団体コード)" if key == "source" else ""
            problem((), f"'{key}' を書いてください (必須です){extra}")
    if "id" in data and data["id"] != stem:
        problem(("id",), f"id はファイル名と同じ '{stem}' にしてください (use: や choice_list: はファイル名で探します)")
    if not _IDENTIFIER.fullmatch(stem):
        problem((), f"ファイル名 '{path.name}' はIDとして使えません。英小文字で始まり、英小文字・数字・_ だけの"
                    "名前にしてください (例: applicant.yaml)")
    items = data.get(body)
    if body in data and (not isinstance(items, list) or not items):
        problem((body,), "1つ以上の項目をリスト (各行を「- 」で始める) で書いてください")
    elif kind == "block" and isinstance(items, list):
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problem((body, index), "項目は type, id, label などのキーを持つマッピングにしてください")
            elif "use" in item:
                problem((body, index, "use"), "共通ブロックの中では use: は使えません。項目をそのまま書いてください",
                        at_key=True)
            elif not isinstance(item.get("id"), str):
                problem((body, index), "項目には id を書いてください")
    if kind == "block" and "channels" in data:
        _check_block_channels(data, problem)
    return SharedFile(kind, stem, name, data, source, tuple(problems))


BLOCK_CHANNELS = ("online", "counter")


def _check_block_channels(data: dict, problem) -> None:
    """A block's ``channels:`` changes only its own questions: {channel: {fields: {id: changes}}}
    (the keys of the changes are checked where the block is used, against each question's type)."""
    channels = data["channels"]
    if not isinstance(channels, dict):
        problem(("channels",), "channels には {counter: {fields: {項目ID: {label: ...}}}} の形で書いてください")
        return
    ids = [item["id"] for item in _list(data.get("fields"))
           if isinstance(item, dict) and isinstance(item.get("id"), str)]
    for channel, changes in channels.items():
        if channel not in BLOCK_CHANNELS:
            problem(("channels", channel), f"チャネル '{quoted(channel)}' はありません。使えるチャネル: "
                                           f"{', '.join(BLOCK_CHANNELS)}", at_key=True)
            continue
        if not isinstance(changes, dict) or set(changes) - {"fields"} or not isinstance(changes.get("fields"), dict):
            problem(("channels", channel), "共通ブロックの channels に書けるのは fields: {項目ID: {変更}} だけです")
            continue
        for field_id, change in changes["fields"].items():
            if field_id not in ids:
                close = difflib.get_close_matches(str(field_id)[:100], ids, n=1, cutoff=0.6)
                hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
                problem(("channels", channel, "fields", field_id),
                        f"このブロックに項目 '{quoted(field_id)}' はありません。{hint}項目: {', '.join(ids)}",
                        at_key=True)
            elif not isinstance(change, dict):
                problem(("channels", channel, "fields", field_id),
                        "変更は {label: ..., hint: ...} のようなマッピングで書いてください")


# --- expansion -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Own:
    index: int  # the field's index in the page's fields as written


@dataclass(frozen=True)
class _FromBlock:
    block: SharedFile
    index: int  # the field's index in the block's fields
    use_path: Path  # the `use:` item in the definition


@dataclass
class Locator:
    """Where a path of the expanded document was written: in the definition, in a block, or in
    a shared list; errors are reported there (with the `use:` line for a block)."""

    filename: str
    source: SourceMap
    fields: dict[tuple[int, int], _Own | _FromBlock] = field(default_factory=dict)
    lists: dict[str, SharedFile] = field(default_factory=dict)
    # A channel's change of a block's question written in the block (``channels:`` of the block
    # file): (channel, prefixed id) -> (block, the block field's id, the `use:` item).
    channel_fields: dict[tuple[str, str], tuple[SharedFile, str, Path]] = field(default_factory=dict)

    def channel_error(self, path: Path, message: str, at_key: bool = False) -> DefinitionError:
        """An error in ``channels:``: where the definition writes it, else (a change the block
        brought in) in the block's file."""
        if len(path) >= 4 and path[0] == "channels" and path[2] == "fields" \
                and path[:5] not in self.source.values:
            origin = self.channel_fields.get((str(path[1]), str(path[3])))
            if origin is not None:
                block, field_id, use_path = origin
                inner: Path = ("channels", path[1], "fields", field_id, *path[4:])
                return self._elsewhere(block, inner, message, at_key, use_path)
        return self.written(path, message, at_key)

    def error(self, path: Path, message: str, at_key: bool = False) -> DefinitionError:
        if len(path) >= 4 and path[0] == "pages" and path[2] == "fields":
            origin = self.fields.get((path[1], path[3]))  # type: ignore[arg-type]
            if isinstance(origin, _Own):
                path = (*path[:3], origin.index, *path[4:])
            elif isinstance(origin, _FromBlock):
                inner: Path = ("fields", origin.index, *path[4:])
                return self._elsewhere(origin.block, inner, message, at_key, origin.use_path)
        if len(path) >= 2 and path[0] == "choice_lists" and path[1] in self.lists:
            return self._elsewhere(self.lists[str(path[1])], ("choices", *path[2:]), message, at_key, None)
        return self.written(path, message, at_key)

    def written(self, path: Path, message: str, at_key: bool = False) -> DefinitionError:
        """An error at ``path`` as written in the definition (before expansion)."""
        position = self.source.key_position(path) if at_key else self.source.value_position(path)
        return DefinitionError(self.filename, position.line, position.column, format_path(path), message)

    def _elsewhere(self, shared: SharedFile, path: Path, message: str, at_key: bool,
                   use_path: Path | None) -> DefinitionError:
        position = shared.position(path, at_key)
        used = self.source.key_position((*use_path, "use")) if use_path is not None else Position(0, 0)
        return DefinitionError(shared.file, position.line, position.column, format_path(path), message,
                               used_in=self.filename if use_path is not None else "",
                               used_line=used.line, used_column=used.column)


@dataclass
class Expanded:
    data: Any
    locator: Locator
    errors: list[DefinitionError]


def expand(data: Any, source: SourceMap, filename: str, library: Library) -> Expanded:
    """Replace every `use:` item of the pages' fields by its block's fields, and copy the shared
    lists that `choice_list:` names (those the definition does not define itself)."""
    locator = Locator(filename, source)
    errors: list[DefinitionError] = []
    if not isinstance(data, dict):
        return Expanded(data, locator, errors)
    pages = data.get("pages")
    if isinstance(pages, list):
        taken = _written_ids(data)
        new_pages: list[Any] = []
        block_channels: list[tuple[SharedFile, str, Path]] = []
        for p, page in enumerate(pages):
            if not isinstance(page, dict) or not isinstance(page.get("fields"), list):
                new_pages.append(page)
                continue
            fields: list[Any] = []
            for j, item in enumerate(page["fields"]):
                if isinstance(item, dict) and "use" in item:
                    path: Path = ("pages", p, "fields", j)
                    used = list(_use(item, path, library, locator, taken, errors))
                    for index, expanded in used:
                        locator.fields[(p, len(fields))] = _FromBlock(library.blocks[item["use"]], index, path)
                        fields.append(expanded)
                    if used:
                        block_channels.append((library.blocks[item["use"]], item.get("prefix") or "", path))
                else:
                    locator.fields[(p, len(fields))] = _Own(j)
                    fields.append(item)
            new_pages.append({**page, "fields": fields})
        data = {**data, "pages": new_pages}
        data = _with_block_channels(data, block_channels, locator)
        data = _copy_lists(data, library, locator)
    return Expanded(data, locator, errors)


def _list(value: Any) -> list:
    """``value`` when it is a list; anything else (a mistake the schema reports) as no items."""
    return value if isinstance(value, list) else []


def _written_ids(data: dict) -> dict[str, str]:
    """Ids the definition itself writes (pages, questions, computed values), with where."""
    taken: dict[str, str] = {}
    for p, page in enumerate(_list(data.get("pages"))):
        if not isinstance(page, dict):
            continue
        if isinstance(page.get("id"), str):
            taken.setdefault(page["id"], f"ページ pages[{p}]")
        for f, item in enumerate(_list(page.get("fields"))):
            if isinstance(item, dict) and isinstance(item.get("id"), str) and "use" not in item:
                taken.setdefault(item["id"], f"項目 pages[{p}].fields[{f}]")
    for c, computed in enumerate(_list(data.get("computed"))):
        if isinstance(computed, dict) and isinstance(computed.get("id"), str):
            taken.setdefault(computed["id"], f"計算値 computed[{c}]")
    return taken


def _use(item: dict, path: Path, library: Library, locator: Locator, taken: dict[str, str],
         errors: list[DefinitionError]) -> Iterable[tuple[int, dict]]:
    """The (index in the block, field) pairs a `use:` item stands for; none after an error."""

    def fail(where: Path, message: str, at_key: bool = False) -> list[tuple[int, dict]]:
        errors.append(locator.written((*path, *where), message, at_key))
        return []

    for key in item:
        if key not in USE_KEYS:
            return fail((key,), f"use: と一緒に書けるのは prefix と omit だけです ('{quoted(key)}' は書けません)。"
                                "項目を変えるには、ブロックを使わずに項目を書いてください", at_key=True)
    name = item["use"]
    if not isinstance(name, str):
        return fail(("use",), "use: には共通ブロックのID (例: applicant) を書いてください")
    block = library.blocks.get(name)
    if block is None:
        known = sorted(library.blocks)
        close = difflib.get_close_matches(name[:100], known, n=1, cutoff=0.6)
        hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
        listing = f"使えるブロック: {', '.join(known)}" if known else "共通ブロックが1つもありません"
        return fail(("use",), f"共通ブロック '{quoted(name)}' がありません ({library.where('block')})。{hint}{listing}")
    if not block.usable:
        first = block.problems[0] if block.problems else None
        detail = f" ({first})" if first else ""
        return fail(("use",), f"共通ブロック '{name}' に誤りがあるため使えません。"
                              f"先にブロックのファイルを直してください{detail}")
    prefix = item.get("prefix", "")
    if prefix is None:
        prefix = ""
    if not isinstance(prefix, str) or (prefix and not _PREFIX.fullmatch(prefix)):
        return fail(("prefix",), "prefix は英小文字で始まり、英小文字・数字・_ だけにしてください (例: agent_)")
    ids = block.field_ids()
    omit = item.get("omit", [])
    if omit is None:
        omit = []
    if not isinstance(omit, list):
        return fail(("omit",), "omit には省く項目のIDをリストで書いてください (例: omit: [phone])")
    for index, omitted in enumerate(omit):
        if omitted not in ids:
            close = difflib.get_close_matches(str(omitted)[:100], ids, n=1, cutoff=0.6)
            hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
            return fail(("omit", index), f"共通ブロック '{name}' に項目 '{quoted(omitted)}' はありません。{hint}"
                                         f"省ける項目: {', '.join(ids)}")
    kept = [(index, spec) for index, spec in enumerate(block.data["fields"])  # type: ignore[index]
            if spec["id"] not in omit]
    if not kept:
        return fail(("omit",), f"共通ブロック '{name}' の項目をすべて省いています。use: ごと消してください")
    renamed = {spec_id: prefix + spec_id for spec_id in ids}
    result = []
    for index, spec in kept:
        new_id = renamed[spec["id"]]
        if len(new_id) > 63:
            return fail(("prefix",), f"prefix を付けた項目ID '{new_id}' が長すぎます (63文字まで)。"
                                     "短い prefix にしてください")
        if new_id in taken:
            advice = ("別の prefix にしてください" if prefix else
                      f"prefix: を書いてIDを区別してください (例: prefix: {name}_)")
            return fail(("use",), f"共通ブロック '{name}' の項目ID '{new_id}' が"
                                  f"{taken[new_id]} のIDと重なります。{advice}")
        result.append((index, _renamed(copy.deepcopy(spec), renamed)))
    for _index, spec in result:
        taken[spec["id"]] = f"共通ブロック '{name}' (pages[{path[1]}].fields[{path[3]}] の use:) の項目"
    return result


def _renamed(node: Any, renamed: dict[str, str], top: bool = True) -> Any:
    """The block's question with its id and its references to the block's questions prefixed."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if ((key == "id" and top) or key in REFERENCE_KEYS) and isinstance(value, str) and value in renamed:
                result[key] = renamed[value]
            else:
                result[key] = _renamed(value, renamed, top=False)
        return result
    if isinstance(node, list):
        return [_renamed(value, renamed, top=False) for value in node]
    return node


def _with_block_channels(data: dict, used: list[tuple[SharedFile, str, Path]], locator: Locator) -> dict:
    """Each used block's per-channel changes of its questions (e.g. the counter's staff wording,
    「申請者の…」 where residents read 「あなたの…」), under the definition's ``channels:`` with
    the questions' prefixed ids. What the definition writes itself for a question wins, key by
    key; a question the `use:` omits, or the definition omits on that channel, has no changes."""
    written = data.get("channels")
    if written is not None and not isinstance(written, dict):
        return data  # the schema reports it
    merged = copy.deepcopy(written) if written else {}
    changed = False
    for block, prefix, use_path in used:
        block_channels = (block.data or {}).get("channels")
        if not isinstance(block_channels, dict):
            continue
        ids = block.field_ids()
        kept = {spec.get("id") for spec in _list(data["pages"][use_path[1]].get("fields"))
                if isinstance(spec, dict)}
        renamed = {spec_id: prefix + spec_id for spec_id in ids}
        for channel, changes in block_channels.items():
            fields = changes.get("fields") if isinstance(changes, dict) else None
            if not isinstance(fields, dict):
                continue
            target = merged.setdefault(channel, {})
            if not isinstance(target, dict):
                continue
            own_fields = target.setdefault("fields", {})
            if not isinstance(own_fields, dict):
                continue
            for field_id, change in fields.items():
                new_id = renamed.get(field_id)
                if new_id is None or new_id not in kept or not isinstance(change, dict):
                    continue
                own = own_fields.get(new_id)
                if isinstance(own, dict) and own.get("omit") is True:
                    # The definition does not ask this question on the channel: the block's
                    # wording for it does not apply (merged, omit would be refused with changes
                    # the author never wrote).
                    continue
                own_fields[new_id] = {**_renamed(copy.deepcopy(change), renamed, top=False),
                                      **(own if isinstance(own, dict) else {})}
                locator.channel_fields[(str(channel), new_id)] = (block, field_id, use_path)
                changed = True
    return {**data, "channels": merged} if changed else data


def _copy_lists(data: dict, library: Library, locator: Locator) -> dict:
    """Copy each shared list named by a `choice_list:` that the definition does not define."""
    own = data.get("choice_lists")
    if own is not None and not isinstance(own, dict):
        return data  # the schema reports it
    own = dict(own or {})
    wanted: list[str] = []
    for page in _list(data.get("pages")):
        for spec in _list(page.get("fields")) if isinstance(page, dict) else []:
            name = spec.get("choice_list") if isinstance(spec, dict) else None
            if isinstance(name, str) and name not in own and name not in wanted:
                wanted.append(name)
    copied = False
    for name in wanted:
        shared = library.lists.get(name)
        if shared is not None and shared.usable:
            own[name] = copy.deepcopy(shared.data["choices"])  # type: ignore[index]
            locator.lists[name] = shared
            copied = True
    return {**data, "choice_lists": own} if copied else data
