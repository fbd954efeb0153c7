"""From YAML text to a checked FormDefinition, or every error with its location."""

from __future__ import annotations

import difflib
import hashlib
import json
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from formsvc.definitions.channels import channel_problems
from formsvc.definitions.checks import semantic_problems
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid, format_path
from formsvc.definitions.library import (
    SHARED_FOLDER,
    Library,
    Locator,
    SharedFile,
    default_library,
    expand,
    read_library,
)
from formsvc.definitions.schema import FormDefinition
from formsvc.definitions.yaml_source import Path, YamlSyntaxError, parse
from formsvc.fields import REGISTRY


@dataclass(frozen=True)
class LoadedDefinition:
    definition: FormDefinition
    source: str  # the YAML text, kept so that exports and diffs show what was written
    filename: str

    @property
    def document(self) -> dict:
        """The definition as JSON-compatible data (what the database stores)."""
        return self.definition.model_dump(mode="json", by_alias=True, exclude_none=True)

    @property
    def checksum(self) -> str:
        canonical = json.dumps(self.document, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


def load_text(text: str, filename: str = "<definition>", library: Library | None = None) -> LoadedDefinition:
    """Validate one definition; raise DefinitionInvalid listing every error found.

    ``library`` holds the shared blocks and lists that `use:` and `choice_list:` may name;
    by default the ``shared/`` folder beside ``filename``, else the configured definitions
    folder's (formsvc.definitions.library.default_library)."""
    if library is None:
        library = default_library(filename)
    try:
        data, source, duplicates = parse(text)
    except YamlSyntaxError as error:
        raise DefinitionInvalid([DefinitionError(
            filename, error.position.line, error.position.column, format_path(error.path), error.message
        )]) from None
    errors = [
        _error(filename, source.key_position(dup.path), dup.path,
               f"キー '{dup.path[-1]}' が2回書かれています ({dup.first.line}行目にもあります)")
        for dup in duplicates
    ]
    if not isinstance(data, dict):
        errors.append(_error(filename, source.value_position(()), (),
                             "定義は id, title, pages などのキーを持つマッピングにしてください"))
        raise DefinitionInvalid(errors)
    expanded = expand(data, source, filename, library)
    if expanded.errors:
        # A `use:` that cannot be expanded leaves its questions out: whatever else would be
        # reported about them (unknown references...) would only be noise.
        raise DefinitionInvalid([*errors, *expanded.errors])
    data, locator = expanded.data, expanded.locator
    try:
        definition = FormDefinition.model_validate(data)
    except ValidationError as invalid:
        errors.extend(_schema_errors(invalid, data, locator))
        raise DefinitionInvalid(list(dict.fromkeys(errors))) from None
    problems = list(semantic_problems(definition))
    for problem in problems:
        errors.append(locator.error(problem.path, problem.message))
    # Overrides are written in the definition itself (never in a block): located as written.
    # The channels' checks leave out what the definition reports: given, not found again.
    for channel_problem in channel_problems(definition, known=problems):
        errors.append(locator.channel_error(channel_problem.path, channel_problem.message, channel_problem.at_key))
    if errors:
        raise DefinitionInvalid(list(dict.fromkeys(errors)))
    return LoadedDefinition(definition, text, filename)


def load_file(path: FilePath | str, library: Library | None = None) -> LoadedDefinition:
    path = FilePath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DefinitionInvalid([DefinitionError(
            str(path), 1, 1, "", f"UTF-8 のテキストとして読めません ({error.reason})"
        )]) from None
    return load_text(text, str(path), library)


def definition_files(paths: Iterable[FilePath | str]) -> list[FilePath]:
    """YAML files named directly or found in the given directories, in a stable order.

    A directory's ``shared/`` folder holds the library (blocks and lists), not definitions:
    it is not searched (library_errors checks its files)."""
    files: list[FilePath] = []
    for path in map(FilePath, paths):
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return files


def library_folders(paths: Iterable[FilePath | str]) -> list[FilePath]:
    """The libraries of the given directories (their ``shared/`` folders that exist)."""
    folders = []
    for path in map(FilePath, paths):
        if path.is_dir() and (path / SHARED_FOLDER).is_dir():
            folders.append(path / SHARED_FOLDER)
    return folders


def load_all(paths: Iterable[FilePath | str],
             library: Library | None = None) -> tuple[list[LoadedDefinition], list[DefinitionError]]:
    """Load every definition; also report ids used by two files, and every error in the
    libraries (``shared/``) of the directories given."""
    paths = list(paths)
    loaded: list[LoadedDefinition] = []
    errors: list[DefinitionError] = []
    seen: dict[str, str] = {}
    for folder in library_folders(paths):
        errors.extend(library_errors(read_library(folder) if library is None else library))
    for file in definition_files(paths):
        if not file.exists():
            errors.append(DefinitionError(str(file), 1, 1, "", "ファイルがありません"))
            continue
        try:
            item = load_file(file, library)
        except DefinitionInvalid as invalid:
            errors.extend(error for error in invalid.errors if error not in errors)
            continue
        form_id = item.definition.id
        if form_id in seen:
            errors.append(DefinitionError(
                str(file), 1, 1, "id", f"id '{form_id}' は {seen[form_id]} でも使われています。"
                                       "手続きごとに別の id にしてください"))
            continue
        seen[form_id] = str(file)
        loaded.append(item)
    return loaded, errors


# --- the library's own files ---------------------------------------------------------------------

# A definition around one block or list, so that its questions and choices are checked exactly
# as they are where they are used. Errors are located in the block's file.
_CHECK_FILE = "<shared-check>"
_CHECK_TEXT = """\
id: shared-library-check
title: check
description: check
department: {name: check}
declaration: check
next_steps: check
retention: {years: 1}
pages:
  - id: shared_library_check_page
    title: check
    fields: []
"""


def library_errors(library: Library) -> list[DefinitionError]:
    """Every error in a library's files, each at its own file:line:column: the files' form,
    then each block's questions and each list's choices as a definition would check them."""
    errors = list(library.problems)
    for block in library.blocks.values():
        if block.usable:
            errors.extend(_checked_alone(library, {"use": block.id}, block))
    for shared in library.lists.values():
        if shared.usable:
            question = {"type": "select", "id": "shared_library_check", "label": "check", "choice_list": shared.id}
            errors.extend(_checked_alone(library, question, shared))
    return list(dict.fromkeys(errors))


def _checked_alone(library: Library, item: dict, shared: SharedFile) -> list[DefinitionError]:
    data, source, _ = parse(_CHECK_TEXT)
    data["pages"][0]["fields"] = [item]
    expanded = expand(data, source, _CHECK_FILE, library)
    found = list(expanded.errors)
    if not found:
        try:
            definition = FormDefinition.model_validate(expanded.data)
        except ValidationError as invalid:
            found = list(_schema_errors(invalid, expanded.data, expanded.locator))
        else:
            found = [expanded.locator.error(p.path, p.message) for p in semantic_problems(definition)]
            found += [expanded.locator.channel_error(p.path, p.message, p.at_key)
                      for p in channel_problems(definition)]
    # Only what is wrong in the shared file is its error; the surrounding check is not a file.
    return [replace(error, used_in="", used_line=0, used_column=0) for error in found if error.file == shared.file]


# --- schema errors, in words an administrator can act on --------------------------------

def _error(filename: str, position, path: Path, message: str) -> DefinitionError:
    return DefinitionError(filename, position.line, position.column, format_path(path), message)


def _schema_errors(invalid: ValidationError, data: Any, locator: Locator):
    # Errors from alternatives of one union come out as one error per alternative: group them.
    grouped: dict[Path, list[tuple[str | None, ErrorDetails]]] = {}
    for error in invalid.errors(include_url=False):
        path, branch = _data_path(error["loc"], data)
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, "type")
        grouped.setdefault(path, []).append((branch, error))
    for path, entries in grouped.items():
        branches = [branch for branch, _ in entries if branch]
        first = entries[0][1]
        if len(entries) > 1 and branches:
            message = "書き方が正しくありません。使える形: " + "、".join(
                dict.fromkeys(BRANCH_WORDS.get(b, b) for b in branches)
            )
        else:
            message = _message(first, path, data)
        # An unknown key is reported at the key itself; anything else at its value.
        at_key = first["type"] == "extra_forbidden"
        yield locator.error(path, message, at_key)


