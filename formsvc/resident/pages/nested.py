"""One item of a nested repeating page (``repeat.per``): 「世帯員 2（山田花子）の収入 1」.

The same page of questions as any item (formsvc.resident.pages.questions.Questions), addressed by
the parent item and the item's place among that parent's items; a position that is not there
(forged, or stale after a removal) leads back to the list, never to someone else's item.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from formsvc.resident.pages.questions import Questions, QuestionsPage
from formsvc.resident.pages.repeats import NestedItem, open_nested_item
from formsvc.vocabulary.conditions import Item


class NestedItemPage(QuestionsPage):
    """An item of a nested page; one past the parent's last adds one."""

    def questions(self, **args: Any) -> Questions | ResponseReturnValue:
        form_id, page_id = args["form_id"], args["page_id"]
        parent_index, index = args["parent"], args["index"]
        found = open_nested_item(form_id, page_id, parent_index, index, existing=False)
        if not isinstance(found, NestedItem):
            return found
        opened, children = found.opened, found.children
        # A new item still belongs to its parent: its conditions may read the parent's answers.
        values = children[index] if index < len(children) else Item({}, index, parent=found.parent)
        return Questions(opened.application, opened.page, values, item_index=index, parent_index=parent_index)
