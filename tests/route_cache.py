"""URL builders shared by every app the test run creates.

For each URL rule of each app, werkzeug generates and compiles two Python functions that build
its URLs (Rule._compile_builder): with an app per test, about a third of what remained of the
suite's time once templates were shared (tests/template_cache.py). The generated function reads
nothing but its arguments (the rule itself is passed in as ``.self``), so two rules with the same
pattern, defaults and converters can share one; this keeps the first and hands it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from werkzeug.routing import Rule

_original_compile_builder = Rule._compile_builder
_builders: dict[Hashable, Callable] = {}


def builder_key(rule: Rule, append_unknown: bool) -> Hashable:
    """Everything werkzeug's generated builder depends on (see Rule._compile_builder)."""
    defaults = rule.defaults or {}
    return (
        append_unknown, rule.rule, tuple(rule._trace), tuple(str(name) for name in defaults),
        # A default for a part of the pattern is converted once and built in as a constant.
        tuple((name, rule._converters[name].to_url(value))
              for name, value in defaults.items() if name in rule._converters),
    )


def _shared_compile_builder(self: Rule, append_unknown: bool = True) -> Callable:
    key = builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original_compile_builder(self, append_unknown)
    return builder


def share_url_builders() -> None:
    Rule._compile_builder = _shared_compile_builder  # type: ignore[method-assign]