BRANCH_WORDS = {
    "int": "整数",
    "float": "数値",
    "str": "文字列",
    "bool": "true / false",
    "date": "日付 (例: 2025-04-01)",
    "DateOffset": "{days_from_today: 日数}",
    "BusinessDayOffset": "{business_days_from_today: 開庁日の数}",
    "FieldRef": "{field: 項目ID}",
    "list[...]": "リスト",
}


def _data_path(loc: tuple, data: Any) -> tuple[Path, str | None]:
    """Drop pydantic's union tags from a location, keeping only keys present in the data.

    Returns the path and the name of the union alternative the error came from, if any.
    """
    path: list[str | int] = []
    node = data
    branch: str | None = None
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and part == node.get("type"):
            continue  # discriminator tag of a field
        elif isinstance(node, dict) and isinstance(part, str) and part.startswith("function-"):
            continue
        elif isinstance(part, str) and not (isinstance(node, dict) and part in node):
            if isinstance(node, dict) and _looks_like_key(part):
                path.append(part)  # a missing key: point at its parent mapping
                node = None
            else:
                branch = branch or part
        else:
            path.append(part)
            node = None
    return tuple(path), branch


def _looks_like_key(part: str) -> bool:
    return part.isidentifier() and part not in BRANCH_WORDS and part[0].islower()


