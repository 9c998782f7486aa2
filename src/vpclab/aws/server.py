"""The ASGI app of ``vpclab serve``: the EC2 Query endpoint at ``/``, vpclab's admin routes at ``/_vpclab``.

    state = open_state(":memory:")            # the World, its SQLite store, the one lock
    app = create_app(state, default_vpc=True)
    uvicorn.run(app, host="127.0.0.1", port=4566)

The pipeline of ``vpclab serve`` is ``open_state`` → ``adopt_world`` (``--load``: a YAML network's
World, loaded by the CLI through ``vpclab.topology``) → ``create_app``
→ uvicorn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..control.insights import Analyser
from ..model.world import World
from ..network.insights import analyse
from .admin import ServerState, admin_routes
from .endpoint import Endpoint
from .store import SqliteStore, StateFileError, StoreError

log = logging.getLogger("vpclab.aws")


def open_state(path: str | Path, *, seed: int | None = None) -> ServerState:
    """The World kept in the state file at ``path`` (``:memory:`` for a throwaway one).

    The store holds the file's lock until ``state.store.close()``. Raises ``StateFileError`` (its
    subclasses name the reason) if the file cannot be used — also if it cannot be written.
    """
    store = SqliteStore.open(path)
    try:
        world = store.load(lambda: World(seed=seed))
        store.attach(world)
    except StoreError as exc:
        store.close()
        raise StateFileError(f"cannot write state file {store.path}: {exc.detail}") from exc
    except BaseException:
        store.close()
        raise
    return ServerState(world=world, store=store)


def adopt_world(state: ServerState, world: World, source: str | Path) -> int:
    """Start from a loaded network (``source`` names its file): its resources join the World (and
    the state file) in one change.

    Only into an empty state: a state file that already holds resources is kept as it is (the
    file was loaded when it was created) and 0 is returned.
    """
    if len(state.world):
        return 0
    with state.lock, state.world.transaction():
        for res in world.resources():
            state.world.put(res)
    state.loaded_from = str(source)
    return len(world)


class _QueryApp(Starlette):
    """Starlette, with the EC2 Query requests (``GET``/``POST /``, nearly every request) answered
    straight from the ASGI messages: the same pipeline as the ``query`` route (form = query string
    then body, ``Endpoint.dispatch``, ``text/xml; charset=utf-8``), without Starlette's request,
    routing and middleware objects, which cost about as much as a create's whole handling (bench/api.py).
    Every other request goes through Starlette's routes.
    """

    endpoint: Endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/"
            or scope.get("root_path")
            or scope["method"] not in ("GET", "POST")
        ):
            await super().__call__(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            # the first of repeated headers, as Starlette's Headers.get answers
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        form = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        form.update(parse_qsl(b"".join(chunks).decode("utf-8", errors="replace"), keep_blank_values=True))
        result = self.endpoint.dispatch(form, headers)
        data = result.body.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": result.status,
                "headers": [
                    (b"content-length", str(len(data)).encode("latin-1")),
                    (b"content-type", b"text/xml; charset=utf-8"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


def create_app(state: ServerState, *, default_vpc: bool = True, analyser: Analyser = analyse) -> Starlette:
    """The endpoint over ``state``; network insights analyses run ``analyser`` (vpclab's tracer)."""
    endpoint = Endpoint(state.world, default_vpc=default_vpc, lock=state.lock, analyser=analyser)
    state.after_reset.append(endpoint.forget_accounts)

    async def query(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", errors="replace")
        form = dict(parse_qsl(request.url.query, keep_blank_values=True))
        form.update(parse_qsl(body, keep_blank_values=True))
        # the handlers are short and hold the one lock: running them here keeps them serialized
        result = endpoint.dispatch(form, request.headers)
        return Response(result.body, status_code=result.status, media_type="text/xml")

    async def rest_json(request: Request) -> Response:
        # REST-JSON services (RAM): the SigV4 credential scope names the service
        from .endpoint import caller_of
        from .restjson import REST_JSON_SERVICES, dispatch

        caller = caller_of(request.headers, dict(request.query_params))
        service = caller.service if caller.service in REST_JSON_SERVICES else "ram"
        status, body, headers = dispatch(
            endpoint,
            service,
            request.method,
            request.url.path,
            await request.body(),
            dict(request.query_params),
            request.headers,
            caller.account_id,
            caller.region,
        )
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    routes = [
        *admin_routes(lambda: state),
        Route("/", query, methods=["GET", "POST"]),
        Route("/{path:path}", rest_json, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    app = _QueryApp(routes=routes)
    app.endpoint = endpoint
    app.state.vpclab = state
    app.state.endpoint = endpoint
    return app
