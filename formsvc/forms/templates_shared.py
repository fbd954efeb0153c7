"""Shared procedure templates (共有テンプレート): procedures the deployment's operator offers to
every municipality.

The operator (formsvc.tenants.views) marks one of the default tenant's published procedures as
shared (``shared_templates``, a table of the deployment, not of a municipality). A municipality's
administrator adopts one (formsvc.admin.views.shared_templates): a procedure of its own,
``<slug>-<template id>``, starts as a working copy of the template's published version, and
``template_adoptions`` (the municipality's) remembers which template and version it came from
and the newest version of the template the administrator has seen. When the operator publishes
a newer version, the procedure's page says so until the administrator marks it seen.

Templates belong to another municipality (the default tenant): every read of them here is made
explicitly inside ``all_municipalities()`` and limited to procedures of the default tenant that
are marked shared, so nothing else of the default tenant can be read this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow
from formsvc.forms.models import Form, FormVersion
from formsvc.tenants.context import DEFAULT_TENANT_ID, all_municipalities
from formsvc.tenants.scoping import TenantOwned


class SharedTemplate(Base):
    """A procedure of the default tenant that municipalities may adopt."""

    __tablename__ = "shared_templates"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    # What the template is for, in the operator's words (shown in the municipalities' list).
    description: Mapped[str] = mapped_column(Text, default="")
    shared_by: Mapped[str] = mapped_column(String(100))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TemplateAdoption(TenantOwned, Base):
    """A municipality's procedure made from a shared template."""

    __tablename__ = "template_adoptions"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    # The template (a procedure id of the default tenant); kept when the template stops being shared.
    template_form_id: Mapped[str] = mapped_column(String(64), index=True)
    adopted_version: Mapped[int] = mapped_column(Integer)
    # The newest version of the template the administrator has marked 確認済み.
    seen_version: Mapped[int] = mapped_column(Integer)
    adopted_by: Mapped[str] = mapped_column(String(100))
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    title: str
    description: str
    version: int  # the template's version in effect
    published_at: datetime | None


def _title(document: dict | None, fallback: str) -> str:
    title = (document or {}).get("title")
    if isinstance(title, dict):
        return str(title.get("ja") or fallback)
    return str(title or fallback)


@dataclass(frozen=True)
class _Shared:
    id: str
    version: int
    description: str


@dataclass(frozen=True)
class TemplateVersion:
    """A published version of a shared template, detached from the session."""

    form_id: str
    number: int
    source: str
    document: dict


def _shared_forms(session: Session, template_id: str | None = None) -> list[_Shared]:
    """The default tenant's published procedures marked shared (read across municipalities).
    Plain values: no row of another municipality stays in the session's identity map, where a
    later ``session.get`` would find it without the tenant condition."""
    query = (select(Form.id, Form.published_version, SharedTemplate.description)
             .join(SharedTemplate, SharedTemplate.form_id == Form.id)
             .where(Form.tenant_id == DEFAULT_TENANT_ID, Form.state == "published",
                    Form.published_version.is_not(None))
             .order_by(Form.id))
    if template_id is not None:
        query = query.where(Form.id == template_id)
    with all_municipalities(), session.no_autoflush:  # nothing of this tenant is written while lifted
        return [_Shared(form_id, number or 0, description or "")
                for form_id, number, description in session.execute(query)]


def templates(session: Session) -> list[TemplateInfo]:
    """Every shared template, with its version in effect and its title."""
    found = _shared_forms(session)
    documents: dict[str, tuple[dict, datetime | None]] = {}
    if found:
        wanted = {(shared.id, shared.version) for shared in found}
        with all_municipalities(), session.no_autoflush:
            rows = session.execute(select(FormVersion.form_id, FormVersion.number, FormVersion.document,
                                          FormVersion.published_at).where(
                FormVersion.tenant_id == DEFAULT_TENANT_ID,
                FormVersion.form_id.in_([shared.id for shared in found])))
            for form_id, number, document, published_at in rows:
                if (form_id, number) in wanted:
                    documents[form_id] = (document, published_at)
    result = []
    for shared in found:
        document, published_at = documents.get(shared.id, ({}, None))
        result.append(TemplateInfo(shared.id, _title(document, shared.id), shared.description, shared.version,
                                   published_at))
    return result


def template(session: Session, template_id: str) -> TemplateInfo | None:
    return next((info for info in templates(session) if info.id == template_id), None)


def template_version(session: Session, template_id: str, number: int) -> TemplateVersion | None:
    """A published version of a shared template, or None."""
    if not _shared_forms(session, template_id):
        return None
    with all_municipalities(), session.no_autoflush:
        row = session.execute(select(FormVersion.source, FormVersion.document).where(
            FormVersion.tenant_id == DEFAULT_TENANT_ID, FormVersion.form_id == template_id,
            FormVersion.number == number, FormVersion.published_at.is_not(None))).first()
    if row is None:
        return None
    return TemplateVersion(template_id, number, row.source, row.document)


def is_shared(session: Session, form_id: str) -> bool:
    return session.get(SharedTemplate, form_id) is not None


def share(session: Session, form_id: str, description: str, actor: str) -> SharedTemplate:
    """Offer one of the default tenant's procedures (the caller checks it is its own)."""
    found = session.get(SharedTemplate, form_id)
    if found is None:
        found = SharedTemplate(form_id=form_id, shared_by=actor)
        session.add(found)
    found.description = description
    session.flush()
    return found


def unshare(session: Session, form_id: str) -> None:
    found = session.get(SharedTemplate, form_id)
    if found is not None:
        session.delete(found)
        session.flush()


def adoption(session: Session, form_id: str) -> TemplateAdoption | None:
    """Where a procedure of the current municipality came from, if from a shared template."""
    return session.get(TemplateAdoption, form_id)


@dataclass(frozen=True)
class TemplateChange:
    template_id: str
    seen: int
    latest: int


def pending_change(session: Session, form_id: str) -> TemplateChange | None:
    """The template of this procedure has a newer version than the one last marked seen."""
    adopted = adoption(session, form_id)
    if adopted is None:
        return None
    found = _shared_forms(session, adopted.template_form_id)
    if not found:
        return None
    latest = found[0].version
    if latest <= adopted.seen_version:
        return None
    return TemplateChange(adopted.template_form_id, adopted.seen_version, latest)


def mark_seen(session: Session, form_id: str, number: int) -> bool:
    adopted = adoption(session, form_id)
    if adopted is None or number <= adopted.seen_version:
        return False
    adopted.seen_version = number
    session.flush()
    return True
