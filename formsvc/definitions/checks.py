"""Checks that need the whole definition: references, ids, order, cycles, reachability.

The schema has already checked each piece's shape; here we check how the pieces fit.
Each problem carries the path of the offending value in the YAML document.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from datetime import date

from pydantic import BaseModel

from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldSpec, Problem
from formsvc.fields.base import registered_types
from formsvc.vocabulary.common import LocalizedText, Scalar
from formsvc.vocabulary.conditions import (
    COMPARISONS,
    REFERABLE,
    ComputedRef,
    Condition,
    CountRef,
    DateOffset,
    FieldRef,
)
from formsvc.vocabulary.expressions import Expression

Path = tuple[str | int, ...]


def semantic_problems(definition: FormDefinition) -> Iterator[Problem]:
    yield from structure_problems(definition)
    yield from _period_problems(definition)
    yield from english_problems(definition)


def structure_problems(definition: FormDefinition) -> Iterator[Problem]:
    """semantic_problems without the dates and the English: what a channel's definition (which
    can change neither the dates nor, but where it overrides, a text) must be checked for again."""
    checker = _Checker(definition)
    yield from checker.duplicate_ids()
    yield from checker.field_problems()
    yield from checker.condition_problems()
    yield from checker.for_each_problems()
    yield from checker.expression_problems()
    yield from checker.page_problems()
    yield from checker.outcome_problems()


def _period_problems(definition: FormDefinition) -> Iterator[Problem]:
    """受付期間: the last day must not come before the first (valid_until is inclusive)."""
    if definition.valid_from and definition.valid_until and definition.valid_until < definition.valid_from:
        yield Problem(("valid_until",), f"valid_until ({definition.valid_until}) が valid_from "
                                        f"({definition.valid_from}) より前になっています。"
                                        "受付終了日は受付開始日以降にしてください")


# Texts residents never see (the staff's records management basis; the counter's wording, read
# by staff who enter the application in Japanese): no English needed.
NOT_SHOWN_TO_RESIDENTS = {("retention", "basis"), ("channels", "counter")}
MISSING_ENGLISH = "英語の訳がありません（title に英語があるため、表示する文にはすべて en が必要です）"


def english_problems(definition: FormDefinition, within: Collection[Path] | None = None) -> Iterator[Problem]:
    """A definition that gives English for its title is offered in English: then every text it
    shows must have its English, or the English pages would show Japanese here and there. Each
    missing one is reported where it is written.

    ``within``: only the texts at or under these paths (a channel's definition, whose other texts
    are the definition's own, already checked); None: every text."""
    if not definition.title.en:
        return
    found: list[tuple[Path, LocalizedText]] = []
    _collect_texts(definition, (), found, None if within is None else _prefixes(within))
    for path, text in found:
        # Blank English (spaces only) shows nothing where the Japanese would be: as good as none.
        if not (text.en or "").strip() and path[:2] not in NOT_SHOWN_TO_RESIDENTS:
            yield Problem(path, MISSING_ENGLISH)


def _prefixes(within: Collection[Path]) -> dict[Path, bool]:
    """Each path of ``within`` (True: walk all of it) and each proper prefix (False: only towards it)."""
    marks: dict[Path, bool] = {}
    for path in within:
        for end in range(len(path)):
            marks.setdefault(path[:end], False)
    for path in within:
        marks[path] = True
    return marks


# Values that hold no text: not walked into (most of what a definition holds).
_ATOMS = (str, int, float, date, type(None))
# Per model class, its fields as (attribute, YAML key): model_fields builds a new dict each call.
_FIELD_KEYS: dict[type, list[tuple[str, str]]] = {}


def _collect_texts(value: object, path: Path, found: list[tuple[Path, LocalizedText]],
                   marks: dict[Path, bool] | None) -> None:
    """Every Text inside ``value`` with its path as written (YAML keys: aliases such as ``if``),
    in document order. ``marks`` (from _prefixes): only under the marked paths."""
    if marks is not None:
        mark = marks.get(path)
        if mark is None:
            return
        if mark:
            marks = None
    if isinstance(value, LocalizedText):
        found.append((path, value))
    elif isinstance(value, BaseModel):
        cls = type(value)
        keys = _FIELD_KEYS.get(cls)
        if keys is None:
            keys = _FIELD_KEYS[cls] = [(name, info.alias or name) for name, info in cls.model_fields.items()]
        for name, key in keys:
            item = getattr(value, name)
            if not isinstance(item, _ATOMS):
                _collect_texts(item, (*path, key), found, marks)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if not isinstance(item, _ATOMS):
                _collect_texts(item, (*path, i), found, marks)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, _ATOMS):
                _collect_texts(item, (*path, key), found, marks)


