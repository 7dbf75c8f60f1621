"""A package's re-exports, imported when first used (PEP 562's module ``__getattr__``).

`turntoward.api`, `turntoward.store` and `turntoward.checkin` re-export names from their modules.
Imported eagerly, every command would load SQLAlchemy, Alembic and Altair before it starts, even
``turntoward analyze chat.txt`` that needs none of them (about half a second of each run). Each
such package lists what it re-exports and from where; a name is imported on first use, then kept
in the package like any other. A command module does the same with a module of the API that
only its commands call (`lazy_module`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from importlib.util import LazyLoader, find_spec, module_from_spec
from types import ModuleType
from typing import Any


def lazy_exports(
    namespace: dict[str, Any], where: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of the package whose globals are `namespace`: `where`
    maps each re-exported name to the module (relative to the package) that defines it.

    A lazy name must not also be the name of one of the package's modules: importing that module
    sets the package's attribute to the module, and ``__getattr__`` is never asked."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        namespace[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__


def lazy_module(name: str) -> ModuleType:
    """Module `name`, executed when one of its attributes is first read (the standard library's
    `LazyLoader`); the module itself if it is imported already."""
    if name in sys.modules:
        return sys.modules[name]
    spec = find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = LazyLoader(spec.loader)
    module = module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
