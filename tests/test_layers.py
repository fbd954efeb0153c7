"""The package's layers (docs/architecture.md): no module imports a layer above its own.

Read from the source with ``ast``, so an import inside a function or under ``TYPE_CHECKING``
counts too: a circle that only the type checker sees is still a circle for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import formsvc

PACKAGE = Path(formsvc.__file__).parent

# Highest first. A module may import its own line and the lines below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("formsvc", "formsvc.cli", "formsvc.models", "formsvc.migrate"),  # the app factory and CLI
    ("formsvc.mock_idp", "formsvc.mock_payments", "formsvc.demo"),  # demo only: nothing in production imports them
    ("formsvc.admin", "formsvc.counter", "formsvc.dashboard",
     "formsvc.tenants.views", "formsvc.tenants.forms"),  # the operator's pages (municipalities, templates)
    ("formsvc.review",),
    ("formsvc.records",),
    ("formsvc.resident",),
    ("formsvc.payments",),                       # fees paid online or at the counter; refunds
    ("formsvc.authentication",),
    ("formsvc.submissions",),
    ("formsvc.applications",),                   # the domain core: answers, flow, sections
    ("formsvc.forms",),
    ("formsvc.definitions",),                    # the document: schema, checks, loader
    ("formsvc.fields",),                         # the field-type plugins
    ("formsvc.vocabulary",),                     # conditions, expressions, common types
    ("formsvc.jobs",),                           # background jobs: queue, worker, dead letters
    ("formsvc.staff",),
    ("formsvc.templating", "formsvc.request_guard", "formsvc.errors", "formsvc.health",
     "formsvc.navigation", "formsvc.i18n"),
    ("formsvc.tenants",),                        # which municipality; every query limited to it
    ("formsvc.japanese", "formsvc.clock", "formsvc.crypto", "formsvc.db", "formsvc.config",
     "formsvc.csrf", "formsvc.plain_copy"),
)

# Packages of one line that must not import each other either.
INDEPENDENT = frozenset({"formsvc.admin", "formsvc.counter", "formsvc.dashboard"})


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> tuple[int, str]:
    """(index, owner) of the most specific layer entry ``module`` belongs to."""
    best: tuple[int, str] | None = None
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                    best is None or len(name) > len(best[1])):
                best = (index, name)
    if best is None:
        raise LookupError(module)
    return best


def imported_modules(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from formsvc import clock` imports the submodule formsvc.clock
            found.update(f"{target}.{alias.name}" for alias in node.names if target == "formsvc")
    return {name for name in found if name == "formsvc" or name.startswith("formsvc.")}


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = []
    for path in SOURCES:
        try:
            layer_of(module_name(path))
        except LookupError:
            missing.append(module_name(path))
    assert not missing, f"add these to LAYERS (and docs/architecture.md): {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_a_layer_above_its_own(path: Path):
    importer = module_name(path)
    own, own_name = layer_of(importer)
    upward = []
    for target in imported_modules(path, importer):
        if target == "formsvc" and importer != "formsvc":
            continue  # `from formsvc import x` is judged by x
        layer, name = layer_of(target)
        sibling = layer == own and name != own_name and {name, own_name} <= INDEPENDENT
        if layer < own or sibling:
            upward.append(f"{target} ({name})")
    assert not upward, f"{importer} ({own_name}) imports from above or beside it: {upward}"


def test_the_checker_sees_an_upward_import(tmp_path: Path):
    """The test itself can fail: a lower module importing an upper one is found."""
    fake = PACKAGE / "submissions" / "service.py"
    imports = imported_modules(fake, "formsvc.submissions.service")
    assert "formsvc.db" in imports
    source = tmp_path / "probe.py"
    source.write_text("from formsvc.review import workflow\nimport formsvc.resident.views\n")
    names = imported_modules(source, "formsvc.submissions.probe")
    assert {layer_of(n)[0] for n in names} == {layer_of("formsvc.review")[0],
                                               layer_of("formsvc.resident")[0]}
    assert all(layer_of(n)[0] < layer_of("formsvc.submissions")[0] for n in names)
