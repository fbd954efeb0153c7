"""Compiled templates shared by every app the test run creates.

Each test makes its own app (fresh configuration), and each app its own Jinja environment,
which compiled every template it rendered again: about a third of the suite's time. Jinja's
bytecode cache lets environments share the compiled code instead. Rendering is unchanged: each
app still builds its own Template objects (its globals, filters and template cache), from the
same code it would have compiled itself.

Code is reused only for the same template source (Jinja compares a checksum, so an edited
template is compiled again) and the same compile-time settings (the delimiters, trim_blocks …
and how each filter and test is called: all of them change the generated code).
"""

from __future__ import annotations

from collections.abc import Hashable
from types import CodeType

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache


def _callable_key(value) -> Hashable:
    """The same function for every app (Flask's autoescape is a method bound to each app)."""
    if not callable(value):
        return value
    function = getattr(value, "__func__", value)
    return getattr(function, "__module__", None), getattr(function, "__qualname__", repr(function))


def compile_settings(environment: Environment) -> Hashable:
    """Everything of an environment that the code compiled from a template depends on."""
    return (
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async,
        tuple(sorted(environment.extensions)),
        _callable_key(environment.autoescape), _callable_key(environment.finalize),
        # The compiler passes the context, eval context or environment to a filter or test that asks.
        tuple(sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in environment.filters.items())),
        tuple(sorted((name, str(getattr(f, "jinja_pass_arg", None))) for name, f in environment.tests.items())),
    )


class SharedTemplateCode(BytecodeCache):
    """Jinja's bytecode cache, in memory, holding the code objects themselves (no marshalling)."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, Hashable], tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self._codes.get((bucket.key, compile_settings(bucket.environment)))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._codes[(bucket.key, compile_settings(bucket.environment))] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._codes.clear()

    def __len__(self) -> int:
        return len(self._codes)