class _Checker:
    def __init__(self, definition: FormDefinition):
        self.d = definition
        self.page_index = {page.id: i for i, page in enumerate(definition.pages)}
        self.computed = {c.id: c for c in definition.computed}

    # --- ids -------------------------------------------------------------------------------

    def duplicate_ids(self) -> Iterator[Problem]:
        seen: dict[str, str] = {}

        def claim(identifier: str, path: Path, what: str) -> Iterator[Problem]:
            if identifier in seen:
                yield Problem((*path, "id"), f"ID '{identifier}' が重複しています "
                                             f"({seen[identifier]} でも使われています)。別のIDにしてください")
            else:
                seen[identifier] = what

        # Pages, fields and computed values share one namespace (they appear together in URLs,
        # answers and exports), so say which kind of thing already has the id.
        for p, page in enumerate(self.d.pages):
            yield from claim(page.id, ("pages", p), f"ページ pages[{p}] のID")
        for p, page in enumerate(self.d.pages):
            for f, spec in enumerate(page.fields):
                yield from claim(spec.id, ("pages", p, "fields", f), f"項目 pages[{p}].fields[{f}] のID")
        for c, computed in enumerate(self.d.computed):
            yield from claim(computed.id, ("computed", c), f"計算値 computed[{c}] のID")
        for name, choices in self.d.choice_lists.items():
            values: set[str] = set()
            for i, choice in enumerate(choices):
                if choice.value in values:
                    yield Problem(("choice_lists", name, i, "value"),
                                  f"選択肢の値 '{choice.value}' が一覧 '{name}' の中で重複しています")
                values.add(choice.value)
        rule_ids: set[str] = set()
        for r, rule in enumerate(self.d.rules):
            if rule.id in rule_ids:
                yield Problem(("rules", r, "id"), f"ルールのID '{rule.id}' が重複しています")
            rule_ids.add(rule.id)

    # --- fields ----------------------------------------------------------------------------

    def field_problems(self) -> Iterator[Problem]:
        for p, page in enumerate(self.d.pages):
            for f, spec in enumerate(page.fields):
                base: Path = ("pages", p, "fields", f)
                for problem in [*spec.problems(self.d), *spec.prefill_problems()]:
                    yield Problem((*base, *problem.path), problem.message)
                for ref in sorted(spec.references()):
                    if self.d.field_by_id(ref) is None:
                        # Point at the key that holds the reference (e.g. fills), not the field.
                        key = next((name for name in sorted(spec.model_fields_set)
                                    if getattr(spec, name) == ref), None)
                        yield self._unknown_field(base, ref, key=key)

    # --- conditions ------------------------------------------------------------------------

    def condition_problems(self) -> Iterator[Problem]:
        for p, page in enumerate(self.d.pages):
            if page.show_if is not None:
                yield from self._condition(page.show_if, ("pages", p, "show_if"),
                                           before_page=p, owner=f"ページ '{page.id}'")
            # A field's show_if / required_if may also read an earlier field of its own page (or
            # of its own item, on a repeating page): a conditional reveal decided on the server.
            item_page = page.id if page.repeat is not None else None
            for f, spec in enumerate(page.fields):
                for key in ("show_if", "required_if"):
                    condition = getattr(spec, key)
                    if condition is not None:
                        yield from self._condition(
                            condition, ("pages", p, "fields", f, key),
                            before_page=p, owner=f"項目 '{spec.id}'", before_field=f, item_page=item_page,
                        )
            if page.repeat is not None:
                yield from self._first_item_from(page, ("pages", p, "repeat", "first_item_from"))
        # A computed value is shown (and stored) after every page is answered: any answer may decide.
        for c, item in enumerate(self.d.computed):
            if item.show_if is not None:
                yield from self._condition(item.show_if, ("computed", c, "show_if"))
        for d, document in enumerate(self.d.documents):
            if document.show_if is not None:
                yield from self._condition(document.show_if, ("documents", d, "show_if"))
        # Next steps and outcomes are shown once every page is answered: any answer may decide them.
        if isinstance(self.d.next_steps, list):
            for s, step in enumerate(self.d.next_steps):
                if step.show_if is not None:
                    yield from self._condition(step.show_if, ("next_steps", s, "show_if"))
        for o, outcome in enumerate(self.d.outcomes):
            if outcome.show_if is not None:
                yield from self._condition(outcome.show_if, ("outcomes", o, "show_if"))
        for r, rule in enumerate(self.d.rules):
            for_each = self._for_each(rule, ("rules", r))
            if rule.when is not None:
                yield from self._condition(rule.when, ("rules", r, "when"), item_page=for_each)
            yield from self._condition(rule.check, ("rules", r, "check"), item_page=for_each)
            if self.d.field_by_id(rule.field) is None:
                yield self._unknown_field(("rules", r), rule.field, key="field")
            else:
                yield from self._rule_placement(rule, ("rules", r))

    def _rule_placement(self, rule, path: Path) -> Iterator[Problem]:
        """A rule is checked when the page of its ``field`` is sent, so every answer it reads
        must be on that page or an earlier one; otherwise it would always fail."""
        target_page = self._page_of(rule.field)
        refs = rule.check.field_references() | (rule.when.field_references() if rule.when else set())
        for ref in sorted(refs):
            page = self.d.page_of(ref)
            if page is not None and self.page_index[page.id] > self.page_index[target_page.id]:
                yield Problem((*path, "field"),
                              f"ルールは項目 '{rule.field}' (ページ '{target_page.id}') の送信時に確かめ"
                              f"ますが、後のページ '{page.id}' の項目 '{ref}' を参照しています。"
                              f"field には '{ref}' のように、参照する項目のうち最も後のページの項目を"
                              "書いてください")

    def _for_each(self, rule, path: Path) -> str | None:
        """The repeating page a ``for_each`` rule is checked inside (None: none, or not usable)."""
        if rule.for_each is None:
            return None
        page = self.d.page_by_id(rule.for_each)
        if page is None or page.repeat is None:
            return None
        return page.id

    def for_each_problems(self) -> Iterator[Problem]:
        for r, rule in enumerate(self.d.rules):
            if rule.for_each is None:
                continue
            path: Path = ("rules", r, "for_each")
            page = self.d.page_by_id(rule.for_each)
            if page is None or page.repeat is None:
                yield from self._repeating_page(rule.for_each, path)
            elif self.d.page_of(rule.field) is not None and self._page_of(rule.field).id != page.id:
                yield Problem(("rules", r, "field"),
                              f"for_each: {page.id} のルールのメッセージは、そのページの項目に表示します。"
                              f"field には繰り返しページ '{page.id}' の項目 "
                              f"({', '.join(spec.id for spec in page.answer_fields())}) を書いてください")

    def _first_item_from(self, page: Page, path: Path) -> Iterator[Problem]:
        """first_item_from: {item field: earlier answer}; both must exist and be of one type."""
        assert page.repeat is not None
        own = {spec.id: spec for spec in page.fields}
        for item_field, source in page.repeat.first_item_from.items():
            target = own.get(item_field)
            if target is None:
                yield Problem((*path, item_field), f"'{item_field}' はこの繰り返しページの項目ではありません。"
                                                   f"使える項目: {', '.join(sorted(own))}")
                continue
            spec = self.d.field_by_id(source)
            if spec is None:
                yield self._unknown_field(path, source, key=item_field)
                continue
            source_page = self._page_of(source)
            if source_page.repeat is not None or self.page_index[source_page.id] >= self.page_index[page.id]:
                yield Problem((*path, item_field), f"'{source}' は前の (繰り返しでない) ページの項目ではない"
                                                   "ため、1件目に入れられません。このページより前のページの項目を"
                                                   "書いてください")
            elif spec.type != target.type:
                yield Problem((*path, item_field), f"'{source}' は {spec.type} 項目、'{item_field}' は "
                                                   f"{target.type} 項目です。同じ種類の項目どうしにしてください")

    def _condition(self, condition: Condition, path: Path, before_page: int | None = None,
                   owner: str = "", before_field: int | None = None,
                   item_page: str | None = None) -> Iterator[Problem]:
        """``before_field``: the index of the field on page ``before_page`` whose condition this is;
        ``item_page``: the repeating page whose item the condition is evaluated inside."""
        for leaf_path, leaf in _leaves(condition, path):
            refs: list[tuple[Path, str]] = []
            if leaf.field:
                refs.append(((*leaf_path, "field"), leaf.field))
            for name in REFERABLE:
                operand = getattr(leaf, name)
                if isinstance(operand, FieldRef):
                    refs.append(((*leaf_path, name, "field"), operand.field))
            for ref_path, ref in refs:
                spec = self.d.field_by_id(ref)
                if spec is None:
                    yield self._unknown_field(ref_path[:-1], ref, key=ref_path[-1])
                    continue
                yield from self._order(ref_path, ref, before_page, owner, before_field)
                yield from self._repeat_scope(ref_path, ref, item_page)
            if leaf.count:
                yield from self._repeating_page(leaf.count, (*leaf_path, "count"))
            yield from self._counts(leaf, leaf_path)
            yield from self._computed_operands(leaf, leaf_path, before_page, owner)
            if leaf.expression is not None:
                yield from self._expression_operand(leaf, leaf_path, before_page, owner, before_field, item_page)
            if leaf.matches is not None and not leaf.field:
                yield Problem((*leaf_path, "matches"), "matches (正規表現) は文字で答える項目の回答にだけ"
                                                       "使えます。{field: 項目ID, matches: ...} の形で書いてください")
            compared = self.d.field_by_id(leaf.field) if leaf.field else None
            if compared is not None:
                yield from self._operator_fits(leaf, compared, leaf_path)

    def _counts(self, leaf: Condition, path: Path) -> Iterator[Problem]:
        """``where`` (inside each item of the counted page) and ``{count: page}`` operands."""
        if leaf.where is not None and leaf.count:
            counted = self.d.page_by_id(leaf.count)
            if counted is not None and counted.repeat is not None:
                yield from self._condition(leaf.where, (*path, "where"), item_page=counted.id)
        for name in COMPARISONS:
            operand = getattr(leaf, name)
            if isinstance(operand, CountRef):
                yield from self._repeating_page(operand.count, (*path, name, "count"))
                counted = self.d.page_by_id(operand.count)
                if operand.where is not None and counted is not None and counted.repeat is not None:
                    yield from self._condition(operand.where, (*path, name, "where"), item_page=counted.id)
                if leaf.field:
                    spec = self.d.field_by_id(leaf.field)
                    if spec is not None and spec.type != "number":
                        yield Problem((*path, name), f"件数 {{count: {operand.count}}} と比べられるのは "
                                                     f"数値 (number) 項目か件数だけです。'{leaf.field}' は "
                                                     f"{spec.type} 項目です")

    def _order(self, path: Path, ref: str, before_page: int | None, owner: str,
               before_field: int | None = None) -> Iterator[Problem]:
        """Conditions decide what is asked, so they may only use answers already given: those
        of earlier pages, and (for a field) those of earlier fields of its own page or item."""
        if before_page is None:
            return
        ref_page = self.page_index[self._page_of(ref).id]
        fields = [spec.id for spec in self.d.pages[before_page].fields]
        if ref_page == before_page and before_field is not None and ref != fields[before_field]:
            if fields.index(ref) < before_field:
                return
            yield Problem(path, f"{owner} の条件が同じページの後の項目 '{ref}' を参照しています。"
                                "同じページの項目は、その項目より前にある項目だけを条件に使えます。"
                                f"'{ref}' を {owner} より前に移してください")
            return
        if ref_page == before_page and (owner.startswith("ページ") or owner == f"項目 '{ref}'"):
            yield Problem(path, f"循環しています: {owner} の表示条件がそれ自身の回答 '{ref}' を"
                                "参照しています。条件には前のページの回答だけを使えます")
        elif ref_page == before_page:
            yield Problem(path, f"{owner} の表示条件が同じページの項目 '{ref}' を参照しています。"
                                "同じページの回答は送信されるまで分からないため、条件には前のページの"
                                "回答だけを使えます。項目を次のページに移してください")
        elif ref_page > before_page:
            yield Problem(path, f"{owner} の表示条件が後のページ "
                                f"'{self.d.pages[ref_page].id}' の項目 '{ref}' を参照しています。"
                                "条件には前のページの回答だけを使えます")

    def _repeat_scope(self, path: Path, ref: str, item_page: str | None = None) -> Iterator[Problem]:
        page = self._page_of(ref)
        if page.repeat is not None and not self._in_item_scope(page, item_page):
            yield Problem(path, f"'{ref}' は繰り返しページ '{page.id}' の項目なので、1つの値として"
                                f"参照できません。件数は {{count: {page.id}}}、合計は sum で使ってください")

    def _repeating_page(self, page_id: str, path: Path) -> Iterator[Problem]:
        page = self.d.page_by_id(page_id)
        if page is None:
            known = ", ".join(p.id for p in self.d.pages if p.repeat) or "(なし)"
            yield Problem(path, f"ページ '{page_id}' がありません。繰り返しページ: {known}")
        elif page.repeat is None:
            yield Problem(path, f"ページ '{page_id}' は繰り返しページではありません (repeat がありません)")

    def _operator_fits(self, leaf: Condition, spec: FieldSpec, path: Path) -> Iterator[Problem]:
        compared = [name for name in COMPARISONS if getattr(leaf, name) is not None]
        if compared and not spec.comparable:
            yield Problem((*path, compared[0]), f"{compared[0]} は{_comparable_types()} の項目にだけ"
                                                f"使えます。'{spec.id}' は {spec.type} 項目です")
        if leaf.contains is not None and not spec.several_choices:
            yield Problem((*path, "contains"), f"contains は複数選択 (checkboxes) の項目にだけ使えます。"
                                               f"'{spec.id}' は {spec.type} 項目です")
        if leaf.matches is not None and not spec.matchable:
            yield Problem((*path, "matches"), f"matches (正規表現) は{_matchable_types()} の項目にだけ"
                                              f"使えます。'{spec.id}' は {spec.type} 項目です")
        for value_path, value in _compared_values(leaf, path):
            message = spec.compared_value_problem(value)
            if message is not None:
                yield Problem(value_path, message)

    # --- expressions -----------------------------------------------------------------------

    def expression_problems(self) -> Iterator[Problem]:
        expressions: list[tuple[Path, Expression]] = []
        if self.d.fee is not None:
            expressions.append((("fee", "amount"), self.d.fee.amount))
        expressions += [(("computed", c, "expression"), item.expression)
                        for c, item in enumerate(self.d.computed)]
        yield from self._value_kinds()
        for path, expression in expressions:
            yield from self._expression(expression, path)
        yield from self._computed_cycles()

    def _expression(self, expression: Expression, path: Path, scope: str | None = None) -> Iterator[Problem]:
        """Each problem is reported at the very node that has it (e.g. ``...multiply[0].field``).
        ``scope``: the repeating page whose item the expression is evaluated inside (a condition's)."""
        for node_path, node, item_page in _expression_nodes(expression, path, scope):
            if node.field:
                yield from self._expression_field((*node_path, "field"), node.field, item_page,
                                                  calculated=True)
            if node.amount:
                amount_path = (*node_path, "amount")
                yield from self._expression_field(amount_path, node.amount, item_page, calculated=False)
                spec = self.d.field_by_id(node.amount)
                if spec is not None and not _amounts(spec):
                    yield Problem(amount_path, f"'{node.amount}' には amount を持つ選択肢が"
                                               "ありません。選択肢に amount を書いてください")
            if node.count:
                yield from self._repeating_page(node.count, (*node_path, "count"))
            if node.computed and node.computed not in self.computed:
                known = ", ".join(self.computed) or "(なし)"
                yield Problem((*node_path, "computed"),
                              f"computed に '{node.computed}' がありません。定義済み: {known}")
            if node.sum is not None:
                yield from self._repeating_page(node.sum.page, (*node_path, "sum", "page"))
            if node.if_ is not None:
                # Fields only tested in a condition may be of any type (e.g. answered: true).
                for leaf_path, leaf in _leaves(node.if_.when, (*node_path, "if", "when")):
                    if leaf.field:
                        yield from self._expression_field((*leaf_path, "field"), leaf.field, item_page,
                                                          calculated=False)
                    for name in COMPARISONS:
                        operand = getattr(leaf, name)
                        if isinstance(operand, FieldRef):
                            yield from self._expression_field((*leaf_path, name, "field"), operand.field,
                                                              item_page, calculated=False)
                    if leaf.count:
                        yield from self._repeating_page(leaf.count, (*leaf_path, "count"))
                    yield from self._computed_operands(leaf, leaf_path, None, "")
                    if leaf.expression is not None:
                        yield from self._expression_operand(leaf, leaf_path, None, "", None, item_page)

    def _expression_field(self, path: Path, ref: str, item_page: str | None,
                          calculated: bool) -> Iterator[Problem]:
        """A field read by an expression; inside ``sum``, ``item_page`` is the page summed over."""
        spec = self.d.field_by_id(ref)
        if spec is None:
            yield self._unknown_field(path[:-1], ref, key=path[-1])
            return
        owner = self._page_of(ref)
        if item_page is None:
            yield from self._repeat_scope(path, ref)
        elif owner.repeat is not None and not self._in_item_scope(owner, item_page) \
                and self.d.page_by_id(item_page) is not None:
            yield Problem(path, f"'{ref}' は繰り返しページ '{item_page}' の項目ではありません")
        if calculated and not spec.computable and spec.type != "date":  # dates: date operators
            yield Problem(path, f"'{ref}' は {spec.type} 項目なので計算に使えません "
                                "(number, yes_no, 選択肢の amount が使えます)")

    def _computed_cycles(self) -> Iterator[Problem]:
        graph = {cid: item.expression.references().computed for cid, item in self.computed.items()}
        index = {cid: c for c, cid in enumerate(self.computed)}
        reported: set[frozenset[str]] = set()
        for start in graph:
            cycle = _find_cycle(start, graph)
            if cycle and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                yield Problem(("computed", index[start], "expression"),
                              "computed の値が循環しています: " + " → ".join([*cycle, cycle[0]]))

    # --- kinds of values (numbers, dates) and conditions on computed values --------------

    def _value_kinds(self) -> Iterator[Problem]:
        """Dates and numbers mixed up (日付に数を足す), a fee that is a date, a deadline that
        is a number: each at the operand that has the wrong kind, saying what to write."""
        if self.d.fee is not None:
            for path, message in self.d.fee.amount.type_problems(self.d, ("fee", "amount")):
                yield Problem(path, message)
            if self.d.fee.amount.result_type(self.d) == "date":
                yield Problem(("fee", "amount"), "手数料 (fee.amount) が日付になる式です。金額になる式を書いてください")
        for c, item in enumerate(self.d.computed):
            for path, message in item.expression.type_problems(self.d, ("computed", c, "expression")):
                yield Problem(path, message)
            kind = item.expression.result_type(self.d)
            if item.role == "deadline" and kind != "date":
                yield Problem(("computed", c, "role"),
                              f"role: deadline (期限) の computed '{item.id}' の式が日付になりません。"
                              "日付になる式 (例: {add_days: {to: {field: death_date}, days: 14}}) にするか、"
                              "role を value にしてください")
            if item.role == "benefit" and kind != "number":
                yield Problem(("computed", c, "role"),
                              f"role: benefit (給付額・補助金額) の computed '{item.id}' の式が金額になりません。"
                              "金額になる式にするか、日付なら role: deadline にしてください")
            if kind == "date" and (item.unit is not None or item.places is not None):
                key = "unit" if item.unit is not None else "places"
                yield Problem(("computed", c, key), f"computed '{item.id}' は日付なので {key} は使えません。"
                                                    f"{key} を消してください")

    def _computed_operands(self, leaf: Condition, path: Path, before_page: int | None,
                           owner: str) -> Iterator[Problem]:
        """``computed:`` leaves and ``{computed: id}`` / offset operands of one condition leaf."""
        refs: list[tuple[Path, str]] = []
        if leaf.computed:
            refs.append(((*path, "computed"), leaf.computed))
        for name in REFERABLE:
            operand = getattr(leaf, name)
            if isinstance(operand, ComputedRef):
                refs.append(((*path, name, "computed"), operand.computed))
        for ref_path, ref in refs:
            if ref not in self.computed:
                known = ", ".join(self.computed) or "(なし)"
                close = difflib.get_close_matches(ref, list(self.computed), n=1, cutoff=0.6)
                hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
                yield Problem(ref_path, f"computed に '{ref}' がありません。{hint}定義済み: {known}")
            elif before_page is not None:
                yield from self._computed_order(ref_path, ref, before_page, owner)
        yield from self._operand_kinds(leaf, path)

    def _computed_order(self, path: Path, computed_id: str, before_page: int, owner: str) -> Iterator[Problem]:
        """A condition that decides what is asked may use a computed value only when every answer
        it is computed from is on an earlier page (so the server knows it before the page)."""
        for ref in sorted(self._computed_fields(computed_id)):
            page = self.d.page_of(ref)
            if page is not None and self.page_index[page.id] >= before_page:
                where = "同じページ" if self.page_index[page.id] == before_page else f"後のページ '{page.id}'"
                yield Problem(path, f"{owner} の表示条件が computed '{computed_id}' を使っていますが、その値は"
                                    f"{where}の項目 '{ref}' から計算されます。条件には前のページの回答から"
                                    "計算できる値だけを使えます。条件を後のページに書くか、項目を前のページに"
                                    "移してください")
                return

    def _computed_fields(self, computed_id: str, seen: frozenset[str] = frozenset()) -> set[str]:
        """Every field a computed value reads, through other computed values (items' fields and
        the fields of the repeating pages it counts included)."""
        item = self.computed.get(computed_id)
        if item is None or computed_id in seen:
            return set()
        refs = item.expression.references()
        fields = refs.fields | refs.item_fields
        for page_id in refs.pages:
            page = self.d.page_by_id(page_id)
            fields |= {spec.id for spec in page.answer_fields()} if page is not None else set()
        for other in refs.computed:
            fields |= self._computed_fields(other, seen | {computed_id})
        return fields

    def _operand_kinds(self, leaf: Condition, path: Path) -> Iterator[Problem]:
        """Offsets only move dates; a date compared with a number (or the reverse) never holds."""
        for name in REFERABLE:
            operand = getattr(leaf, name)
            if isinstance(operand, FieldRef | ComputedRef) and operand.has_offset() \
                    and self._operand_kind(operand) != "date":
                what = f"項目 '{operand.field}'" if isinstance(operand, FieldRef) \
                    else f"computed '{operand.computed}'"
                yield Problem((*path, name), f"days / months / years を足せるのは日付だけです。{what} は"
                                             "日付ではありません")
        actual = self._leaf_kind(leaf)
        if actual is None:
            return
        for name in COMPARISONS:
            operand = getattr(leaf, name)
            if operand is None:
                continue
            expected = self._operand_kind(operand)
            if expected is not None and expected != actual:
                words = {"number": "数値", "date": "日付"}
                yield Problem((*path, name), f"{words[actual]}と{words[expected]}は比べられません。"
                                             f"{name} には{words[actual]}を書いてください"
                                             + (" (例: {days_from_today: 0}、2027-03-31、{field: 日付の項目})"
                                                if actual == "date" else " (例: 100000)"))

    def _expression_operand(self, leaf: Condition, path: Path, before_page: int | None, owner: str,
                            before_field: int | None, item_page: str | None) -> Iterator[Problem]:
        """``expression:`` compared in a condition: the fields it reads are read where the
        condition is (as ``field:`` is: earlier answers only, an item's own fields inside the
        item); what it computes must fit what it is compared with (a number or a date)."""
        assert leaf.expression is not None
        base: Path = (*path, "expression")
        problems = list(self._expression(leaf.expression, base, item_page))
        yield from problems
        if not problems:  # an unknown field reads as a number: its kind would only be noise
            for node_path, message in leaf.expression.type_problems(self.d, base):
                yield Problem(node_path, message)
        for node_path, node, sum_page in _expression_nodes(leaf.expression, base, item_page):
            if problems or sum_page != item_page:
                # An unknown field has no page to be ordered by; inside a sum are the summed
                # page's item fields (checked above).
                continue
            for key in ("field", "amount"):
                ref = getattr(node, key)
                if ref:
                    yield from self._order((*node_path, key), ref, before_page, owner, before_field)
            if node.computed and node.computed in self.computed and before_page is not None:
                yield from self._computed_order((*node_path, "computed"), node.computed, before_page, owner)
        kind = leaf.expression.result_type(self.d)
        for name in ("contains", "matches"):
            if getattr(leaf, name) is not None:
                yield Problem((*path, name), f"{name} は式 (expression) の値には使えません。equals や gte などで"
                                             "比べてください")
        for value_path, value in _compared_values(leaf, path):
            if kind == "date":
                yield Problem(value_path, "式 (expression) の値は日付です。日付は gt / gte / lt / lte で"
                                          "比べてください (例: gte: 2026-04-01)")
            elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
                yield Problem(value_path, f"式 (expression) の値は数値です。数値 (例: 15) と比べてください "
                                          f"('{value}' とは比べられません)")

    def _leaf_kind(self, leaf: Condition) -> str | None:
        """"number" / "date" of what a comparison leaf compares, when it is a computed value or a
        number or date question (other fields are checked by _operator_fits)."""
        if leaf.computed:
            item = self.computed.get(leaf.computed)
            return item.expression.result_type(self.d) if item is not None else None
        if leaf.count:
            return "number"
        if leaf.expression is not None:
            return leaf.expression.result_type(self.d)
        spec = self.d.field_by_id(leaf.field) if leaf.field else None
        if spec is not None and spec.type in ("number", "date"):
            return spec.type
        return None

    def _operand_kind(self, operand: object) -> str | None:
        if isinstance(operand, bool):
            return None
        if isinstance(operand, int | float | CountRef):
            return "number"
        if isinstance(operand, date | DateOffset):
            return "date"
        if isinstance(operand, ComputedRef):
            item = self.computed.get(operand.computed)
            return item.expression.result_type(self.d) if item is not None else None
        if isinstance(operand, FieldRef):
            spec = self.d.field_by_id(operand.field)
            return spec.type if spec is not None and spec.type in ("number", "date") else None
        return None

    # --- outcomes (必要な手続き) -----------------------------------------------------------

    def outcome_problems(self) -> Iterator[Problem]:
        seen: set[str] = set()
        for o, outcome in enumerate(self.d.outcomes):
            if outcome.id in seen:
                yield Problem(("outcomes", o, "id"), f"outcomes のID '{outcome.id}' が重複しています。"
                                                     "別のIDにしてください")
            seen.add(outcome.id)
            if outcome.deadline is None:
                continue
            path: Path = ("outcomes", o, "deadline")
            computed = self.computed.get(outcome.deadline)
            if computed is None:
                known = ", ".join(self.computed) or "(なし)"
                close = difflib.get_close_matches(outcome.deadline, list(self.computed), n=1, cutoff=0.6)
                hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
                yield Problem(path, f"deadline には computed のIDを書いてください。'{outcome.deadline}' は"
                                    f" computed にありません。{hint}定義済み: {known}")
            elif computed.expression.result_type(self.d) != "date":
                yield Problem(path, f"deadline の computed '{outcome.deadline}' は日付になりません。"
                                    "期限は日付になる式 (例: {add_months: {to: {field: death_date}, months: 3}}) "
                                    "の computed にしてください")

    # --- pages -----------------------------------------------------------------------------

    def page_problems(self) -> Iterator[Problem]:
        # The first exit page without show_if ends every application there. That is one mistake,
        # made on that page: it is reported once, there, and the pages after it are still checked
        # for their own mistakes but not each called unreachable (a cascade hides the cause).
        unconditional_exit: str | None = None
        question_pages = 0
        for p, page in enumerate(self.d.pages):
            path: Path = ("pages", p)
            if _never_true(page.show_if):
                yield Problem((*path, "show_if"), f"ページ '{page.id}' には到達できません: 表示条件が"
                                                  "同じ項目に異なる値を同時に求めています")
            if page.kind == "exit":
                yield from self._exit_page(page, path)
                if page.show_if is None and unconditional_exit is None:
                    unconditional_exit = page.id
                    yield self._unconditional_exit(page, path, self.d.pages[p + 1:])
            else:
                question_pages += 1
            if page.repeat is not None and page.repeat.summary_field is not None:
                ids = {spec.id for spec in page.fields}
                if page.repeat.summary_field not in ids:
                    yield Problem((*path, "repeat", "summary_field"),
                                  f"'{page.repeat.summary_field}' はこのページの項目ではありません。"
                                  f"使える項目: {', '.join(sorted(ids))}")
            if page.repeat is not None and page.repeat.per is not None:
                yield from self._nested_repeat(page, path)
        if question_pages == 0:
            yield Problem(("pages",), "質問のページ (kind: question) が1つもありません")

    def _nested_repeat(self, page: Page, path: Path) -> Iterator[Problem]:
        """``repeat.per``: an earlier repeating page that is not nested itself (one level only);
        its items are the resident's own answers, never the card's."""
        assert page.repeat is not None and page.repeat.per is not None
        per = page.repeat.per
        parent = self.d.page_by_id(per)
        per_path = (*path, "repeat", "per")
        candidates = [p.id for p in self.d.pages[:self.page_index[page.id]]
                      if p.repeat is not None and p.repeat.per is None]
        known = ", ".join(candidates) or "(なし)"
        if parent is None or parent.repeat is None:
            what = "がありません" if parent is None else "は繰り返しページではありません"
            yield Problem(per_path, f"per のページ '{per}' {what}。このページより前の繰り返しページの"
                                    f"IDを書いてください (使えるページ: {known})")
        elif self.page_index[parent.id] >= self.page_index[page.id]:
            yield Problem(per_path, f"per のページ '{per}' はこのページより後 (または同じページ) です。"
                                    f"各件の後に尋ねるため、前の繰り返しページを書いてください (使えるページ: {known})")
        elif parent.repeat.per is not None:
            yield Problem(per_path, f"'{per}' 自体が per で '{parent.repeat.per}' の各件ごとに繰り返す"
                                    "ページです。入れ子は1段までです。"
                                    f"per には入れ子でない繰り返しページを書いてください (使えるページ: {known})")
        if page.repeat.first_item_from:
            yield Problem((*path, "repeat", "first_item_from"),
                          "first_item_from は per の付いた (入れ子の) 繰り返しページには使えません。"
                          "1件目は親の各件ごとにあるためです。削除してください")
        for f, spec in enumerate(page.fields):
            if spec.prefill is not None:
                yield Problem((*path, "fields", f, "prefill"),
                              f"項目 '{spec.id}' は入れ子の繰り返しページ (per: {per}) にあるため、"
                              "マイナンバーカードの情報 (prefill) を入れられません。prefill を削除してください")

    def _in_item_scope(self, owner: Page, item_page: str | None) -> bool:
        """Whether a field of repeating page ``owner`` may be read inside an item of ``item_page``:
        its own item, or the parent item of a nested page's item (repeat.per)."""
        if item_page is None:
            return False
        if owner.id == item_page:
            return True
        inner = self.d.page_by_id(item_page)
        return inner is not None and inner.repeat is not None and inner.repeat.per == owner.id

    def _unconditional_exit(self, page: Page, path: Path, later: list[Page]) -> Problem:
        """An exit page that always applies: nobody gets past it, so nobody can apply."""
        after = (f"このページで申請が必ず終わるため、後のページ ({', '.join(p.id for p in later)}) と"
                 "確認ページには進めず、だれも申請を送信できません。" if later else
                 "このページで申請が必ず終わるため、確認ページに進めず、だれも申請を送信できません。")
        return Problem((*path, "kind"), "終了ページに show_if がないため、この後のページに進めません。"
                                        f"{after}終了ページ '{page.id}' を表示する条件を show_if に"
                                        "書いてください (例: show_if: {field: resident, equals: false})")

    def _exit_page(self, page: Page, path: Path) -> Iterator[Problem]:
        for f, spec in enumerate(page.fields):
            if spec.has_answer:
                yield Problem((*path, "fields", f), "終了ページ (kind: exit) には案内 (guidance) だけを"
                                                    "置けます。質問は別のページにしてください")
        if page.repeat is not None:
            yield Problem((*path, "repeat"), "終了ページは繰り返しにできません")

    def _page_of(self, field_id: str) -> Page:
        """The page of a field the definition has (the caller has looked it up)."""
        page = self.d.page_of(field_id)
        if page is None:
            raise LookupError(f"field {field_id!r} is on no page")
        return page

    def _unknown_field(self, path: Path, ref: str, key: str | int | None) -> Problem:
        known = [spec.id for spec in self.d.all_fields() if spec.has_answer]
        close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
        hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
        return Problem((*path, key) if key else path, f"項目 '{ref}' はこの定義にありません。{hint}")


