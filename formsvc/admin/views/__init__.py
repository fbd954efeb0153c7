"""The administrator's pages (/admin/), one module per area; all on one blueprint, "admin".

- ``procedures``: the list, and new procedures (created empty or copied);
- ``publishing``: one procedure's page, publishing its working copy, discarding it, archive;
- ``versions``: a version's text, differences between two, rollback;
- ``yaml_editor``: the whole definition as text;
- ``structured_editor`` and ``question_editor``: the settings, pages and questions as forms.

Every view requires the "admin" role (tests/staff walks the URL map to prove it). Every change
goes through formsvc.admin.working_copies, which validates with the same code as
`formsvc validate` and records the history. Pages work without JavaScript: each button is a
small form, and a refused change shows its errors where it was typed, keeping the typed text.
"""

from formsvc.admin.views import (
    approvals,
    correction_phrases,
    intake,
    notifications,
    procedures,
    publishing,
    question_editor,
    shared_templates,
    structured_editor,
    versions,
    yaml_editor,
)
from formsvc.admin.views.common import blueprint

# Importing the areas adds their routes to the blueprint.
__all__ = ["approvals", "blueprint", "correction_phrases", "intake", "notifications", "procedures", "publishing",
           "question_editor", "shared_templates", "structured_editor", "versions", "yaml_editor"]
