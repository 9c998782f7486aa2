"""The web page: the topology drawn, a flow traced on it, a fix previewed (docs/web.md).

``vpclab ui FILE`` serves it on its own (``create_app``); ``vpclab serve`` mounts ``page_routes``
next to the EC2 endpoint, over the server's live World (``live_source``). The page is static
files (``static/``: index.html, app.js, app.css and the vendored cytoscape.js with its licences)
and a read-only JSON API that calls the same functions as the CLI (vpclab.network.api).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from starlette.requests import Request

from ..model.world import World
from ..network.facade import Network
from .app import API_PATH, UI_PATH, PageSource, create_app, names_of, page_routes, static_network
from .live import ChangeLog

#: how a live World's network is labelled in messages ("… is not a name in the server's World")
LIVE_LABEL = "the server's World"


def world_network(world: World, label: str = LIVE_LABEL) -> Network:
    """A World as a Network: its resources go by their ``Name`` tags (where one resource has it)."""
    ids = names_of((r.id, r.name) for r in world.resources())
    return Network(world=world, file=label, ids=ids, names={rid: n for n, rid in ids.items()})


def live_source(
    world: Any, lock: AbstractContextManager[Any], refuse: Callable[[Request], str | None] | None = None
) -> PageSource:
    """The page over a server's World, read under its lock. ``world`` is a callable giving the
    current World (a reset may replace it) or the World itself; ``refuse`` vets each client. The
    World's change sets are logged (web/live.py) so that an open trace re-runs only when a change
    touches what it read."""
    get = world if callable(world) else (lambda: world)
    log = ChangeLog(get)
    log.version()  # listen from now on
    return PageSource(
        network=lambda: world_network(get()),
        lock=lambda: lock,
        refuse=refuse if refuse is not None else (lambda request: None),
        version=log.version,
        live=True,
        changes=log.since,
    )


__all__ = [
    "API_PATH",
    "UI_PATH",
    "PageSource",
    "create_app",
    "live_source",
    "page_routes",
    "static_network",
    "world_network",
]
