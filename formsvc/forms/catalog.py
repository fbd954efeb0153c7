"""Published definitions, compiled once per version and cached.

Versions are immutable, so a compiled definition never goes stale: the cache is keyed by
the version's id and checksum (ids alone can be reused by SQLite after rows are deleted).
A draft's or a submission's version is also found by its id alone (``version_by_id``: no
database read on a resident's page), in a cache of its own per database engine: the ids of one
database name one version for good (the app never deletes a version row), while another app's
database (the tests' fresh ones) starts its own. Both caches are bounded (least recently used
goes first). Every worker builds its own caches; nothing about residents is kept in them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.definitions.channels import channel_problems
from formsvc.definitions.checks import semantic_problems
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form, FormVersion
from formsvc.forms.periods import Reception, reception, scheduled_only, sending_closed, timed
from formsvc.tenants.context import scope


@dataclass(frozen=True)
class CompiledForm:
    version_id: int | None  # None: an unpublished working copy (an administrator's preview)
    version_number: int
    definition: FormDefinition

    @property
    def id(self) -> str:
        return self.definition.id

    def for_channel(self, channel: str) -> CompiledForm:
        """The same version as ``channel`` asks it (formsvc.definitions.channels): a counter
        draft or submission is read with the counter's pages, wording and next steps."""
        definition = self.definition.for_channel(channel)
        if definition is self.definition:
            return self
        return CompiledForm(self.version_id, self.version_number, definition)

# How many compiled versions a worker keeps (in each cache): every version in use at once on a
# municipality's service (about 100 procedures, a few versions each) with room to spare.
CACHE_SIZE = 256


K = TypeVar("K")
V = TypeVar("V")


