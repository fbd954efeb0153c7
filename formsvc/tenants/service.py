"""Making and changing municipalities (the operator's pages and `formsvc tenants`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc.tenants.branding import COLOURS
from formsvc.tenants.codes import code_problem
from formsvc.tenants.models import Tenant

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
HOST_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
CONTACT_KEYS = ("department", "phone", "email", "hours")


@dataclass
class TenantInput:
    slug: str
    name: str
    code: str
    address: str = ""
    host: str = ""
    colour: str = "blue"
    contact: dict = field(default_factory=dict)
    note: str = ""


class TenantProblems(ValueError):
    """What is wrong, per field (Japanese messages)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{key}: {text}" for key, text in problems.items()))
        self.problems = problems


def normalised(value: TenantInput) -> TenantInput:
    """Full-width digits and letters made half-width, spaces trimmed (NFKC), host lower-cased."""

    def clean(text: str) -> str:
        return unicodedata.normalize("NFKC", text or "").strip()

    return TenantInput(
        slug=clean(value.slug).lower(), name=clean(value.name), code=clean(value.code),
        address=clean(value.address), host=clean(value.host).lower().rstrip("."), colour=value.colour,
        contact={key: clean(str(value.contact.get(key) or "")) for key in CONTACT_KEYS if value.contact.get(key)},
        note=(value.note or "").strip())


def problems(session: Session, value: TenantInput, reserved: set[str], editing: Tenant | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    if not SLUG_PATTERN.match(value.slug):
        found["slug"] = "英小文字で始まる、英小文字・数字・ハイフンの3〜32文字で入力してください（例：kamakura）"
    elif value.slug in reserved and not (editing is not None and editing.slug == value.slug):
        found["slug"] = f"「{value.slug}」はこのサービスのページの名前と重なるため使えません"
    elif _taken(session, Tenant.slug, value.slug, editing):
        found["slug"] = "この識別名はほかの団体が使っています"
    if not value.name:
        found["name"] = "団体名を入力してください"
    elif len(value.name) > 100 or any(unicodedata.category(ch) == "Cc" for ch in value.name):
        found["name"] = "団体名は100文字以内で、改行や制御文字を含めずに入力してください"
    if editing is None or not editing.is_default or value.code:
        problem = code_problem(value.code)
        if problem:
            found["code"] = problem
        elif _taken(session, Tenant.code, value.code, editing):
            found["code"] = "この団体コードの団体はすでに登録されています"
    if value.host:
        if not HOST_PATTERN.match(value.host):
            found["host"] = "ホスト名は shinsei.city.example.lg.jp のように入力してください（https:// や / は不要です）"
        elif _taken(session, Tenant.host, value.host, editing):
            found["host"] = "このホスト名はほかの団体が使っています"
    if value.colour not in COLOURS:
        found["colour"] = "色は一覧から選んでください"
    email = value.contact.get("email")
    if email and not re.fullmatch(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}", email):
        found["contact_email"] = "メールアドレスの形が正しくありません（例：madoguchi@city.example.lg.jp）"
    phone = value.contact.get("phone")
    if phone and not re.fullmatch(r"[0-9-]{10,13}", phone):
        found["contact_phone"] = "電話番号は半角数字とハイフンで入力してください（例：0466-12-3456）"
    for key in CONTACT_KEYS:
        if len(value.contact.get(key, "")) > 200:
            found[f"contact_{key}"] = "200文字以内で入力してください"
    return found


def _taken(session: Session, column, value: str, editing: Tenant | None) -> bool:
    query = select(func.count()).select_from(Tenant).where(column == value)
    if editing is not None:
        query = query.where(Tenant.id != editing.id)
    return bool(session.scalar(query))


def create(session: Session, value: TenantInput, reserved: set[str]) -> Tenant:
    value = normalised(value)
    found = problems(session, value, reserved)
    if found:
        raise TenantProblems(found)
    tenant = Tenant(slug=value.slug, name=value.name, code=value.code, address=value.address or None,
                    host=value.host or None, colour=value.colour, contact=value.contact, note=value.note or None)
    session.add(tenant)
    session.flush()
    return tenant


def update(session: Session, tenant: Tenant, value: TenantInput, reserved: set[str]) -> Tenant:
    value = normalised(value)
    found = problems(session, value, reserved, editing=tenant)
    if found:
        raise TenantProblems(found)
    tenant.slug, tenant.host, tenant.colour = value.slug, value.host or None, value.colour
    tenant.name = value.name or tenant.name
    tenant.code = value.code or tenant.code
    tenant.address = value.address or None
    tenant.contact, tenant.note = value.contact, value.note or None
    session.flush()
    return tenant


def reserved_slugs(url_map) -> set[str]:
    """The first path segments of the app's own pages (/staff, /forms, /static…): never a prefix."""
    segments = set()
    for rule in url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first)
    return segments | {"default", "api", "admin", "www"}
