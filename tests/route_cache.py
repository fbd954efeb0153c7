"""URL builders shared by every app the test run creates.

For each URL rule of each app, werkzeug generates and compiles two Python functions that build
its URLs (Rule._compile_builder): with an app per test, about a third of what remained of the
suite's time once templates were shared (tests/template_cache.py). The generated function reads
nothing but its arguments (the rule itself is passed in as ``.self``), so two rules with the same
pattern, defaults and converters can share one; this keeps the first and hands it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

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


# Parsing each rule's pattern (Rule._parse_rule: a regular expression step by step) was most of
# what remained of building an app's URL map, ~2/3 of create_app. The parts it yields depend on
# nothing but the pattern and the converter classes of the map (their regex, weight and
# part_isolating); they are parsed once and handed out again. The converters themselves are
# still made for each rule (Rule.get_converter: bound to its map), and the trace of each rule is
# its own list.
_original_parse_rule = Rule._parse_rule
_parsed: dict[Hashable, tuple[list, list, list]] = {}


def _shared_parse_rule(self: Rule, rule: str) -> Iterable:
    assert self.map is not None
    key = (rule, tuple(self.map.converters.items()))
    parsed = _parsed.get(key)
    if parsed is None:
        made: list[tuple] = []
        trace_start = len(self._trace)

        def recording_get_converter(variable_name, converter_name, args, kwargs):
            made.append((variable_name, converter_name, args, kwargs))
            return Rule.get_converter(self, variable_name, converter_name, args, kwargs)

        self.get_converter = recording_get_converter  # type: ignore[method-assign]
        try:
            parts = list(_original_parse_rule(self, rule))
        finally:
            del self.get_converter
        parsed = _parsed[key] = (parts, self._trace[trace_start:], made)
        return parts
    parts, trace, made = parsed
    self._trace.extend(trace)
    for variable_name, converter_name, args, kwargs in made:
        self._converters[variable_name] = self.get_converter(variable_name, converter_name, args, kwargs)
        self.arguments.add(variable_name)
    return parts


def share_parsed_rules() -> None:
    Rule._parse_rule = _shared_parse_rule  # type: ignore[method-assign]
