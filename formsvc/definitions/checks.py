"""Checks that need the whole definition: references, ids, order, cycles, reachability.

The schema has already checked each piece's shape; here we check how the pieces fit.
Each problem carries the path of the offending value in the YAML document.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from formsvc.definitions.schema import FormDefinition, Page
from formsvc.fields import FieldSpec, Problem
from formsvc.fields.base import registered_types
from formsvc.vocabulary.common import Scalar
from formsvc.vocabulary.conditions import COMPARISONS, REFERABLE, Condition, FieldRef
from formsvc.vocabulary.expressions import Expression

Path = tuple[str | int, ...]


def semantic_problems(definition: FormDefinition) -> Iterator[Problem]:
    checker = _Checker(definition)
    yield from checker.duplicate_ids()
    yield from checker.field_problems()
    yield from checker.condition_problems()
    yield from checker.expression_problems()
    yield from checker.page_problems()


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
            for f, spec in enumerate(page.fields):
                if spec.show_if is not None:
                    yield from self._condition(
                        spec.show_if, ("pages", p, "fields", f, "show_if"),
                        before_page=p, owner=f"項目 '{spec.id}'",
                    )
        for d, document in enumerate(self.d.documents):
            if document.show_if is not None:
                yield from self._condition(document.show_if, ("documents", d, "show_if"))
        for r, rule in enumerate(self.d.rules):
            if rule.when is not None:
                yield from self._condition(rule.when, ("rules", r, "when"))
            yield from self._condition(rule.check, ("rules", r, "check"))
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

    def _condition(self, condition: Condition, path: Path, before_page: int | None = None,
                   owner: str = "") -> Iterator[Problem]:
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
                yield from self._order(ref_path, ref, before_page, owner)
                yield from self._repeat_scope(ref_path, ref)
            if leaf.count:
                yield from self._repeating_page(leaf.count, (*leaf_path, "count"))
            compared = self.d.field_by_id(leaf.field) if leaf.field else None
            if compared is not None:
                yield from self._operator_fits(leaf, compared, leaf_path)

    def _order(self, path: Path, ref: str, before_page: int | None, owner: str) -> Iterator[Problem]:
        """Conditions decide what is asked, so they may only use answers already given."""
        if before_page is None:
            return
        ref_page = self.page_index[self._page_of(ref).id]
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

    def _repeat_scope(self, path: Path, ref: str) -> Iterator[Problem]:
        page = self._page_of(ref)
        if page.repeat is not None:
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
        for path, expression in expressions:
            yield from self._expression(expression, path)
        yield from self._computed_cycles()

    def _expression(self, expression: Expression, path: Path) -> Iterator[Problem]:
        """Each problem is reported at the very node that has it (e.g. ``...multiply[0].field``)."""
        for node_path, node, item_page in _expression_nodes(expression, path):
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
        elif owner.repeat is not None and owner.id != item_page \
                and self.d.page_by_id(item_page) is not None:
            yield Problem(path, f"'{ref}' は繰り返しページ '{item_page}' の項目ではありません")
        if calculated and not spec.computable:
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

    # --- pages -----------------------------------------------------------------------------

    def page_problems(self) -> Iterator[Problem]:
        unreachable_after: str | None = None
        question_pages = 0
        for p, page in enumerate(self.d.pages):
            path: Path = ("pages", p)
            if unreachable_after is not None:
                yield Problem(path, f"ページ '{page.id}' には到達できません: その前の終了ページ "
                                    f"'{unreachable_after}' が必ず表示されるためです。"
                                    "終了ページに show_if を書いてください")
                continue
            if _never_true(page.show_if):
                yield Problem((*path, "show_if"), f"ページ '{page.id}' には到達できません: 表示条件が"
                                                  "同じ項目に異なる値を同時に求めています")
            if page.kind == "exit":
                yield from self._exit_page(page, path)
                if page.show_if is None:
                    unreachable_after = page.id
            else:
                question_pages += 1
            if page.repeat is not None and page.repeat.summary_field is not None:
                ids = {spec.id for spec in page.fields}
                if page.repeat.summary_field not in ids:
                    yield Problem((*path, "repeat", "summary_field"),
                                  f"'{page.repeat.summary_field}' はこのページの項目ではありません。"
                                  f"使える項目: {', '.join(sorted(ids))}")
        if question_pages == 0:
            yield Problem(("pages",), "質問のページ (kind: question) が1つもありません")

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
        if value is not None and not isinstance(value, FieldRef):
            yield (*path, name), value
    for i, value in enumerate(leaf.one_of or []):
        yield (*path, "one_of", i), value


def _expression_nodes(expression: Expression, path: Path, item_page: str | None = None
                      ) -> Iterator[tuple[Path, Expression, str | None]]:
    """Every node with its path and the repeating page of the innermost ``sum`` around it."""
    yield path, expression, item_page
    for name in ("add", "subtract", "multiply", "min", "max"):
        for i, child in enumerate(getattr(expression, name) or []):
            yield from _expression_nodes(child, (*path, name, i), item_page)
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