class _Bounded(Generic[K, V]):
    """A dict that forgets the least recently used entry beyond ``size`` (thread-safe)."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


_cache: _Bounded[tuple[int, str], CompiledForm] = _Bounded(CACHE_SIZE)
# Per database engine (weakly: an app's engine that is gone takes its cache with it).
# Each compiled version with its municipality, so that the cache never answers across municipalities.
_by_id: weakref.WeakKeyDictionary[Engine, _Bounded[int, tuple[int, CompiledForm]]] = weakref.WeakKeyDictionary()
_by_id_lock = threading.Lock()


def _versions_by_id(session: Session) -> _Bounded[int, tuple[int, CompiledForm]] | None:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    if engine is None:
        return None
    with _by_id_lock:
        found = _by_id.get(engine)
        if found is None:
            found = _by_id[engine] = _Bounded(CACHE_SIZE)
        return found


def compile_version(version: FormVersion) -> CompiledForm:
    """The compiled definition of ``version`` (validated again: the schema may have moved on)."""
    key = (version.id, version.checksum)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    definition = FormDefinition.model_validate(version.document)
    problems = [(p.path, p.message) for p in semantic_problems(definition)]
    problems += [(c.path, c.message) for c in channel_problems(definition)]
    if problems:
        where = f"{version.form_id} v{version.number}"
        raise DefinitionInvalid([DefinitionError(where, 1, 1, ".".join(map(str, path)), message)
                                 for path, message in problems])
    compiled = CompiledForm(version.id, version.number, definition)
    _cache.put(key, compiled)
    return compiled


def in_effect(versions: Iterable[FormVersion], now: datetime) -> FormVersion | None:
    """Of a procedure's published ``versions``, the one in effect at ``now``: the newest not
    cancelled whose scheduled moment (公開予約) has come; before the first one's moment, the first
    one (nothing else exists yet). Cancelled versions (予約取消) never are."""
    live = sorted((v for v in versions if v.cancelled_at is None), key=lambda v: v.number, reverse=True)
    return next((v for v in live if v.effective_at is None or v.effective_at <= now), live[-1] if live else None)


def version_in_effect(form: Form, now: datetime | None = None) -> FormVersion | None:
    """The version of ``form`` in effect now (the rule of ``published``, whatever the procedure's
    state: an archived procedure's too)."""
    limit = form.published_version
    if limit is None:
        return None
    return in_effect([v for v in form.versions if v.number <= limit], now or clock.now())


def published(session: Session, form_id: str) -> CompiledForm | None:
    """The newest published version, whatever its 受付期間 (an administrator's preview). What
    residents may start an application on is ``in_force_on``. A scheduled version (公開予約) counts
    from its moment (before it, the newest one before it; the scheduled one if it is the only one)."""
    versions = session.scalars(
        select(FormVersion)
        .join(Form, Form.id == FormVersion.form_id)
        .where(Form.id == form_id, Form.state == "published", FormVersion.number <= Form.published_version,
               FormVersion.cancelled_at.is_(None))
    )
    version = in_effect(versions, clock.now())
    return compile_version(version) if version is not None else None


def version_by_id(session: Session, version_id: int, channel: str | None = "online") -> CompiledForm | None:
    """The version as ``channel`` uses it (a draft's or a submission's ``.channel``).

    ``channel=None``: the definition as written, with every channel's questions — for what reads
    the answers of any channel without knowing which (個人番号 protection, a version's CSV): a
    question asked only at the counter is missing from the online definition.

    Read from the database only the first time a worker meets ``version_id`` (versions are
    immutable): a draft's page then costs no read of ``form_versions``."""
    cache = _versions_by_id(session)
    cached = cache.get(version_id) if cache is not None else None
    tenant = scope()
    if cached is not None and tenant is not None and cached[0] != tenant:
        cached = None  # another municipality's version: as if it did not exist (the read finds none)
    if cached is None:
        version = session.get(FormVersion, version_id)
        if version is None:
            return None
        cached = (version.tenant_id, compile_version(version))
        if cache is not None:
            cache.put(version_id, cached)
    compiled = cached[1]
    return compiled.for_channel(channel) if channel is not None else compiled


def staff_facing(session: Session) -> dict[str, CompiledForm]:
    """Every procedure as staff lists name it, by form id in order: the version in effect now
    (``in_effect``), else its newest (a procedure never published, or no longer in effect)."""
    rows = session.execute(select(FormVersion, Form.published_version).join(Form)
                           .order_by(FormVersion.form_id, FormVersion.number)).all()
    by_form: dict[str, list[FormVersion]] = {}
    limits: dict[str, int | None] = {}
    for version, published_number in rows:
        by_form.setdefault(version.form_id, []).append(version)
        limits[version.form_id] = published_number
    now = clock.now()
    chosen: dict[str, CompiledForm] = {}
    for form_id, versions in sorted(by_form.items()):
        limit = limits[form_id]
        effective = in_effect([v for v in versions if v.number <= limit], now) if limit is not None else None
        chosen[form_id] = compile_version(effective or versions[-1])
    return chosen


# --- 受付期間: the version in force on a day (formsvc.forms.periods) ---------------------------
# ``day`` is the day in Japan (clock.today()); ``now`` the moment (clock.now() when not given),
# for the procedure's opening and closing moments and scheduled versions (公開予約).

@dataclass
class _Procedure:
    opens_at: datetime | None
    closes_at: datetime | None
    versions: list[FormVersion]  # in effect at ``now``
    scheduled: list[FormVersion]  # published with a later effective_at (公開予約)


def _published_versions(session: Session, now: datetime, form_ids: list[str] | None = None) -> dict[str, _Procedure]:
    """Every published version of each published (not archived) procedure, by procedure."""
    query = (select(FormVersion, Form.opens_at, Form.closes_at)
             .join(Form, Form.id == FormVersion.form_id)
             .where(Form.state == "published", FormVersion.number <= Form.published_version,
                    FormVersion.cancelled_at.is_(None))
             .order_by(FormVersion.form_id, FormVersion.number))
    if form_ids is not None:
        query = query.where(Form.id.in_(form_ids))
    found: dict[str, _Procedure] = {}
    for version, opens_at, closes_at in session.execute(query):
        procedure = found.setdefault(version.form_id, _Procedure(opens_at, closes_at, [], []))
        if version.effective_at is not None and version.effective_at > now:
            procedure.scheduled.append(version)
        else:
            procedure.versions.append(version)
    return found


def _reception(procedure: _Procedure, day: date, now: datetime) -> Reception[FormVersion] | None:
    if not procedure.versions and procedure.scheduled:
        first = min(procedure.scheduled, key=lambda v: v.number)
        assert first.effective_at is not None
        return scheduled_only(first, first.effective_at, procedure.opens_at, procedure.closes_at, now)
    return timed(reception(procedure.versions, day), procedure.opens_at, procedure.closes_at, now)


def reception_on(session: Session, form_id: str, day: date,
                 now: datetime | None = None) -> Reception[CompiledForm] | None:
    """Whether residents can start ``form_id`` on ``day``, with the version to show (in force,
    coming or last in force); None for a procedure that is unknown, archived or never published."""
    now = now or clock.now()
    procedure = _published_versions(session, now, [form_id]).get(form_id)
    found = _reception(procedure, day, now) if procedure is not None else None
    return found.with_version(compile_version(found.version)) if found is not None else None


def in_force_on(session: Session, form_id: str, day: date, now: datetime | None = None) -> CompiledForm | None:
    """The version residents start applications on, on ``day``; None when it takes none."""
    found = reception_on(session, form_id, day, now)
    return found.version if found is not None and found.is_open else None


def all_receptions(session: Session, day: date, now: datetime | None = None) -> list[Reception[CompiledForm]]:
    """Every published procedure on ``day`` (open, upcoming or closed), by procedure id."""
    now = now or clock.now()
    result = []
    for procedure in _published_versions(session, now).values():
        found = _reception(procedure, day, now)
        if found is not None:
            result.append(found.with_version(compile_version(found.version)))
    return result


def all_in_force(session: Session, day: date, now: datetime | None = None) -> list[CompiledForm]:
    """The version in force on ``day`` of every procedure open that day, by procedure id."""
    return [found.version for found in all_receptions(session, day, now) if found.is_open]


def draft_sending_closed(session: Session, form_id: str, valid_until: date | None, locale: str = "ja",
                         correction: bool = False) -> str | None:
    """Why a draft of ``form_id`` on a version ending ``valid_until`` cannot be sent now (the day's
    rule and the procedure's closing moment: formsvc.forms.periods.sending_closed); None: it can."""
    form = session.get(Form, form_id)
    return sending_closed(valid_until, clock.today(), locale, correction=correction,
                          closes_at=form.closes_at if form is not None else None, now=clock.now())
