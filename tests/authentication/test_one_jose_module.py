"""python-jose is imported by one module only, so all JOSE handling is reviewed in one place."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "formsvc"


def test_only_formsvc_authentication_tokens_imports_python_jose():
    importers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "jose" or name.startswith("jose.") for name in names):
                importers.add(path.relative_to(PACKAGE.parent).as_posix())
    assert importers == {"formsvc/authentication/tokens.py"}