def _message(error: ErrorDetails, path: Path, data: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    key = path[-1] if path else ""
    given = error.get("input")
    if kind == "missing":
        return f"'{key}' を書いてください (必須です)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1], data)
        hint = _did_you_mean(str(key), allowed)
        return f"'{key}' というキーは使えません。{hint}使えるキー: {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        tags = sorted(REGISTRY)
        hint = _did_you_mean(str(ctx.get("tag")), tags)
        return f"不明な項目タイプ '{ctx.get('tag')}' です。{hint}使えるタイプ: {', '.join(tags)}"
    if kind == "union_tag_not_found":
        return f"項目には type を書いてください。使えるタイプ: {', '.join(sorted(REGISTRY))}"
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return f"'{given}' は使えません。使える値: {expected}"
    if kind == "string_pattern_mismatch":
        return f"'{given}' は形式が正しくありません。{_pattern_words(ctx.get('pattern', ''))}"
    if isinstance(given, bool) and kind not in ("bool_type", "bool_parsing"):
        return (f"YAMLでは引用符のない {str(given).lower()} / yes / no / on / off は真偽値と"
                "読まれます。文字列にするには引用符で囲んでください (例: \"no\")")
    if kind in ("string_type", "str_type"):
        return "文字列を書いてください"
    if kind == "model_type" and ctx.get("class_name") == "LocalizedText":
        return "文字列 (または {ja: 日本語, en: English}) を書いてください"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"整数を書いてください ('{given}' は整数ではありません)"
    if kind in ("float_type", "float_parsing", "decimal_parsing", "decimal_type"):
        return f"数値を書いてください ('{given}' は数値ではありません)"
    if kind in ("bool_type", "bool_parsing"):
        return "true か false を書いてください"
    if kind in ("list_type",):
        return "リスト (各行を「- 」で始める) を書いてください"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "キーと値のマッピング (key: value) を書いてください"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return "日付を YYYY-MM-DD の形で書いてください"
    if kind == "too_short":
        return f"少なくとも{ctx.get('min_length')}個必要です"
    if kind == "too_long":
        return f"{ctx.get('max_length')}個までにしてください"
    if kind == "string_too_short":
        return "空にはできません"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        words = {"greater_than_equal": "以上", "greater_than": "より大きい数",
                 "less_than_equal": "以下", "less_than": "より小さい数"}[kind]
        return f"{limit}{words}にしてください ('{given}' は使えません)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    return error["msg"]


PATTERN_WORDS = {
    r"^[a-z][a-z0-9_]{0,62}$": "IDは英小文字で始まり、英小文字・数字・_ だけにしてください (例: child_name)",
    r"^[a-z][a-z0-9-]{1,62}$": "手続きIDは英小文字で始まり、英小文字・数字・- だけにしてください (例: juminhyo-copy)",
}


def _pattern_words(pattern: str) -> str:
    return PATTERN_WORDS.get(pattern, f"正規表現 {pattern} に合うように書いてください")


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"'{close[0]}' の書き間違いではありませんか。" if close else ""


def _allowed_keys(path: Path, data: Any) -> list[str]:
    """The keys the model at ``path`` accepts, found by walking the schema with the data."""
    model: Any = FormDefinition
    node = data
    for part in path:
        model = _concrete(model, node)
        if isinstance(part, int):
            model = _item_type(model)
        elif isinstance(model, type) and issubclass(model, BaseModel):
            field = next((f for name, f in model.model_fields.items()
                          if (f.alias or name) == part), None)
            if field is None:
                return []
            model = field.annotation
        else:
            model = _item_type(model)  # dict values
        node = _child(node, part)
    model = _concrete(model, node)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _child(node: Any, part: str | int) -> Any:
    """The value of a mapping's key or a list's item in the data (None for anything else)."""
    if isinstance(node, dict):
        return node[part]
    if isinstance(node, list) and isinstance(part, int):
        return node[part]
    return None


def _concrete(annotation: Any, node: Any) -> Any:
    """Unwrap Annotated/Optional/Union down to the model that the data selects."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            # A list in the data selects the list alternative (next_steps: text or a list).
            listed = [a for a in (typing.get_args(m)[0] if typing.get_origin(m) is typing.Annotated else m
                                  for m in members) if typing.get_origin(a) is list]
            if isinstance(node, list) and listed:
                return listed[0]
            if isinstance(node, dict) and node.get("type") in REGISTRY and len(members) > 2:
                return REGISTRY[node["type"]]
            models = [m for m in members
                      if isinstance(_concrete(m, node), type)
                      and issubclass(_concrete(m, node), BaseModel)]
            annotation = _concrete(models[0], node) if models else members[0]
            return annotation
        else:
            return annotation


def _item_type(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    return args[-1] if args else Any