def _comparable_types() -> str:
    """The field types whose answers are ordered, as messages name them: 数値 (number) か日付 (date)."""
    return " か".join(f"{cls.type_label[0]} ({cls.model_fields['type'].default})"
                     for cls in registered_types() if cls.comparable)


def _matchable_types() -> str:
    """The field types whose answers ``matches`` may test: 1行のテキスト (text) か複数行のテキスト (textarea)."""
    return " か".join(f"{cls.type_label[0]} ({cls.model_fields['type'].default})"
                     for cls in registered_types() if cls.matchable)


def _amounts(spec: FieldSpec) -> bool:
    try:
        return bool(spec.amounts())
    except LookupError:  # choices from an unknown choice_list, reported with the field
        return False


def _leaves(condition: Condition, path: Path) -> Iterator[tuple[Path, Condition]]:
    if condition.all is not None:
        for i, child in enumerate(condition.all):
            yield from _leaves(child, (*path, "all", i))
    elif condition.any is not None:
        for i, child in enumerate(condition.any):
            yield from _leaves(child, (*path, "any", i))
    elif condition.not_ is not None:
        yield from _leaves(condition.not_, (*path, "not"))
    else:
        yield path, condition


def _compared_values(leaf: Condition, path: Path) -> Iterator[tuple[Path, Scalar]]:
    """Literal values compared with equals / not_equals / one_of / contains, with their paths."""
    for name in ("equals", "not_equals", "contains"):
        value = getattr(leaf, name)
        if value is not None and not isinstance(value, FieldRef | ComputedRef):
            yield (*path, name), value
    for i, value in enumerate(leaf.one_of or []):
        yield (*path, "one_of", i), value


