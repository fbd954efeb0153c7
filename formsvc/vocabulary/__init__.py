"""The definition language's vocabulary: the shared value types, conditions and expressions.

It sits below ``formsvc.fields`` (a field's ``show_if`` is a condition) and knows nothing of
field types or whole definitions, which live above it in ``formsvc.definitions``.
"""
