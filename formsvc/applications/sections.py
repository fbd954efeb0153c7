"""The answers grouped as people read them: one section per page asked, one per item of a
repeating page.

The one grouping behind the check page, the staff detail, the counter's signature page, the
printed record and the signature sheet, so they cannot disagree on what belongs together.
"""

from __future__ import annotations

from dataclasses import dataclass

from formsvc.applications.flow import AnswerRow, Flow
from formsvc.definitions.schema import Page


@dataclass(frozen=True)
class Section:
    page: Page
    item_index: int | None
    # The page's title, or "<item label> <n>" for an item of a repeating page (shown under its page).
    title: str
    rows: list[AnswerRow]
    # The title read on its own, without the page's heading above it: "<page title>：<item label> <n>".
    full_title: str
    # An item of a nested repeat (repeat.per): the index of its parent item. Its section follows
    # the parent item's, titled with it: 「世帯員 2（山田花子）の収入 1」.
    parent_index: int | None = None


def answer_sections(flow: Flow, locale: str) -> list[Section]:
    """Sections in the definition's order; a page (or item) without an answer row has none."""
    sections: list[Section] = []
    for row in flow.rows(locale):
        if sections and (sections[-1].page.id, sections[-1].parent_index, sections[-1].item_index) \
                == (row.page.id, row.parent_index, row.item_index):
            sections[-1].rows.append(row)
            continue
        page_title = row.page.title.get(locale)
        title = full_title = page_title
        if row.page.repeat is not None and row.item_index is not None:
            title = row.item_title or f"{row.page.repeat.item_label.get(locale)} {row.item_index + 1}"
            full_title = f"{page_title}：{title}"
        sections.append(Section(row.page, row.item_index, title, [row], full_title, row.parent_index))
    return sections