def _expression_nodes(expression: Expression, path: Path, item_page: str | None = None
                      ) -> Iterator[tuple[Path, Expression, str | None]]:
    """Every node with its path and the repeating page of the innermost ``sum`` around it."""
    yield path, expression, item_page
    for child_path, child in expression.child_nodes():  # every operand but sum's ``of``
        if child_path[0] != "if":  # the branches of if follow below, as before
            yield from _expression_nodes(child, (*path, *child_path), item_page)
    if expression.sum is not None:
        yield from _expression_nodes(expression.sum.of, (*path, "sum", "of"), expression.sum.page)
    if expression.if_ is not None:
        yield from _expression_nodes(expression.if_.then, (*path, "if", "then"), item_page)
        yield from _expression_nodes(expression.if_.else_, (*path, "if", "else"), item_page)


def _find_cycle(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, trail = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return trail
            if nxt not in trail and nxt in graph:
                stack.append((nxt, [*trail, nxt]))
    return None


def _never_true(condition: Condition | None) -> bool:
    """A page condition that asks one field to equal two different values at once."""
    if condition is None or condition.all is None:
        return False
    wanted: dict[str, set] = {}
    for child in condition.all:
        if child.field and child.equals is not None:
            wanted.setdefault(child.field, set()).add(child.equals)
    return any(len(values) > 1 for values in wanted.values())
