"""Field types. Every module of this package is imported here, so that each registers
its class; a new field type is a new module, nothing else to edit."""

import importlib
import pkgutil

from formsvc.fields.base import REGISTRY, FieldContext, FieldSpec, Problem

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "FieldContext", "FieldSpec", "Problem"]
