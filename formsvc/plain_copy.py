"""Deep copies of plain data: JSON documents (a draft's answers) and what Flask's session JSON
reads (a session cookie's contents).

copy.deepcopy handles any object through its memo and reduce protocol: ~190 calls for a draft's
answers, which every page copied several times (issue 17). Plain data needs none of that:
dicts, lists and tuples are rebuilt, values that cannot change in place are shared, anything
else still goes to copy.deepcopy.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from markupsafe import Markup

IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, Decimal, date, datetime, Markup, UUID})


def plain_copy(value: Any) -> Any:
    """copy.deepcopy(value) for plain data: the copy shares nothing that can change in place."""
    kind = type(value)
    if kind in IMMUTABLE:
        return value
    if kind is dict:
        return {key: item if type(item) in IMMUTABLE else plain_copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in IMMUTABLE else plain_copy(item) for item in value]
    if kind is tuple:
        return tuple(plain_copy(item) for item in value)
    return copy.deepcopy(value)
