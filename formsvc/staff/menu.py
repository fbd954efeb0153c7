"""The staff menu and the staff home page, put together from the areas the app registers.

An area (the counter, the review queue, the administration) declares its menu entry on its
blueprint, and may offer the page that staff holding some role see at /staff/ instead of the
menu (reviewers start at their work, the queue). Nothing is kept between apps: the app collects
what its registered blueprints declare, in the order it registers them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import Blueprint, current_app
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App
from flask.typing import ResponseReturnValue

from formsvc.i18n import t
from formsvc.staff.models import StaffUser

EXTENSION = "formsvc.staff_menu"


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: tuple[str, str]  # (ja, en)
    roles: tuple[str, ...]  # who sees it


@dataclass(frozen=True)
class StartPage:
    roles: tuple[str, ...]
    page: Callable[[], ResponseReturnValue]


@dataclass
class StaffMenu:
    entries: list[Entry] = field(default_factory=list)
    start_pages: list[StartPage] = field(default_factory=list)


def add_entry(blueprint: Blueprint, endpoint: str, label: tuple[str, str], roles: tuple[str, ...]) -> None:
    """List ``endpoint`` in the staff menu of every app that registers ``blueprint``."""
    entry = Entry(endpoint, label, roles)
    blueprint.record_once(lambda state: _menu_of(state).entries.append(entry))


def add_start_page(blueprint: Blueprint, roles: tuple[str, ...], page: Callable[[], ResponseReturnValue]) -> None:
    """Show ``page`` at /staff/, instead of the menu, to staff holding one of ``roles``."""
    start = StartPage(roles, page)
    blueprint.record_once(lambda state: _menu_of(state).start_pages.append(start))


def _menu_of(state: BlueprintSetupState) -> StaffMenu:
    return staff_menu(state.app)


def staff_menu(app: App) -> StaffMenu:
    menu: StaffMenu = app.extensions.setdefault(EXTENSION, StaffMenu())
    return menu


def menu_entries() -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, label in the page's language, roles that see it) for the templates."""
    return [(entry.endpoint, t(*entry.label), entry.roles) for entry in staff_menu(current_app).entries]


class MenuEntries:
    """``menu_entries()`` when a template iterates it: only staff pages show the menu, and a
    resident's page (which gets the same context) then pays nothing for its labels."""

    def __iter__(self) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        return iter(menu_entries())


def start_page_for(user: StaffUser) -> Callable[[], ResponseReturnValue] | None:
    return next((start.page for start in staff_menu(current_app).start_pages if user.has_role(*start.roles)), None)
