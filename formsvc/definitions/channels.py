"""Per-channel definitions: what the counter (書かない窓口) or online (行かない窓口) asks differently.

A definition may say, under ``channels:``, which pages and questions a channel does not ask,
how a question reads there (label, hint, limits: any key of its type), the pages' titles, and
the channel's declaration, documents, next steps and ``same_day_issue``::

    channels:
      counter:
        same_day_issue: true
        pages: {receiving: {omit: true}}
        fields: {requester: {label: 住民票が必要な方と申請者の関係}}

``derive`` builds the channel's definition from the whole document, validated again like any
definition. ``channel_problems`` checks the overrides as the loader checks everything else:
unknown ids, keys that the question's type does not have, and whatever the channel's
definition gets wrong that the definition itself does not (a question omitted that a condition
or a rule still reads), each at the override that causes it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from formsvc.definitions.checks import english_problems, semantic_problems, structure_problems
from formsvc.definitions.errors import format_path
from formsvc.definitions.schema import ChannelOverride, FormDefinition
from formsvc.fields import FieldSpec, Problem

Path = tuple[str | int, ...]

CHANNEL_NAMES = ("online", "counter")
CHANNEL_LABELS = {"online": "オンライン", "counter": "窓口"}
# Keys a channel cannot change: they are what the question is, not how it is asked.
FIXED_KEYS = ("id", "type")
# What a channel replaces as a whole.
REPLACED = ("next_steps", "declaration", "documents")


def override_of(definition: FormDefinition, channel: str) -> ChannelOverride | None:
    if definition.channels is None:
        return None
    return getattr(definition.channels, "online" if channel == "preview" else channel, None)


def field_changes(override: Any) -> dict[str, Any]:
    """The keys a field override changes (everything but ``omit``)."""
    return {key: value for key, value in (override.model_extra or {}).items()}


# --- the channel's definition -------------------------------------------------------------------

@dataclass
class _Derived:
    data: dict
    # Index maps from the channel's document back to the definition's: page index, and per
    # kept page its field indexes.
    pages: list[int]
    fields: dict[int, list[int]]
    rules: list[int]


def _derive_data(definition: FormDefinition, channel: str, override: ChannelOverride) -> _Derived:
    data = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("channels", None)
    if override.same_day_issue is not None:
        data["same_day_issue"] = override.same_day_issue
    for key in REPLACED:
        value = getattr(override, key)
        if value is not None:
            dumped = override.model_dump(mode="json", by_alias=True, exclude_none=True, include={key})
            data[key] = dumped[key]
    omitted_fields = {fid for fid, item in override.fields.items() if item.omit}
    pages, kept_pages, kept_fields = [], [], {}
    for p, page in enumerate(data["pages"]):
        page_override = override.pages.get(page["id"])
        if page_override is not None and page_override.omit:
            continue
        if page_override is not None:
            for key in ("title", "description"):
                value = getattr(page_override, key)
                if value is not None:
                    page[key] = value.model_dump(mode="json", exclude_none=True)
        fields, kept = [], []
        for f, spec in enumerate(page.get("fields", [])):
            if spec["id"] in omitted_fields:
                continue
            changes = override.fields.get(spec["id"])
            if changes is not None:
                spec = _merged(spec, field_changes(changes))
            fields.append(spec)
            kept.append(f)
        page["fields"] = fields
        kept_fields[p] = kept
        kept_pages.append(p)
        pages.append(page)
    data["pages"] = pages
    omitted_rules = {rid for rid, item in override.rules.items() if item.omit}
    kept_rules = [r for r, rule in enumerate(data.get("rules", [])) if rule["id"] not in omitted_rules]
    data["rules"] = [data["rules"][r] for r in kept_rules]
    return _Derived(data, kept_pages, kept_fields, kept_rules)


def _merged(spec: dict, changes: dict[str, Any]) -> dict:
    """A question's document with a channel's changes: a key set to null is removed (a limit or a
    condition the channel does not have)."""
    merged = dict(spec)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def derive(definition: FormDefinition, channel: str) -> FormDefinition:
    """The definition as ``channel`` asks it; ``definition`` itself when it has nothing for it.

    Raises ValidationError for overrides the loader would have refused (channel_problems)."""
    override = override_of(definition, channel)
    if override is None:
        return definition
    return FormDefinition.model_validate(_derive_data(definition, channel, override).data)


# --- checks ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelProblem:
    path: Path  # in the definition as written (channels.<channel>...)
    message: str
    at_key: bool = False


_QUOTED_ID = re.compile(r"'([a-z][a-z0-9_]{0,62})'")


def channel_problems(definition: FormDefinition,
                     known: Iterable[Problem] | None = None) -> Iterator[ChannelProblem]:
    """Every mistake in ``channels:``, at the override that makes it.

    ``known``: semantic_problems(definition), when the caller has them already (the loader):
    a channel's definition reports only what the definition itself does not."""
    if definition.channels is None:
        return
    base_problems = None if known is None else {(p.path, p.message) for p in known}
    for channel in CHANNEL_NAMES:
        override = override_of(definition, channel)
        if override is None:
            continue
        own = list(_override_problems(definition, channel, override))
        yield from own
        if own:
            continue  # the channel's definition cannot be built well: its problems would be noise
        if base_problems is None:
            base_problems = {(p.path, p.message) for p in semantic_problems(definition)}
        yield from _derived_problems(definition, channel, override, base_problems)


