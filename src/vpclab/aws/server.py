"""The ASGI app of ``vpclab serve``: the EC2 Query endpoint at ``/``, vpclab's admin routes at ``/_vpclab``.

    state = open_state(":memory:")            # the World, its SQLite store, the one lock
    app = create_app(state, default_vpc=True)
    uvicorn.run(app, host="127.0.0.1", port=4566)

The pipeline of ``vpclab serve`` is ``open_state`` → ``adopt_world`` (``--load``: a YAML network's
World, loaded by the CLI through ``vpclab.topology``) → ``create_app``
→ uvicorn.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..control.insights import Analyser
from ..core.errors import AwsError
from ..model.world import World
from ..network.insights import analyse
from . import protocol
from .admin import ADMIN_PREFIX, ServerState, admin_routes
from .endpoint import Endpoint, caller_of
from .restjson import REST_JSON_SERVICES
from .store import SqliteStore

log = logging.getLogger("vpclab.aws")


def open_state(path: str | Path, *, seed: int | None = None) -> ServerState:
    """The World kept in the state file at ``path`` (``:memory:`` for a throwaway one)."""
    store = SqliteStore.open(path)
    world = store.load(lambda: World(seed=seed))
    store.attach(world)
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


def _wants_json(headers: Any) -> bool:
    """Whether a request is for a REST-JSON service (RAM): signed for one, or sending JSON."""
    caller = caller_of(headers, {})
    if caller.service is not None:
        return caller.service in REST_JSON_SERVICES
    return "json" in headers.get("content-type", "")


def error_response(headers: Any, status: int, code: str, message: str) -> Response:
    """An error in the protocol the request speaks, with a request id: RAM's JSON
    (``{"__type", "message"}`` + ``x-amzn-ErrorType``) or EC2's XML ``<Response><Errors>``."""
    request_id = str(uuid.uuid4())
    if _wants_json(headers):
        return Response(json.dumps({"__type": code, "message": message}), status_code=status,
                        media_type="application/json",
                        headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id})
    body = protocol.render_error("ec2", AwsError(code, message, status=status), request_id)
    return Response(body, status_code=status, media_type="text/xml")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404/405 (and any other HTTPException) in the protocol's own error shape, not
    text/plain. AWS's codes for a path or method its endpoint does not serve are undocumented:
    InvalidAction (404) and InvalidRequest (405) are the Query API's common errors closest to them."""
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    path = request.url.path
    if path.startswith(ADMIN_PREFIX):  # vpclab's own routes answer vpclab's JSON
        return Response(json.dumps({"status": "error", "error": f"{request.method} {path}: {status}"}),
                        status_code=status, media_type="application/json")
    if status == 405:
        return error_response(request.headers, 405, "InvalidRequest",
                              f"The HTTP method {request.method} is not supported for {path}.")
    return error_response(request.headers, status, "InvalidAction",
                          f"No operation is served at {request.method} {path}.")


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
        from .restjson import dispatch, routes

        caller = caller_of(request.headers, dict(request.query_params))
        service = caller.service if caller.service in REST_JSON_SERVICES else "ram"
        if not _wants_json(request.headers) and (
            caller.service is not None
            or (request.method.upper(), request.url.path.rstrip("/") or "/") not in routes(service)
        ):
            # signed for a Query service (EC2, STS, ELB), or unsigned and no RAM operation:
            # EC2's envelope, as at "/"
            return error_response(request.headers, 404, "InvalidAction",
                                  f"No operation is served at {request.method} {request.url.path}.")
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
        Route("/{path:path}", rest_json, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    app = _QueryApp(routes=routes, exception_handlers={404: _http_error, 405: _http_error})
    app.endpoint = endpoint
    app.state.vpclab = state
    app.state.endpoint = endpoint
    return app


def http_protocol() -> type:
    """uvicorn's HTTP/1.1 protocol (h11), answering a request it cannot parse (a bad request line,
    header or body framing: uvicorn's ``Invalid HTTP request received.``, text/plain) with EC2's XML
    error shape and a request id instead, so every answer of the endpoint is one botocore parses.
    Pass it as ``uvicorn.run(app, http=http_protocol())``.

    The request was not understood, so its service is unknown: EC2's envelope (the endpoint's main
    service). AWS's code for an unparsable HTTP request is undocumented; the Query API's common
    error ``InvalidRequest`` is the closest."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class QueryErrorH11Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            error = AwsError("InvalidRequest", f"The request received was invalid: {msg}")
            body = protocol.render_error("ec2", error, str(uuid.uuid4())).encode("utf-8")
            headers = [
                (b"content-type", b"text/xml; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ]
            try:
                start = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
                self.transport.write(self.conn.send(start))
                self.transport.write(self.conn.send(h11.Data(data=body)))
                self.transport.write(self.conn.send(h11.EndOfMessage()))
            except h11.LocalProtocolError:  # a response had begun: nothing more can be said
                pass
            self.transport.close()

    return QueryErrorH11Protocol
