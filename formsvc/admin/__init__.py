"""The administrators' area (/admin/): procedures edited, previewed, versioned and published in the browser.

Modules: ``yaml_edit`` (changing YAML text in place, comments kept), ``editing`` (the structured
editor's changes as pure functions on a definition's YAML), ``working_copies`` (unpublished edits,
publishing, rollback, archive, create and copy; validated like `formsvc validate`), ``diff``
(what changed between two versions, in words and as a text diff), ``describe`` (conditions,
expressions and field types in words), ``forms`` (WTForms) and ``views`` (the pages, by area).
``preview_pages`` shows a working copy as residents will see it. A procedure's history is
formsvc.forms.audit.
"""