def _label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def _hint(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"'{close[0]}' の書き間違いではありませんか。" if close else ""


def _override_problems(definition: FormDefinition, channel: str,
                       override: ChannelOverride) -> Iterator[ChannelProblem]:
    base: Path = ("channels", channel)
    label = _label(channel)
    page_ids = [page.id for page in definition.pages]
    for page_id in override.pages:
        if page_id not in page_ids:
            yield ChannelProblem((*base, "pages", page_id),
                                 f"{label} (channels.{channel}) のページ '{page_id}' はこの定義にありません。"
                                 f"{_hint(page_id, page_ids)}使えるページ: {', '.join(page_ids)}", at_key=True)
    field_ids = [spec.id for spec in definition.all_fields()]
    for field_id, item in override.fields.items():
        spec = definition.field_by_id(field_id)
        where: Path = (*base, "fields", field_id)
        if spec is None:
            yield ChannelProblem(where, f"{label} (channels.{channel}) の項目 '{field_id}' はこの定義にありません。"
                                        f"{_hint(field_id, field_ids)}共通ブロックの項目は prefix を付けた"
                                        "ID (例: applicant_name) で書いてください", at_key=True)
            continue
        changes = field_changes(item)
        if item.omit and changes:
            yield ChannelProblem(where, f"{label}で省略する項目 '{field_id}' に、ほかの変更 "
                                        f"({', '.join(changes)}) は書けません。omit か変更のどちらかにしてください")
            continue
        yield from _field_change_problems(spec, changes, where, label)
    rule_ids = [rule.id for rule in definition.rules]
    for rule_id in override.rules:
        if rule_id not in rule_ids:
            yield ChannelProblem((*base, "rules", rule_id),
                                 f"{label} (channels.{channel}) のルール '{rule_id}' はこの定義にありません。"
                                 f"{_hint(rule_id, rule_ids)}ルール: {', '.join(rule_ids) or '(なし)'}", at_key=True)
    pages_alone = [page for page in definition.pages
                   if not (override.pages.get(page.id) and override.pages[page.id].omit)]
    if not any(page.kind == "question" for page in pages_alone):
        yield ChannelProblem((*base, "pages"), f"{label}ではすべての質問ページを省略しています。"
                                               "1つ以上のページを残してください")
    for page in pages_alone:
        if page.fields and all(override.fields.get(spec.id) is not None and override.fields[spec.id].omit
                               for spec in page.fields):
            yield ChannelProblem((*base, "fields"),
                                 f"{label}ではページ '{page.id}' の項目をすべて省略しています。"
                                 f"ページごと省略してください (pages: {{{page.id}: {{omit: true}}}})")


def _field_change_problems(spec: FieldSpec, changes: dict[str, Any], where: Path,
                           label: str) -> Iterator[ChannelProblem]:
    from formsvc.definitions.loader import _message  # the loader's words for schema errors

    cls = type(spec)
    allowed = [info.alias or name for name, info in cls.model_fields.items() if name not in FIXED_KEYS]
    bad = False
    for key in changes:
        if key in FIXED_KEYS:
            yield ChannelProblem((*where, key), f"{label}では項目の {key} は変えられません。"
                                                "別の質問にするときは、項目を分けて省略 (omit) で切り替えてください",
                                 at_key=True)
            bad = True
        elif key not in allowed:
            yield ChannelProblem((*where, key), f"'{key}' は {spec.type} 項目のキーではありません。"
                                                f"{_hint(key, allowed)}使えるキー: omit, {', '.join(allowed)}",
                                 at_key=True)
            bad = True
    if bad:
        return
    document = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    merged = _merged(document, changes)
    try:
        cls.model_validate(merged)
    except ValidationError as invalid:
        for error in invalid.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
            if loc and loc[0] in changes:
                path: Path = (*where, *loc)
                message = _message(error, path, merged)
                # A key missing inside a changed value is reported where the value is written.
                at = path if _exists(changes, loc) else (*where, loc[0])
            else:
                at = where
                message = _message(error, loc, merged)
            yield ChannelProblem(at, f"{label}での項目 '{spec.id}' の変更: {message}")


def _exists(data: Any, path: Path) -> bool:
    for part in path:
        inside = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data))
        if inside:
            data = data[part]
        else:
            return False
    return True


