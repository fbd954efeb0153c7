"""金融機関を検索 / 支店を検索 without JavaScript, as 住所を検索 (formsvc.resident.address_lookup).

A bank_account question has, besides its parts, a search box for the bank and one for the
branch. Their buttons send the page, which comes back with the matches as buttons; choosing
one sends the page again and it comes back with the code filled in and the name shown. Nothing
is stored until 次へ進む.

The buttons' values (``action``):
- ``bank-search:<field id>`` and ``branch-search:<field id>``: search with what is typed in
  ``<field id>-bank_query`` / ``<field id>-branch_query`` (the branch among the branches of the
  bank whose code is in ``<field id>-bank``);
- ``bank-pick:<field id>:<4 digits>`` and ``branch-pick:<field id>:<3 digits>``: fill that code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import Form

from formsvc.fields import FieldContext, FieldSpec
from formsvc.fields.bank_account import BankAccountField, BankAccountInputField, typed_code
from formsvc.japanese import banks
from formsvc.japanese.banks import Matches, QueryRefused

ACTION = re.compile(r"(bank|branch)-(search|pick):([a-z][a-z0-9_]{0,62})(?::([0-9]{3,4}))?")


@dataclass(frozen=True)
class BankLookupRequest:
    kind: str  # "bank" or "branch"
    step: str  # "search" or "pick"
    field_id: str
    code: str | None


@dataclass(frozen=True)
class BankLookupResult:
    """What the question shows after a search: the matches (as buttons) of one kind."""

    kind: str
    query: str
    matches: Matches


def requested_bank_lookup(action: str) -> BankLookupRequest | None:
    """The search or choice a button asked for, else None (a forged value is no request)."""
    found = ACTION.fullmatch(action)
    if found is None:
        return None
    kind, step, field_id, code = found.groups()
    if (step == "pick") != (code is not None) or (code is not None and len(code) != (4 if kind == "bank" else 3)):
        return None
    return BankLookupRequest(kind, step, field_id, code)


def look_up_bank(specs: Sequence[FieldSpec], wanted: BankLookupRequest, typed: MultiDict,
                 ctx: FieldContext) -> tuple[MultiDict, str | None, BankLookupResult | None]:
    """The inputs (with a chosen code filled in), the notice saying what happened, and the
    matches to show; (typed, None, None) when the field is no bank_account question here."""
    spec = next((spec for spec in specs if spec.id == wanted.field_id and isinstance(spec, BankAccountField)), None)
    if spec is None:
        return typed, None, None
    name = spec.id
    bank_code = typed_code(typed.get(f"{name}-bank", ""), 4)
    chosen_bank = banks.bank(bank_code) if bank_code else None
    if wanted.step == "pick":
        return _pick(name, wanted, typed, chosen_bank, ctx)
    if wanted.kind == "branch" and chosen_bank is None:
        return typed, ctx.t("先に金融機関を選んでください（金融機関コードを入力するか、金融機関を検索してください）。",
                            "Choose the bank first (enter its code or search for it)."), None
    query = typed.get(f"{name}-{wanted.kind}_query", "")
    what = ctx.t("金融機関" if wanted.kind == "bank" else "支店", "bank" if wanted.kind == "bank" else "branch")
    if not query.strip():
        return typed, ctx.t(f"検索する{what}の名前またはコードを入力してください。",
                            f"Enter the name or code of the {what} to search for."), None
    try:
        matches = (banks.search_banks(query) if wanted.kind == "bank"
                   else banks.search_branches(chosen_bank.code, query))  # type: ignore[union-attr]
    except QueryRefused:
        return typed, ctx.t(f"{what}の名前またはコードを{banks.MAX_QUERY_LENGTH}文字以内で、"
                            "文字だけで入力してください。",
                            f"Enter the {what}'s name or code in up to {banks.MAX_QUERY_LENGTH} characters."), None
    result = BankLookupResult(wanted.kind, query, matches)
    if not matches.total:
        return typed, ctx.t(f"「{_short(query)}」に合う{what}は見つかりませんでした。"
                            "名前の一部やひらがなでも検索できます。",
                            f"No {what} matches “{_short(query)}”. Try part of the name."), result
    more = ctx.t(f"候補が多いため、最初の{len(matches.items)}件を表示しています。名前を詳しく入力してください。",
                 f"Only the first {len(matches.items)} are shown: type more of the name.") if matches.more else ""
    return typed, ctx.t(f"{what}の候補が{matches.total}件見つかりました。下の一覧から選んでください。{more}",
                        f"{matches.total} matching {what}es found: choose one from the list below. {more}"
                        if wanted.kind == "branch" else
                        f"{matches.total} matching banks found: choose one from the list below. {more}").strip(), result


def show_matches(form: Form, field_id: str, found: BankLookupResult | None) -> None:
    """Give the page's bank_account input the matches to show (templates/fields/bank_account.html)."""
    bound = form._fields.get(field_id) if found is not None else None
    if isinstance(bound, BankAccountInputField):
        bound.bank_lookup = found


def _pick(name: str, wanted: BankLookupRequest, typed: MultiDict, chosen_bank: banks.Bank | None,
          ctx: FieldContext) -> tuple[MultiDict, str | None, BankLookupResult | None]:
    filled = MultiDict(typed)
    code = wanted.code or ""
    if wanted.kind == "bank":
        found = banks.bank(code)
        if found is None:
            return typed, ctx.t("選んだ金融機関が見つかりません。もう一度検索してください。",
                                "The chosen bank was not found. Search again."), None
        filled.setlist(f"{name}-bank", [found.code])
        filled.setlist(f"{name}-bank_query", [""])
        branch_code = typed_code(typed.get(f"{name}-branch", ""), 3)
        if branch_code and banks.branch(found.code, branch_code) is None:
            filled.setlist(f"{name}-branch", [""])  # a branch of another bank: choose again
        return filled, ctx.t(f"金融機関コードに {found.code}（{found.display_name}）を入力しました。"
                             "続けて支店を検索してください。",
                             f"The bank code {found.code} ({found.display_name}) was filled in. "
                             "Now search for the branch."), None
    branch = banks.branch(chosen_bank.code, code) if chosen_bank is not None else None
    if branch is None or chosen_bank is None:
        return typed, ctx.t("選んだ支店が見つかりません。金融機関を確かめて、もう一度検索してください。",
                            "The chosen branch was not found. Check the bank and search again."), None
    filled.setlist(f"{name}-branch", [branch.code])
    filled.setlist(f"{name}-branch_query", [""])
    return filled, ctx.t(f"支店コードに {branch.code}（{chosen_bank.display_name} {branch.display_name}）を"
                         "入力しました。続けて預金種目と口座番号を入力してください。",
                         f"The branch code {branch.code} ({branch.display_name}) was filled in. "
                         "Now enter the account type and number."), None


def _short(query: str) -> str:
    query = query.strip()
    return query if len(query) <= 20 else query[:20] + "…"
