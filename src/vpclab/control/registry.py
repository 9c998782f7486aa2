"""The table of actions: EC2 action name in snake_case → the function that performs it.

Family modules (vpc, routes, peering, …) mark each action with ``@action``; the ControlPlane
looks actions up here, and the EC2 endpoint maps ``Action=CreateVpc`` → ``create_vpc`` through it.
An action is ``fn(ctx, **params)`` where params are the snake_case of the EC2 API parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ACTIONS: dict[str, Callable[..., Any]] = {}


def action(fn: F) -> F:
    """Register ``fn`` as the ControlPlane action of the same name."""
    if fn.__name__ in ACTIONS and ACTIONS[fn.__name__] is not fn:
        raise RuntimeError(f"action {fn.__name__} is defined twice")
    ACTIONS[fn.__name__] = fn
    return fn