def _derived_problems(definition: FormDefinition, channel: str, override: ChannelOverride,
                      base_problems: set[tuple[Path, str]]) -> Iterator[ChannelProblem]:
    base: Path = ("channels", channel)
    label = _label(channel)
    derived = _derive_data(definition, channel, override)
    try:
        channel_definition = FormDefinition.model_validate(derived.data)
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        yield ChannelProblem(base, f"{label}の定義を組み立てられません: {format_path(tuple(first['loc']))}: "
                                   f"{first['msg']}")
        return
    omitted = _omitted(definition, channel, override)
    for problem in _channel_semantic_problems(channel_definition, channel, override, derived):
        path = _base_path(problem.path, derived)
        if (path, problem.message) in base_problems:
            continue
        referenced = next((name for name in _QUOTED_ID.findall(problem.message) if name in omitted), None)
        what = _describe(definition, path)
        if referenced is not None:
            name, at = omitted[referenced]
            inside = f" (項目 '{referenced}' を含みます)" if name != referenced else ""
            yield ChannelProblem(at, f"{label} (channels.{channel}) では '{name}' を省略していますが{inside}、"
                                     f"{what} が '{referenced}' を参照しています。参照している側も{label}で"
                                     f"省略・変更するか、'{name}' を省略しないでください")
        else:
            yield ChannelProblem(_written_at(definition, override, channel, path),
                                 f"{label} (channels.{channel}) の定義で {what}: {problem.message}")


def _channel_semantic_problems(channel_definition: FormDefinition, channel: str,
                               override: ChannelOverride, derived: _Derived) -> Iterator[Problem]:
    """semantic_problems of the channel's definition, less what cannot differ from the
    definition's own (and would be dropped as already reported): the dates (a channel has none
    of its own) and the English of every text the channel does not override (the same text, at
    the same place)."""
    yield from structure_problems(channel_definition)
    if channel == "counter":
        return  # the counter's pages are in Japanese: staff wording needs no English
    yield from english_problems(channel_definition, within=_overridden_texts(override, derived))


