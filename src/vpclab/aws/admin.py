"""Test-friendly administration for ``vpclab serve``: health and reset, loopback only.

    GET  /_vpclab/health  → 200 {"status": "ok", "resources": N, "version": V, "state": PATH}
    POST /_vpclab/reset   → 200 {"status": "reset", "resources": 0, "version": V, …}   (X-Vpclab: 1)

Every admin route answers 403 ``{"status": "forbidden", "code": "AccessDenied", …}`` to a client
whose address is not loopback (127.0.0.0/8, ::1, or an IPv4-mapped loopback address); a request
with no client address (a Unix socket) is refused too. Every one but the read-only health route
also needs a request no browser sends cross-site without a CORS preflight (which vpclab never
approves): an ``X-Vpclab`` header (any value) or a JSON ``Content-Type``; without one it is
refused the same way (docs/security.md). The server mounts them with ``admin_routes(lambda: state)`` and
serializes every mutation with ``state.lock``, which the admin routes take as well.

Reset empties the World and the state file in one change set. A server started with ``--load
FILE`` does not load that file again: the response names it (``"loaded"``) and says so; restart
the server to start from the file again. Callbacks in ``ServerState.after_reset`` run after a
reset, under the lock, for caches the server keeps outside the World.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..model.world import World
from .durability import CommitLock
from .endpoint import caller_of
from .handlers import insights
from .security import is_loopback
from .store import SqliteStore, StoreError

#: the path prefix of vpclab's own endpoints (never an EC2 Query path)
ADMIN_PREFIX = "/_vpclab"


@dataclass
class ServerState:
    """What ``vpclab serve`` runs on: the World, its durable store, and the one mutation lock."""

    world: World
    store: SqliteStore
    #: every mutation (ControlPlane call, reset) holds it; reads that must be consistent too.
    #: Leaving it waits until the state file holds every change made so far (group commit)
    lock: CommitLock = field(default_factory=CommitLock)
    #: the YAML file given with ``--load``, if any (a reset does not load it again)
    loaded_from: str | None = None
    #: called (under the lock) after each reset, e.g. to forget which accounts were set up
    after_reset: list[Callable[[], None]] = field(default_factory=list)


#: the header that makes an admin request one a browser cannot send cross-site without a preflight
ADMIN_HEADER = "X-Vpclab"

__all__ = ["ADMIN_HEADER", "ADMIN_PREFIX", "ServerState", "admin_routes", "is_loopback"]


def _forbidden(request: Request, *, read_only: bool = False) -> JSONResponse | None:
    """None to serve the request, else the 403 refusal: a client that is not loopback, or (unless
    ``read_only``) a "simple" request a page of another site could have sent."""
    host = request.client.host if request.client else None
    if not is_loopback(host):
        message = f"{request.url.path} answers loopback clients only (not {host or 'unknown'})"
    elif (read_only or request.headers.get(ADMIN_HEADER)
          or request.headers.get("content-type", "").lower().startswith("application/json")):
        return None
    else:
        message = (f"{request.url.path} needs the header {ADMIN_HEADER}: 1 (or a JSON Content-Type), which a "
                   "browser page cannot send to vpclab from another site")
    return JSONResponse({"status": "forbidden", "code": "AccessDenied", "message": message}, status_code=403)


def _account_of(request: Request) -> str:
    """The caller's account as the EC2 endpoint sees it: verified by the server (``--verify-signatures``),
    else the SigV4 access key id (docs/api.md)."""
    verified = request.scope.get("vpclab.account")
    return str(verified) if verified else caller_of(request.headers, dict(request.query_params)).account_id


def admin_routes(get_state: Callable[[], ServerState]) -> list[Route]:
    """The admin routes, reading the live server state through ``get_state()`` on each request."""

    # plain functions: starlette runs them in its thread pool, so waiting for the lock never
    # blocks the event loop
    def health(request: Request) -> JSONResponse:
        refused = _forbidden(request, read_only=True)
        if refused is not None:
            return refused
        state = get_state()
        # no lock: health answers at once while a long request holds it (the counts are read
        # atomically, between two changes or mid-way through one)
        body = {"status": "ok", "resources": len(state.world), "version": state.world.version,
                "state": state.store.path}
        return JSONResponse(body)

    def reset(request: Request) -> JSONResponse:
        refused = _forbidden(request)
        if refused is not None:
            return refused
        state = get_state()
        try:
            with state.lock:  # leaving it waits until the emptied file is durable
                state.store.reset(state.world)
                for callback in state.after_reset:
                    callback()
                body: dict[str, object] = {"status": "reset", "resources": len(state.world),
                                           "version": state.world.version}
        except StoreError as exc:
            return JSONResponse({"status": "error", "message": str(exc)}, status_code=500)
        if state.loaded_from:
            body["loaded"] = state.loaded_from
            body["message"] = (f"the network loaded from {state.loaded_from} at start-up is not loaded "
                               "again; restart the server to start from it")
        return JSONResponse(body)

    return [
        Route(f"{ADMIN_PREFIX}/health", health, methods=["GET"], name="vpclab-health"),
        Route(f"{ADMIN_PREFIX}/reset", reset, methods=["POST"], name="vpclab-reset"),
        *insights.analysis_routes(get_state, _forbidden, _account_of),  # GET /_vpclab/analyses/<nia-id>
    ]
