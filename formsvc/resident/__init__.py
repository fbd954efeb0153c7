"""The resident's application flow (行かない窓口): portal, start page, pages, check, submit."""