def _overridden_texts(override: ChannelOverride, derived: _Derived) -> list[Path]:
    """Where, in the channel's document, the texts it changes can be: the pages' overridden
    titles and descriptions, each changed question, and the replaced next steps, declaration
    and documents."""
    data = derived.data
    changed: list[Path] = []
    for p, page in enumerate(data["pages"]):
        page_override = override.pages.get(page["id"])
        if page_override is not None:
            changed += [("pages", p, key) for key in ("title", "description")
                        if getattr(page_override, key) is not None]
        changed += [("pages", p, "fields", f) for f, spec in enumerate(page["fields"])
                    if spec["id"] in override.fields]
    changed += [(key,) for key in REPLACED if getattr(override, key) is not None]
    return changed


def _omitted(definition: FormDefinition, channel: str,
             override: ChannelOverride) -> dict[str, tuple[str, Path]]:
    """Each id the channel does not ask, with the id that omits it and that omit's path."""
    found: dict[str, tuple[str, Path]] = {}
    for page in definition.pages:
        page_override = override.pages.get(page.id)
        if page_override is not None and page_override.omit:
            at: Path = ("channels", channel, "pages", page.id, "omit")
            found[page.id] = (page.id, at)
            for spec in page.fields:
                found[spec.id] = (page.id, at)
    for field_id, item in override.fields.items():
        if item.omit:
            found[field_id] = (field_id, ("channels", channel, "fields", field_id, "omit"))
    return found


def _base_path(path: Path, derived: _Derived) -> Path:
    """A path of the channel's document as the same place in the definition's."""
    if len(path) >= 2 and path[0] == "pages" and isinstance(path[1], int) and path[1] < len(derived.pages):
        p = derived.pages[path[1]]
        if len(path) >= 4 and path[2] == "fields" and isinstance(path[3], int) and path[3] < len(derived.fields[p]):
            return ("pages", p, "fields", derived.fields[p][path[3]], *path[4:])
        return ("pages", p, *path[2:])
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int) and path[1] < len(derived.rules):
        return ("rules", derived.rules[path[1]], *path[2:])
    return path


def _describe(definition: FormDefinition, path: Path) -> str:
    """The thing at ``path``, as an administrator names it: 項目 'x'、ルール 'y'…"""
    if path[:1] == ("pages",) and len(path) >= 2 and isinstance(path[1], int):
        page = definition.pages[path[1]]
        if len(path) >= 4 and path[2] == "fields" and isinstance(path[3], int):
            return f"項目 '{page.fields[path[3]].id}' ({format_path(path)})"
        return f"ページ '{page.id}' ({format_path(path)})"
    named: dict[str, tuple[str, list[str]]] = {
        "rules": ("ルール", [rule.id for rule in definition.rules]),
        "computed": ("計算値", [item.id for item in definition.computed]),
        "outcomes": ("手続き (outcomes)", [item.id for item in definition.outcomes]),
    }
    if path and path[0] in named and len(path) >= 2 and isinstance(path[1], int):
        kind, ids = named[str(path[0])]
        if path[1] < len(ids):
            return f"{kind} '{ids[path[1]]}' ({format_path(path)})"
    return format_path(path) or "定義"


def _written_at(definition: FormDefinition, override: ChannelOverride, channel: str, path: Path) -> Path:
    """Where a problem of the channel's definition is written: in the override that changed
    that place, else at ``channels.<channel>``."""
    base: Path = ("channels", channel)
    if path[:1] == ("pages",) and len(path) >= 2 and isinstance(path[1], int):
        page = definition.pages[path[1]]
        if len(path) >= 4 and path[2] == "fields" and isinstance(path[3], int):
            field_id = page.fields[path[3]].id
            item = override.fields.get(field_id)
            if item is not None:
                rest = path[4:]
                if rest and rest[0] in field_changes(item):
                    return (*base, "fields", field_id, *rest)
                return (*base, "fields", field_id)
        elif len(path) >= 3 and path[2] in ("title", "description") and page.id in override.pages:
            return (*base, "pages", page.id, *path[2:])
    if path and path[0] in REPLACED and getattr(override, str(path[0])) is not None:
        return (*base, *path)
    return base
