"""Marking actions: ``@action`` on ``def create_vpc(ctx, *, cidr_block, ...)`` in a family module.

The ControlPlane lists its family modules by name (``control/plane.py``) and collects the marked
functions with :func:`actions_of`: nothing registers itself by being imported. An action is
``fn(ctx, **params)`` where params are the snake_case of the EC2 API parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__vpclab_action__"


def action(fn: F) -> F:
    """Mark ``fn`` as the ControlPlane action of the same name."""
    setattr(fn, _MARK, True)
    return fn


def actions_of(*modules: ModuleType) -> dict[str, Callable[..., Any]]:
    """The actions the modules define (not those they import), by name; a name twice is a bug."""
    found: dict[str, Callable[..., Any]] = {}
    for module in modules:
        for name, fn in vars(module).items():
            if not (callable(fn) and getattr(fn, _MARK, False) and fn.__module__ == module.__name__):
                continue
            if name in found:
                where = f"{found[name].__module__} and {module.__name__}"
                raise RuntimeError(f"action {name} is defined in {where}")
            found[name] = fn
    return found
